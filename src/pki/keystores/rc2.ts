/**
 * RC2 in CBC mode (RFC 2268). PKCS#12's LegacyRC2 profile encrypts certificates with 40-bit
 * RC2, and OpenSSL 3 only offers RC2 through its legacy provider, which Node does not load; so
 * this small implementation keeps the profile working without it.
 */

/** RFC 2268 §2 PITABLE: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
  '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
  '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
  '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
  '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
  'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
  '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
  '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

const ROTATIONS = [1, 2, 3, 5] as const;

/** RFC 2268 §2 key expansion into 64 16-bit subkeys, for an effective key size in bits. */
export function expandRc2Key(key: Buffer, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new Error(`RC2 key must be 1..128 bytes, got ${key.length}`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) {
    throw new Error(`RC2 effective key size must be 1..1024 bits, got ${effectiveBits}`);
  }
  const l = Buffer.alloc(128);
  key.copy(l);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  return k;
}

function encryptBlock(k: Uint16Array, r: Uint16Array): void {
  let j = 0;
  const mix = (): void => {
    for (let i = 0; i < 4; i++) {
      const s = ROTATIONS[i]!;
      const x = (r[i]! + k[j++]! + (r[(i + 3) & 3]! & r[(i + 2) & 3]!) + (~r[(i + 3) & 3]! & r[(i + 1) & 3]!)) & 0xffff;
      r[i] = ((x << s) | (x >>> (16 - s))) & 0xffff;
    }
  };
  const mash = (): void => {
    for (let i = 0; i < 4; i++) r[i] = (r[i]! + k[r[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
}

function readWords(buf: Buffer, at: number, r: Uint16Array): void {
  for (let i = 0; i < 4; i++) r[i] = buf.readUInt16LE(at + 2 * i);
}

function writeWords(r: Uint16Array, buf: Buffer, at: number): void {
  for (let i = 0; i < 4; i++) buf.writeUInt16LE(r[i]!, at + 2 * i);
}

/** Encrypts one 8-byte block (ECB); exposed for the RFC 2268 test vectors. */
export function rc2EncryptBlock(key: Buffer, effectiveBits: number, block: Buffer): Buffer {
  if (block.length !== 8) throw new Error('RC2 block must be 8 bytes');
  const r = new Uint16Array(4);
  readWords(block, 0, r);
  encryptBlock(expandRc2Key(key, effectiveBits), r);
  const out = Buffer.alloc(8);
  writeWords(r, out, 0);
  return out;
}

/** RC2-CBC encryption of already padded data (a multiple of 8 bytes). */
export function rc2CbcEncrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  if (iv.length !== 8 || data.length % 8 !== 0) throw new Error('RC2-CBC needs an 8-byte IV and whole 8-byte blocks');
  const k = expandRc2Key(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  const r = new Uint16Array(4);
  let prev = iv;
  for (let at = 0; at < data.length; at += 8) {
    const block = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) block[i] = data[at + i]! ^ prev[i]!;
    readWords(block, 0, r);
    encryptBlock(k, r);
    writeWords(r, out, at);
    prev = out.subarray(at, at + 8);
  }
  return out;
}
