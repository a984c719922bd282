/**
 * Object identifiers (only those certctl writes) of PKCS#12 (RFC 7292), PKCS#5 (RFC 8018), PBMAC1 (RFC 9579) and Sun's JKS
 * key protector, kept apart from `src/pki/oids.ts` because only the keystore code uses them.
 */

/** PKCS#7 content types used as PKCS#12 ContentInfo types. */
export const CONTENT = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
} as const;

/** SafeBag types (RFC 7292 §4.2). */
export const BAG = {
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  cert: '1.2.840.113549.1.12.10.1.3',
} as const;

/** CertBag certId for a DER X.509 certificate (RFC 7292 §4.2.3). */
export const CERT_TYPE_X509 = '1.2.840.113549.1.9.22.1';

/** PKCS#9 bag attributes, plus Oracle's trusted-certificate marker that Java's PKCS12 store reads. */
export const ATTRIBUTE = {
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
} as const;

/** anyExtendedKeyUsage: the value of the Java trust attribute ("trusted for everything"). */
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** Password-based encryption and MAC algorithms. */
export const PBE = {
  /** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 App. C). */
  sha1TripleDes: '1.2.840.113549.1.12.1.3',
  /** pbeWithSHAAnd40BitRC2-CBC (RFC 7292 App. C). */
  sha1Rc2_40: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** HMAC PRF of PBKDF2 and MAC of PBMAC1 (RFC 8018 App. B.1). */
export const HMAC = {
  sha256: '1.2.840.113549.2.9',
} as const;

/** Digest algorithms named in a PKCS#12 MacData. */
export const DIGEST = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** AES-CBC content encryption for PBES2. */
export const AES_CBC = {
  aes256: '2.16.840.1.101.3.4.1.42',
} as const;

/** Sun's proprietary JKS key protector (sun.security.provider.KeyProtector). */
export const SUN_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1';
