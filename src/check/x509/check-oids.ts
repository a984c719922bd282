/**
 * Object identifiers `certctl check` and `inspect` read beyond those of src/pki/oids.ts (the
 * certificate extensions and access methods certctl writes are there): OCSP structures, CRL
 * extensions and the signature algorithms of CRLs and OCSP responses.
 */
import { EXT } from '../../pki/oids.js';

/** Certificate extensions certctl only reads (RFC 7633). */
export const CHECK_EXT = {
  /** TLS Feature (RFC 7633); status_request (5) in it is "OCSP Must-Staple". */
  tlsFeature: '1.3.6.1.5.5.7.1.24',
} as const;

/** id-kp-OCSPSigning (RFC 5280 §4.2.1.12): a delegated OCSP responder must carry it. */
export const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

/** id-pkix-ocsp-basic, the only OCSP response type in use (RFC 6960 §4.2.1). */
export const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** CRL entry and CRL extensions (RFC 5280 §5.2, §5.3). */
export const CRL_EXT = {
  reasonCode: '2.5.29.21',
  issuingDistributionPoint: '2.5.29.28',
  deltaCrlIndicator: '2.5.29.27',
  crlNumber: '2.5.29.20',
  authorityKeyIdentifier: EXT.authorityKeyIdentifier,
} as const;

/** The OID of SHA-1, used for the CertID of OCSP requests as RFC 5019 §2.1.1 prescribes. */
export const SHA1_OID = '1.3.14.3.2.26';

/** Hash algorithms as they appear in OCSP CertIDs. */
export const HASH_OIDS: Readonly<Record<string, string>> = {
  [SHA1_OID]: 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

/** Signature algorithms: the hash they sign with and the kind of key. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, { hash: string | null; key: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' }>> = {
  '1.2.840.113549.1.1.5': { hash: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.14': { hash: 'sha224', key: 'rsa' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', key: 'rsa' },
  '1.2.840.113549.1.1.10': { hash: null, key: 'rsa-pss' },
  '1.2.840.10045.4.1': { hash: 'sha1', key: 'ec' },
  '1.2.840.10045.4.3.1': { hash: 'sha224', key: 'ec' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', key: 'ec' },
  '1.3.101.112': { hash: null, key: 'ed25519' },
  '1.3.101.113': { hash: null, key: 'ed448' },
};

/** CRLReason names (RFC 5280 §5.3.1), by value. */
export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};
