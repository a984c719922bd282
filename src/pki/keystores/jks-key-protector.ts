/**
 * Sun's proprietary JKS private key protection (sun.security.provider.KeyProtector): a SHA-1
 * keystream seeded by a random 20-byte salt, XORed over the PKCS#8 key, followed by a SHA-1
 * check value. Weak by design; JKS readers expect exactly this.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { nullValue, octetString, oid, seq } from '../der.js';
import { readDer } from '../der.js';
import { readOctetString, readOid, sequenceOf } from '../der-values.js';
import { SUN_KEY_PROTECTOR } from './oids.js';

const SALT_LENGTH = 20;
const DIGEST_LENGTH = 20;

function keystream(password: Buffer, salt: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  let digest = salt;
  for (let at = 0; at < length; at += DIGEST_LENGTH) {
    digest = createHash('sha1').update(password).update(digest).digest();
    digest.copy(out, at, 0, Math.min(DIGEST_LENGTH, length - at));
  }
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * Protects a PKCS#8 key; `password` is already in JKS byte form (`jksPassword`).
 * Returns the EncryptedPrivateKeyInfo DER that a JKS key entry stores.
 */
export function protectJksKey(pkcs8: Buffer, password: Buffer, salt: Buffer): Buffer {
  if (salt.length !== SALT_LENGTH) throw new Error(`JKS key protector salt must be ${SALT_LENGTH} bytes`);
  const check = createHash('sha1').update(password).update(pkcs8).digest();
  const body = Buffer.concat([salt, xor(pkcs8, keystream(password, salt, pkcs8.length)), check]);
  return seq(seq(oid(SUN_KEY_PROTECTOR), nullValue()), octetString(body));
}

/** Recovers the PKCS#8 key; throws when the check value fails (wrong password). */
export function recoverJksKey(encryptedPrivateKeyInfo: Buffer, password: Buffer): Buffer {
  const [algorithm, data] = sequenceOf(readDer(encryptedPrivateKeyInfo), 'JKS protected key');
  const algOid = readOid(sequenceOf(algorithm, 'JKS key protection algorithm')[0], 'JKS key protection algorithm');
  if (algOid !== SUN_KEY_PROTECTOR) throw new Error(`JKS key protected with unsupported algorithm ${algOid}`);
  const body = readOctetString(data, 'JKS protected key');
  if (body.length < SALT_LENGTH + DIGEST_LENGTH) throw new Error('JKS protected key is too short');
  const salt = body.subarray(0, SALT_LENGTH);
  const encrypted = body.subarray(SALT_LENGTH, body.length - DIGEST_LENGTH);
  const plain = xor(encrypted, keystream(password, salt, encrypted.length));
  const check = createHash('sha1').update(password).update(plain).digest();
  if (!timingSafeEqual(check, body.subarray(body.length - DIGEST_LENGTH))) {
    throw new Error('JKS private key does not decrypt (wrong password)');
  }
  return plain;
}
