import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../../pki/parse.js';

const DAY_MS = 86_400_000;

/** One certificate as `check` and `inspect` report it (JSON-ready). */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** Serial number, lowercase hex without a sign pad (as `openssl x509 -serial` prints it). */
  serial: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, negative once expired. */
  daysLeft: number;
  /** `RSA`, `ECDSA`, `Ed25519`, … */
  keyAlgorithm: string;
  /** RSA modulus bits, EC curve bits (256, 384, 521); 0 when it has none (Ed25519). */
  keySize: number;
  /** `P-256`, `P-384`… for EC keys. */
  curve?: string;
  /** cert-manager's name (`SHA256WithRSA`, `ECDSAWithSHA384`…) or the OID. */
  signatureAlgorithm: string;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
  selfSigned: boolean;
  fingerprintSha256: string;
}

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

/** Algorithm, size and curve of a public key, for any key type OpenSSL reads (never throws). */
export function describePublicKey(key: KeyObject): { keyAlgorithm: string; keySize: number; curve?: string } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { keyAlgorithm: 'RSA', keySize: details.modulusLength ?? 0 };
    case 'rsa-pss':
      return { keyAlgorithm: 'RSA-PSS', keySize: details.modulusLength ?? 0 };
    case 'ec': {
      const c = CURVES[details.namedCurve ?? ''];
      return { keyAlgorithm: 'ECDSA', keySize: c?.bits ?? 0, curve: c?.name ?? details.namedCurve };
    }
    case 'ed25519':
      return { keyAlgorithm: 'Ed25519', keySize: 0 };
    case 'ed448':
      return { keyAlgorithm: 'Ed448', keySize: 0 };
    default:
      return { keyAlgorithm: String(key.asymmetricKeyType ?? 'unknown'), keySize: 0 };
  }
}

/** `ECDSA P-256`, `RSA 2048`, `Ed25519`. */
export function keyText(s: Pick<CertificateSummary, 'keyAlgorithm' | 'keySize' | 'curve'>): string {
  if (s.curve) return `${s.keyAlgorithm} ${s.curve}`;
  return s.keySize ? `${s.keyAlgorithm} ${s.keySize}` : s.keyAlgorithm;
}

/** Whole days from `now` to `until`, rounded towards negative infinity (−1 just after expiry). */
export function daysUntil(until: Date, now: Date): number {
  return Math.floor((until.getTime() - now.getTime()) / DAY_MS);
}

/** The summary of `cert` at `now`. */
export function summarizeCertificate(cert: ParsedCertificate, now: Date): CertificateSummary {
  return {
    subject: cert.subjectText,
    issuer: cert.issuerText,
    serial: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: daysUntil(cert.notAfter, now),
    ...describePublicKey(cert.publicKey),
    signatureAlgorithm: cert.signatureAlgorithm,
    dnsNames: cert.dnsNames,
    ipAddresses: cert.ipAddresses,
    isCA: cert.isCA,
    selfSigned: cert.selfSigned,
    fingerprintSha256: cert.fingerprintSha256,
  };
}
