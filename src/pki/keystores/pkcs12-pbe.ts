/**
 * Password-based encryption as PKCS#12 files use it: PBES1 with the PKCS#12 KDF (3DES and
 * 40/128-bit RC2, RFC 7292 App. C) and PBES2 with PBKDF2 and AES-CBC (RFC 8018 §6.2).
 * 3DES, AES and PBKDF2 come from Node's crypto; RC2 and the PKCS#12 KDF are ours.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { int, octetString, oid, seq } from '../der.js';
import type { DerNode } from '../der.js';
import { readOctetString, readOid, readSmallInt, sequenceOf } from '../der-values.js';
import { AES_CBC, HMAC, PBE } from './oids.js';
import { pbkdf2Password, pkcs12KdfPassword } from './passwords.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2.js';

/** Source of random bytes (salts, IVs); injectable so tests get deterministic output. */
export type RandomBytes = (n: number) => Buffer;

/** The encryption schemes the cert-manager profiles use. */
export type PbeSchemeName = 'pbeWithSHA1And3DES' | 'pbeWithSHA1And40BitRC2' | 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC';

/** A scheme with its parameters, as encoded in (or read back from) an AlgorithmIdentifier. */
export interface PbeParameters {
  scheme: PbeSchemeName | 'other';
  iterations: number;
  saltLength: number;
}

const PBES1_OIDS: Readonly<Record<string, { cipher: '3des' | 'rc2'; keyLength: number; scheme: PbeSchemeName | 'other' }>> = {
  [PBE.sha1TripleDes]: { cipher: '3des', keyLength: 24, scheme: 'pbeWithSHA1And3DES' },
  [PBE.sha1Rc2_40]: { cipher: 'rc2', keyLength: 5, scheme: 'pbeWithSHA1And40BitRC2' },
  [PBE.sha1Rc2_128]: { cipher: 'rc2', keyLength: 16, scheme: 'other' },
};

const PRFS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
  [HMAC.sha1]: 'sha1',
  [HMAC.sha256]: 'sha256',
  [HMAC.sha384]: 'sha384',
  [HMAC.sha512]: 'sha512',
};

const AES_KEY_LENGTHS: Readonly<Record<string, number>> = { [AES_CBC.aes128]: 16, [AES_CBC.aes192]: 24, [AES_CBC.aes256]: 32 };

function pad(data: Buffer, blockSize: number): Buffer {
  const n = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer, blockSize: number): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (data.length === 0 || n === 0 || n > blockSize || n > data.length || !data.subarray(data.length - n).every((b) => b === n)) {
    throw new Error('decryption failed (wrong password or corrupt data)');
  }
  return data.subarray(0, data.length - n);
}

function pbes1Cipher(cipher: '3des' | 'rc2', encrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  if (cipher === 'rc2') {
    // RC2's effective key size equals the key length for the PKCS#12 schemes (40 or 128 bits).
    return encrypt ? rc2CbcEncrypt(key, key.length * 8, iv, pad(data, 8)) : unpad(rc2CbcDecrypt(key, key.length * 8, iv, data), 8);
  }
  const c = encrypt ? createCipheriv('des-ede3-cbc', key, iv) : createDecipheriv('des-ede3-cbc', key, iv);
  c.setAutoPadding(false);
  if (encrypt) return Buffer.concat([c.update(pad(data, 8)), c.final()]);
  if (data.length % 8 !== 0) throw new Error('ciphertext is not a whole number of blocks');
  return unpad(Buffer.concat([c.update(data), c.final()]), 8);
}

/**
 * Encrypts `plaintext` with `scheme`. Random bytes are drawn in go-pkcs12's order (salt, then
 * the PBES2 IV) so that the same random stream yields the same bytes as cert-manager.
 * Returns the AlgorithmIdentifier DER and the ciphertext.
 */
export function pbeEncrypt(scheme: PbeSchemeName, iterations: number, saltLength: number, password: string, plaintext: Buffer, random: RandomBytes): { algorithm: Buffer; ciphertext: Buffer } {
  const salt = random(saltLength);
  if (scheme === 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC') {
    const iv = random(16);
    const key = pbkdf2Sync(pbkdf2Password(password), salt, iterations, 32, 'sha256');
    const c = createCipheriv('aes-256-cbc', key, iv);
    const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
    // PRF AlgorithmIdentifier without NULL parameters, as Go's encoding/asn1 writes it.
    const kdf = seq(oid(PBE.pbkdf2), seq(octetString(salt), int(iterations), seq(oid(HMAC.sha256))));
    const algorithm = seq(oid(PBE.pbes2), seq(kdf, seq(oid(AES_CBC.aes256), octetString(iv))));
    return { algorithm, ciphertext };
  }
  const oidValue = scheme === 'pbeWithSHA1And3DES' ? PBE.sha1TripleDes : PBE.sha1Rc2_40;
  const { cipher, keyLength } = PBES1_OIDS[oidValue]!;
  const bmp = pkcs12KdfPassword(password);
  const key = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.key, keyLength);
  const iv = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.iv, 8);
  const algorithm = seq(oid(oidValue), seq(octetString(salt), int(iterations)));
  return { algorithm, ciphertext: pbes1Cipher(cipher, true, key, iv, plaintext) };
}

/** Upper bound on iterations accepted when reading, so a hostile file cannot pin the CPU. */
const MAX_READ_ITERATIONS = 10_000_000;

function checkIterations(n: number, what: string): number {
  if (n < 1 || n > MAX_READ_ITERATIONS) throw new Error(`${what}: iteration count ${n} out of range`);
  return n;
}

/**
 * Decrypts data encrypted under the AlgorithmIdentifier `algorithm` (any scheme `pbeEncrypt`
 * writes, plus RC2-128 and the other PBKDF2 PRFs and AES sizes). Returns the plaintext and the
 * parameters found, so a caller can tell whether a file still matches a profile.
 */
export function pbeDecrypt(algorithm: DerNode, password: string, ciphertext: Buffer): { plaintext: Buffer; parameters: PbeParameters } {
  const [algOid, params] = sequenceOf(algorithm, 'encryption algorithm');
  const id = readOid(algOid, 'encryption algorithm');
  const pbes1 = PBES1_OIDS[id];
  if (pbes1) {
    const [saltNode, iterNode] = sequenceOf(params, 'PBE parameters');
    const salt = readOctetString(saltNode, 'PBE salt');
    const iterations = checkIterations(readSmallInt(iterNode, 'PBE iterations'), 'PBE');
    const bmp = pkcs12KdfPassword(password);
    const key = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.key, pbes1.keyLength);
    const iv = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.iv, 8);
    const plaintext = pbes1Cipher(pbes1.cipher, false, key, iv, ciphertext);
    return { plaintext, parameters: { scheme: pbes1.scheme, iterations, saltLength: salt.length } };
  }
  if (id !== PBE.pbes2) throw new Error(`unsupported encryption algorithm ${id}`);
  const [kdf, enc] = sequenceOf(params, 'PBES2 parameters');
  const [kdfOid, kdfParams] = sequenceOf(kdf, 'PBES2 key derivation');
  if (readOid(kdfOid, 'PBES2 key derivation') !== PBE.pbkdf2) throw new Error('PBES2: only PBKDF2 is supported');
  const { salt, iterations, keyLength, prf, prfIsDefault } = readPbkdf2Params(kdfParams!);
  const [encOid, ivNode] = sequenceOf(enc, 'PBES2 encryption scheme');
  const encId = readOid(encOid, 'PBES2 encryption scheme');
  const aesKeyLength = AES_KEY_LENGTHS[encId];
  if (!aesKeyLength) throw new Error(`PBES2: unsupported cipher ${encId}`);
  if (keyLength !== undefined && keyLength !== aesKeyLength) throw new Error('PBES2: key length does not match the cipher');
  const iv = readOctetString(ivNode, 'PBES2 IV');
  if (iv.length !== 16) throw new Error('PBES2: AES-CBC IV must be 16 bytes');
  const key = pbkdf2Sync(pbkdf2Password(password), salt, iterations, aesKeyLength, prf);
  const d = createDecipheriv(`aes-${aesKeyLength * 8}-cbc`, key, iv);
  d.setAutoPadding(false);
  if (ciphertext.length % 16 !== 0) throw new Error('ciphertext is not a whole number of blocks');
  const plaintext = unpad(Buffer.concat([d.update(ciphertext), d.final()]), 16);
  const exact = prf === 'sha256' && !prfIsDefault && aesKeyLength === 32 && keyLength === undefined;
  return { plaintext, parameters: { scheme: exact ? 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC' : 'other', iterations, saltLength: salt.length } };
}

/** Reads PBKDF2-params (RFC 8018 A.2); the PRF defaults to HMAC-SHA1 when absent. */
export function readPbkdf2Params(node: DerNode): { salt: Buffer; iterations: number; keyLength?: number; prf: 'sha1' | 'sha256' | 'sha384' | 'sha512'; prfIsDefault: boolean } {
  const items = sequenceOf(node, 'PBKDF2 parameters');
  const salt = readOctetString(items[0], 'PBKDF2 salt');
  const iterations = checkIterations(readSmallInt(items[1], 'PBKDF2 iterations'), 'PBKDF2');
  let i = 2;
  let keyLength: number | undefined;
  if (items[i] && items[i]!.tag === 2) keyLength = readSmallInt(items[i++], 'PBKDF2 key length');
  if (keyLength !== undefined && (keyLength < 1 || keyLength > 1024)) throw new Error(`PBKDF2: key length ${keyLength} out of range`);
  if (!items[i]) return { salt, iterations, keyLength, prf: 'sha1', prfIsDefault: true };
  const prfOid = readOid(sequenceOf(items[i], 'PBKDF2 PRF')[0], 'PBKDF2 PRF');
  const prf = PRFS[prfOid];
  if (!prf) throw new Error(`PBKDF2: unsupported PRF ${prfOid}`);
  return { salt, iterations, keyLength, prf, prfIsDefault: false };
}
