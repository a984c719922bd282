/**
 * The PFX integrity MAC (RFC 7292 §4, MacData): HMAC keyed with the PKCS#12 KDF (SHA-1 or
 * SHA-256), or PBMAC1 (RFC 9579: HMAC keyed with PBKDF2), as go-pkcs12 writes each.
 */
import { createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { int, octetString, oid, seq } from '../der.js';
import type { DerNode } from '../der.js';
import { readOctetString, readOid, readSmallInt, sequenceOf } from '../der-values.js';
import { DIGEST, HMAC, PBE } from './oids.js';
import { pbkdf2Password, pkcs12KdfPassword } from './passwords.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import { readPbkdf2Params } from './pkcs12-pbe.js';
import type { RandomBytes } from './pkcs12-pbe.js';

/** The MAC algorithms the cert-manager profiles use. */
export type MacName = 'HMAC-SHA1' | 'HMAC-SHA256' | 'PBMAC1-HMAC-SHA256';

/** A MAC with its parameters, as encoded in (or read back from) a MacData. */
export interface MacParameters {
  mac: MacName | 'other';
  iterations: number;
  saltLength: number;
}

const DIGESTS: Readonly<Record<string, { hash: 'sha1' | 'sha256' | 'sha384' | 'sha512'; size: number }>> = {
  [DIGEST.sha1]: { hash: 'sha1', size: 20 },
  [DIGEST.sha256]: { hash: 'sha256', size: 32 },
  [DIGEST.sha384]: { hash: 'sha384', size: 48 },
  [DIGEST.sha512]: { hash: 'sha512', size: 64 },
};

const HMACS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
  [HMAC.sha1]: 'sha1',
  [HMAC.sha256]: 'sha256',
  [HMAC.sha384]: 'sha384',
  [HMAC.sha512]: 'sha512',
};

/** Smallest PBMAC1 key accepted when reading (RFC 9579 §3; shorter keys enable forgeries). */
const PBMAC1_MIN_KEY_LENGTH = 20;

/**
 * Builds the MacData over `authSafe` (the content octets of the PFX's authSafe). The salt is
 * the only random input. With PBMAC1 go-pkcs12 leaves macSalt empty and iterations 0 (RFC 9579
 * says readers ignore both), and so do we.
 */
export function encodeMacData(mac: MacName, iterations: number, saltLength: number, password: string, authSafe: Buffer, random: RandomBytes): Buffer {
  const salt = random(saltLength);
  if (mac === 'PBMAC1-HMAC-SHA256') {
    const key = pbkdf2Sync(pbkdf2Password(password), salt, iterations, 32, 'sha256');
    const digest = createHmac('sha256', key).update(authSafe).digest();
    const kdf = seq(oid(PBE.pbkdf2), seq(octetString(salt), int(iterations), int(32), seq(oid(HMAC.sha256))));
    const algorithm = seq(oid(PBE.pbmac1), seq(kdf, seq(oid(HMAC.sha256))));
    return seq(seq(algorithm, octetString(digest)), octetString(Buffer.alloc(0)), int(0));
  }
  const hash = mac === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const size = hash === 'sha1' ? 20 : 32;
  const key = pkcs12Kdf(hash, pkcs12KdfPassword(password), salt, iterations, KDF_PURPOSE.mac, size);
  const digest = createHmac(hash, key).update(authSafe).digest();
  const algorithm = seq(oid(hash === 'sha1' ? DIGEST.sha1 : DIGEST.sha256));
  // iterations is DEFAULT 1, so DER leaves it out when it is 1.
  return seq(seq(algorithm, octetString(digest)), octetString(salt), ...(iterations === 1 ? [] : [int(iterations)]));
}

/**
 * Checks the MacData against `authSafe` with `password`; throws on a mismatch (which almost
 * always means a wrong password). Returns the parameters found.
 */
export function verifyMacData(macData: DerNode, password: string, authSafe: Buffer): MacParameters {
  const [digestInfo, saltNode, iterNode] = sequenceOf(macData, 'MacData');
  const [algorithm, digestNode] = sequenceOf(digestInfo, 'MacData digest');
  const [algOid, params] = sequenceOf(algorithm, 'MAC algorithm');
  const id = readOid(algOid, 'MAC algorithm');
  const expected = readOctetString(digestNode, 'MAC digest');
  let actual: Buffer;
  let result: MacParameters;
  if (id === PBE.pbmac1) {
    const [kdf, macAlg] = sequenceOf(params, 'PBMAC1 parameters');
    const [kdfOid, kdfParams] = sequenceOf(kdf, 'PBMAC1 key derivation');
    if (readOid(kdfOid, 'PBMAC1 key derivation') !== PBE.pbkdf2) throw new Error('PBMAC1: only PBKDF2 is supported');
    const { salt, iterations, keyLength, prf, prfIsDefault } = readPbkdf2Params(kdfParams!);
    if (keyLength === undefined || keyLength < PBMAC1_MIN_KEY_LENGTH) throw new Error('PBMAC1: key length missing or shorter than 20 bytes');
    const macOid = readOid(sequenceOf(macAlg, 'PBMAC1 MAC')[0], 'PBMAC1 MAC');
    const macHash = HMACS[macOid];
    if (!macHash) throw new Error(`PBMAC1: unsupported MAC ${macOid}`);
    const key = pbkdf2Sync(pbkdf2Password(password), salt, iterations, keyLength, prf);
    actual = createHmac(macHash, key).update(authSafe).digest();
    const exact = prf === 'sha256' && !prfIsDefault && macHash === 'sha256' && keyLength === 32;
    result = { mac: exact ? 'PBMAC1-HMAC-SHA256' : 'other', iterations, saltLength: salt.length };
  } else {
    const digest = DIGESTS[id];
    if (!digest) throw new Error(`unsupported MAC digest ${id}`);
    const salt = readOctetString(saltNode, 'MAC salt');
    const iterations = iterNode ? readSmallInt(iterNode, 'MAC iterations') : 1;
    if (iterations < 1 || iterations > 10_000_000) throw new Error(`MAC iteration count ${iterations} out of range`);
    const key = pkcs12Kdf(digest.hash, pkcs12KdfPassword(password), salt, iterations, KDF_PURPOSE.mac, digest.size);
    actual = createHmac(digest.hash, key).update(authSafe).digest();
    const name: MacName | 'other' = digest.hash === 'sha1' ? 'HMAC-SHA1' : digest.hash === 'sha256' ? 'HMAC-SHA256' : 'other';
    result = { mac: name, iterations, saltLength: salt.length };
  }
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new Error('PKCS#12 MAC does not verify (wrong password or modified file)');
  }
  return result;
}
