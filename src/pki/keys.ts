/**
 * Private keys the way cert-manager makes and stores them: generation per `spec.privateKey`,
 * PEM encoding per `privateKey.encoding`, and parsing back with the encoding recognised.
 */
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { splitPem } from './pem.js';

/** cert-manager `privateKey.algorithm` values. */
export type KeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519';
/** cert-manager `privateKey.encoding` values. */
export type KeyEncoding = 'PKCS1' | 'PKCS8';

/** What to generate; `size` ≤ 0 or absent means the cert-manager default. */
export interface KeySpec {
  algorithm: KeyAlgorithm;
  size?: number;
}

/** ECDSA sizes cert-manager accepts, with the OpenSSL curve names Node uses. */
const CURVES: Readonly<Record<number, string>> = { 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
const CURVE_SIZES: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

const generate = promisify(generateKeyPair);

/**
 * Generates a private key. RSA: 2048..8192 bits (default 2048, any integer in range, as the
 * cert-manager webhook allows). ECDSA: 256/384/521 → P-256/P-384/P-521 (default 256).
 * Ed25519: `size` is ignored, as cert-manager does. Runs off the main thread (libuv pool).
 */
export async function generatePrivateKey(spec: KeySpec): Promise<KeyObject> {
  const size = spec.size !== undefined && spec.size > 0 ? spec.size : undefined;
  switch (spec.algorithm) {
    case 'RSA': {
      const bits = size ?? 2048;
      if (!Number.isInteger(bits) || bits < 2048 || bits > 8192) {
        throw new Error(`RSA key size must be an integer from 2048 to 8192, got ${bits}`);
      }
      return (await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 })).privateKey;
    }
    case 'ECDSA': {
      const curve = CURVES[size ?? 256];
      if (!curve) throw new Error(`ECDSA key size must be 256, 384 or 521, got ${size}`);
      return (await generate('ec', { namedCurve: curve })).privateKey;
    }
    case 'Ed25519':
      return (await generate('ed25519')).privateKey;
    default:
      throw new Error(`unsupported private key algorithm "${String((spec as KeySpec).algorithm)}"`);
  }
}

/**
 * Algorithm and size of a private or public key. `size` is the RSA modulus length in bits,
 * the EC curve size (256/384/521), and **0 for Ed25519**, whose size cert-manager neither sets
 * nor checks, so callers comparing against a spec should skip it.
 * Throws for key types cert-manager cannot use (RSA-PSS, DSA, Ed448, other curves…).
 */
export function describeKey(key: KeyObject): { algorithm: KeyAlgorithm; size: number } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { algorithm: 'RSA', size: details.modulusLength ?? 0 };
    case 'ec': {
      const size = CURVE_SIZES[details.namedCurve ?? ''];
      if (!size) throw new Error(`unsupported EC curve "${details.namedCurve}" (need P-256, P-384 or P-521)`);
      return { algorithm: 'ECDSA', size };
    }
    case 'ed25519':
      return { algorithm: 'Ed25519', size: 0 };
    default:
      throw new Error(`unsupported key type "${key.asymmetricKeyType ?? key.type}"`);
  }
}

/**
 * PEM exactly as cert-manager's `pki.EncodePrivateKey` writes it: PKCS1 → `RSA PRIVATE KEY`
 * (PKCS#1) or `EC PRIVATE KEY` (SEC 1); PKCS8 → `PRIVATE KEY`; Ed25519 always PKCS#8.
 */
export function encodePrivateKey(key: KeyObject, encoding: KeyEncoding): string {
  if (key.type !== 'private') throw new Error('encodePrivateKey: need a private key');
  const { algorithm } = describeKey(key);
  if (encoding !== 'PKCS1' && encoding !== 'PKCS8') throw new Error(`unsupported key encoding "${String(encoding)}"`);
  let type: 'pkcs1' | 'sec1' | 'pkcs8' = 'pkcs8';
  if (encoding === 'PKCS1' && algorithm === 'RSA') type = 'pkcs1';
  if (encoding === 'PKCS1' && algorithm === 'ECDSA') type = 'sec1';
  return key.export({ format: 'pem', type }) as string;
}

/**
 * `secondTag`: the DER tag of the second field of the key's outer SEQUENCE, which tells the three
 * structures apart (PKCS#1: the modulus INTEGER; SEC1: the key OCTET STRING; PKCS#8: the
 * AlgorithmIdentifier SEQUENCE). OpenSSL 3.5 (Node 26) parses a PKCS#8 body under a PKCS#1 label
 * where older versions refused it; cert-manager's Go refuses it, and so do we, on every Node.
 */
const PEM_TYPES: Readonly<Record<string, { type: 'pkcs1' | 'sec1' | 'pkcs8'; encoding: KeyEncoding; secondTag: number; keyType?: string }>> = {
  'RSA PRIVATE KEY': { type: 'pkcs1', encoding: 'PKCS1', secondTag: 0x02, keyType: 'rsa' },
  'EC PRIVATE KEY': { type: 'sec1', encoding: 'PKCS1', secondTag: 0x04, keyType: 'ec' },
  'PRIVATE KEY': { type: 'pkcs8', encoding: 'PKCS8', secondTag: 0x30 },
};

/** The tag of the second element inside a DER SEQUENCE, or undefined when it is not one. */
function secondElementTag(der: Buffer): number | undefined {
  const lengthSize = (at: number): number | undefined => {
    const first = der[at];
    if (first === undefined) return undefined;
    return first < 0x80 ? 1 : 1 + (first & 0x7f);
  };
  if (der[0] !== 0x30) return undefined;
  const outer = lengthSize(1);
  if (outer === undefined) return undefined;
  const firstAt = 1 + outer;
  const firstLen = lengthSize(firstAt + 1);
  if (firstLen === undefined) return undefined;
  // The first element (a version INTEGER) is short in every key format: its length fits one byte.
  const len = der[firstAt + 1]!;
  if (len >= 0x80) return undefined;
  return der[firstAt + 2 + len];
}

/**
 * Parses one unencrypted private key PEM (as in a `tls.key`), reporting the encoding its label
 * implies. An `EC PARAMETERS` block (from `openssl ecparam -genkey`) is tolerated; anything
 * else — no key, two keys, encrypted keys, certificates, unsupported key types — throws.
 */
export function parsePrivateKey(pem: string): { key: KeyObject; encoding: KeyEncoding } {
  const blocks = splitPem(pem).filter((b) => b.type !== 'EC PARAMETERS');
  if (blocks.length !== 1) {
    throw new Error(`expected exactly one private key PEM block, found ${blocks.length}`);
  }
  const block = blocks[0]!;
  if (block.type === 'ENCRYPTED PRIVATE KEY') throw new Error('encrypted private keys are not supported');
  const known = PEM_TYPES[block.type];
  if (!known) throw new Error(`PEM block "${block.type}" is not a private key`);
  if (secondElementTag(block.der) !== known.secondTag) throw new Error(`invalid ${block.type}: the content is not a ${known.type.toUpperCase()} structure`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.der, format: 'der', type: known.type });
  } catch (err) {
    throw new Error(`invalid ${block.type}: ${(err as Error).message}`);
  }
  if (known.keyType && key.asymmetricKeyType !== known.keyType) throw new Error(`invalid ${block.type}: it holds a ${key.asymmetricKeyType ?? 'unknown'} key`);
  describeKey(key);
  return { key, encoding: known.encoding };
}

/** True when PEM text holds an encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY`, or legacy `Proc-Type: 4,ENCRYPTED`). */
export function isEncryptedKeyPem(pem: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem);
}

/** SubjectPublicKeyInfo DER of the key's public half (private or public KeyObject). */
export function publicKeyDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ format: 'der', type: 'spki' });
}

/** True when both keys (private or public, in any mix) have the same public key. */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return publicKeyDer(a).equals(publicKeyDer(b));
}
