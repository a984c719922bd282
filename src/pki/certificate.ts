/**
 * X.509 v3 certificate builder (RFC 5280), signing with Node's `crypto.sign`. Produces what
 * cert-manager's CA and selfSigned issuers produce for the same request.
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, explicit, int, seq, time } from './der.js';
import {
  authorityInfoAccessExt, authorityKeyIdExt, basicConstraintsExt, crlDistributionPointsExt, extKeyUsageExt, keyIdentifier, keyUsageExt, subjectAltNameExt,
  subjectKeyIdExt,
} from './extensions.js';
import { publicKeyDer, samePublicKey } from './keys.js';
import { encodeName } from './names.js';
import type { SubjectSpec } from './names.js';
import type { ParsedCertificate } from './parse.js';
import { toPem } from './pem.js';
import { algorithmIdentifier, chooseSignatureAlgorithm, signData } from './signature.js';
import type { SignatureAlgorithmName } from './signature.js';
import { splitUsages } from './usages.js';

/** What to put in the certificate. */
export interface CertificateTemplate {
  subject: SubjectSpec;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  emailAddresses?: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** cert-manager usage names; empty means cert-manager's defaults (see `splitUsages`). */
  usages: string[];
  /** The subject's public key (a private KeyObject is accepted; only its public half is used). */
  publicKey: KeyObject;
  /** Unsigned big-endian serial; default 16 random bytes with the top bit clear (positive). */
  serialNumber?: Buffer;
  /** cert-manager `spec.signatureAlgorithm`; default chosen from the signer key. */
  signatureAlgorithm?: SignatureAlgorithmName;
  /** The issuer's `crlDistributionPoints` (cRLDistributionPoints extension). */
  crlDistributionPoints?: string[];
  /** The `ca` issuer's `ocspServers` and `issuingCertificateURLs` (authorityInfoAccess extension). */
  ocspServers?: string[];
  issuingCertificateURLs?: string[];
}

/** Who signs. Without `certificate` the result is self-signed by `privateKey`. */
export interface Signer {
  privateKey: KeyObject;
  certificate?: ParsedCertificate;
}

function serialFor(t: CertificateTemplate): Buffer {
  if (t.serialNumber) {
    if (t.serialNumber.every((b) => b === 0)) throw new Error('serial number must be positive');
    const magnitude = t.serialNumber.subarray(t.serialNumber.findIndex((b) => b !== 0));
    // RFC 5280 §4.1.2.2: at most 20 octets, counted as DER content (so a top bit costs one).
    if (magnitude.length + (magnitude[0]! & 0x80 ? 1 : 0) > 20) throw new Error('serial number longer than 20 octets');
    return magnitude;
  }
  for (;;) {
    const b = randomBytes(16);
    b[0]! &= 0x7f;
    if (b.some((x) => x !== 0)) return b;
  }
}

/**
 * Builds and signs a certificate; returns PEM. The issuer Name is the signer certificate's
 * subject DER verbatim (so chains match byte-for-byte), or the template's own subject when
 * self-signed. Throws when the signer key does not match the signer certificate (or, when
 * self-signed, the template key), when dates are invalid or names cannot be encoded.
 * Does not clamp `notAfter` to the signer's expiry or check that the signer is a CA.
 */
export function buildCertificate(t: CertificateTemplate, signer: Signer): string {
  if (!(t.notBefore instanceof Date) || !(t.notAfter instanceof Date) || Number.isNaN(t.notBefore.getTime()) || Number.isNaN(t.notAfter.getTime())) {
    throw new Error('notBefore and notAfter must be valid Dates');
  }
  if (t.notAfter.getTime() < t.notBefore.getTime()) throw new Error('notAfter is before notBefore');
  if (signer.privateKey.type !== 'private') throw new Error('signer key must be a private key');
  if (signer.certificate && !samePublicKey(signer.certificate.publicKey, signer.privateKey)) {
    throw new Error(`signer private key does not match the signer certificate (${signer.certificate.subjectText})`);
  }
  if (!signer.certificate && !samePublicKey(t.publicKey, signer.privateKey)) {
    throw new Error('self-signed certificate: the template public key is not the signer key');
  }

  const algorithm = chooseSignatureAlgorithm(signer.privateKey, t.signatureAlgorithm);
  const spki = publicKeyDer(t.publicKey);
  const subject = encodeName(t.subject);
  const issuer = signer.certificate ? signer.certificate.subjectDer : subject;
  const { keyUsage, extKeyUsage } = splitUsages(t.usages, { isCA: t.isCA });

  const extensions = [
    basicConstraintsExt(t.isCA),
    keyUsageExt(keyUsage),
    extKeyUsageExt(extKeyUsage),
    subjectKeyIdExt(keyIdentifier(spki)),
    signer.certificate?.subjectKeyId ? authorityKeyIdExt(signer.certificate.subjectKeyId) : undefined,
    authorityInfoAccessExt(t.ocspServers ?? [], t.issuingCertificateURLs ?? []),
    subjectAltNameExt(t, subject.length === 2),
    crlDistributionPointsExt(t.crlDistributionPoints ?? []),
  ].filter((e): e is Buffer => e !== undefined);

  const tbs = seq(
    explicit(0, int(2)), // v3
    int(serialFor(t)),
    algorithmIdentifier(algorithm),
    issuer,
    seq(time(t.notBefore), time(t.notAfter)),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = signData(algorithm, signer.privateKey, tbs);
  return toPem('CERTIFICATE', seq(tbs, algorithmIdentifier(algorithm), bitString(signature)));
}
