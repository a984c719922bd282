/**
 * How each keystore format turns a password string into bytes. The formats disagree, and a
 * reader only opens the file when we agree with it exactly.
 */

/** Thrown for a password that the format cannot carry; never includes the password. */
export class KeystorePasswordError extends Error {
  override name = 'KeystorePasswordError';
}

function utf16be(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

/**
 * PKCS#12 key derivation (RFC 7292 App. B.1): the password as a BMPString (UCS-2, big endian)
 * with a two-byte NUL terminator. Characters outside the Basic Multilingual Plane are refused,
 * as go-pkcs12 refuses them, because UCS-2 has no encoding for them.
 */
export function pkcs12KdfPassword(password: string): Buffer {
  for (const ch of password) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0xffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new KeystorePasswordError('PKCS#12 password contains a character outside the Basic Multilingual Plane, which a BMPString cannot hold');
    }
  }
  return Buffer.concat([utf16be(password), Buffer.alloc(2)]);
}

/** PBES2 and PBMAC1 (RFC 8018 §3, RFC 9579): the password as UTF-8, as OpenSSL and Java use it. */
export function pbkdf2Password(password: string): Buffer {
  return Buffer.from(password, 'utf8');
}

/**
 * JKS integrity hash and key protector: every UTF-16 code unit as two big-endian bytes, the
 * way Java turns a `char[]` password into bytes. (keystore-go, which cert-manager uses, writes
 * each UTF-8 byte as a code unit instead; both agree for ASCII passwords, and only Java's form
 * opens in keytool for any other password.)
 */
export function jksPassword(password: string): Buffer {
  return utf16be(password);
}
