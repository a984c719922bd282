/**
 * Password-based encryption as PKCS#12 files use it: PBES1 with the PKCS#12 KDF (3DES and
 * 40-bit RC2, RFC 7292 App. C) and PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (RFC 8018).
 * 3DES, AES and PBKDF2 come from Node's crypto; RC2 and the PKCS#12 KDF are ours. Only the
 * encoder is here: stored files are checked by re-encoding them (see pkcs12-replay.ts).
 */
import { createCipheriv, pbkdf2Sync } from 'node:crypto';
import { int, octetString, oid, seq } from '../der.js';
import { AES_CBC, HMAC, PBE } from './oids.js';
import { pbkdf2Password, pkcs12KdfPassword } from './passwords.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import { rc2CbcEncrypt } from './rc2.js';

/** Source of random bytes (salts, IVs); injectable so tests get deterministic output. */
export type RandomBytes = (n: number) => Buffer;

/** The encryption schemes the cert-manager profiles use. */
export type PbeSchemeName = 'pbeWithSHA1And3DES' | 'pbeWithSHA1And40BitRC2' | 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC';

const PBES1: Readonly<Record<'pbeWithSHA1And3DES' | 'pbeWithSHA1And40BitRC2', { oid: string; cipher: '3des' | 'rc2'; keyLength: number }>> = {
  pbeWithSHA1And3DES: { oid: PBE.sha1TripleDes, cipher: '3des', keyLength: 24 },
  pbeWithSHA1And40BitRC2: { oid: PBE.sha1Rc2_40, cipher: 'rc2', keyLength: 5 },
};

function pad(data: Buffer, blockSize: number): Buffer {
  const n = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function pbes1Encrypt(cipher: '3des' | 'rc2', key: Buffer, iv: Buffer, data: Buffer): Buffer {
  // RC2's effective key size equals the key length in the PKCS#12 schemes (40 bits here).
  if (cipher === 'rc2') return rc2CbcEncrypt(key, key.length * 8, iv, pad(data, 8));
  const c = createCipheriv('des-ede3-cbc', key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(pad(data, 8)), c.final()]);
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
  const { oid: oidValue, cipher, keyLength } = PBES1[scheme];
  const bmp = pkcs12KdfPassword(password);
  const key = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.key, keyLength);
  const iv = pkcs12Kdf('sha1', bmp, salt, iterations, KDF_PURPOSE.iv, 8);
  const algorithm = seq(oid(oidValue), seq(octetString(salt), int(iterations)));
  return { algorithm, ciphertext: pbes1Encrypt(cipher, key, iv, plaintext) };
}
