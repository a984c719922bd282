/**
 * The PKCS#12 key derivation function of RFC 7292 Appendix B.2, which Node's crypto lacks. It
 * derives the legacy PBE keys and IVs and the MAC key of every PKCS#12 MAC except PBMAC1.
 */
import { createHash } from 'node:crypto';

/** Purpose byte ("ID") of RFC 7292 App. B.3. */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** Output size u and block size v, in bytes, of the hashes PKCS#12 files use. */
const HASH_SIZES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

function repeatToBlocks(data: Buffer, v: number): Buffer {
  if (data.length === 0) return Buffer.alloc(0);
  const length = v * Math.ceil(data.length / v);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = data[i % data.length]!;
  return out;
}

/**
 * Derives `size` bytes for `purpose` from a BMPString password (with its terminator, see
 * `pkcs12KdfPassword`) and a salt, hashing `iterations` times with `hash`.
 */
export function pkcs12Kdf(hash: 'sha1' | 'sha256' | 'sha384' | 'sha512', password: Buffer, salt: Buffer, iterations: number, purpose: number, size: number): Buffer {
  const sizes = HASH_SIZES[hash];
  if (!sizes) throw new Error(`PKCS#12 KDF: unsupported hash ${hash}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`PKCS#12 KDF: iteration count ${iterations} is invalid`);
  const { u, v } = sizes;
  const diversifier = Buffer.alloc(v, purpose);
  // I = S || P, each repeated up to a whole number of v-byte blocks.
  const input = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(password, v)]);
  const blocks = Math.ceil(size / u);
  const out = Buffer.alloc(blocks * u);
  for (let i = 0; i < blocks; i++) {
    let a = createHash(hash).update(diversifier).update(input).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    a.copy(out, i * u);
    if (i + 1 === blocks) break;
    // Each v-byte block I_j of I becomes (I_j + B + 1) mod 2^(8v), B being A repeated to v bytes.
    const b = repeatToBlocks(a, v).subarray(0, v);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[j + k]! + b[k]! + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, size);
}
