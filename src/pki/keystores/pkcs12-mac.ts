/**
 * The PFX integrity MAC (RFC 7292 §4, MacData): HMAC keyed with the PKCS#12 KDF (SHA-1 or
 * SHA-256), or PBMAC1 (RFC 9579: HMAC keyed with PBKDF2), as go-pkcs12 writes each.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { int, octetString, oid, seq } from '../der.js';
import { DIGEST, HMAC, PBE } from './oids.js';
import { pbkdf2Password, pkcs12KdfPassword } from './passwords.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import type { RandomBytes } from './pkcs12-pbe.js';

/** The MAC algorithms the cert-manager profiles use. */
export type MacName = 'HMAC-SHA1' | 'HMAC-SHA256' | 'PBMAC1-HMAC-SHA256';

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
