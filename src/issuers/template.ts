import type { KeyObject } from 'node:crypto';
import type { CertificateTemplate } from '../pki/certificate.js';
import type { CsrRequest } from '../pki/csr.js';
import type { SubjectSpec } from '../pki/names.js';
import type { CertificateSpec } from '../spec/types.js';

/** The subject a Certificate spec asks for, in the PKI module's shape. */
export function subjectFromSpec(spec: CertificateSpec): SubjectSpec {
  return {
    commonName: spec.commonName,
    organizations: spec.subject.organizations,
    countries: spec.subject.countries,
    organizationalUnits: spec.subject.organizationalUnits,
    localities: spec.subject.localities,
    provinces: spec.subject.provinces,
    streetAddresses: spec.subject.streetAddresses,
    postalCodes: spec.subject.postalCodes,
    serialNumber: spec.subject.serialNumber,
  };
}

/** The subject and the SANs of `spec`: what a CSR and a certificate name alike. */
function namesFromSpec(spec: CertificateSpec): Pick<CsrRequest, 'subject' | 'dnsNames' | 'ipAddresses' | 'uris' | 'emailAddresses'> {
  return { subject: subjectFromSpec(spec), dnsNames: spec.dnsNames, ipAddresses: spec.ipAddresses, uris: spec.uris, emailAddresses: spec.emailAddresses };
}

/** The CSR a remote issuer (ACME, Vault) is sent for `spec`: its subject, names, usages and isCA. */
export function csrRequestFromSpec(spec: CertificateSpec): CsrRequest {
  return { ...namesFromSpec(spec), usages: spec.usages, isCA: spec.isCA };
}

/**
 * The certificate a local issuer signs for `spec`: valid from now for `duration`, cut short at
 * `notAfterLimit` (a CA cannot usefully sign past its own expiry; cert-manager truncates too).
 */
export function templateFromSpec(
  spec: CertificateSpec,
  publicKey: KeyObject,
  now: Date,
  notAfterLimit?: Date,
): CertificateTemplate {
  let notAfter = new Date(now.getTime() + spec.durationMs);
  if (notAfterLimit && notAfter > notAfterLimit) notAfter = notAfterLimit;
  return { ...namesFromSpec(spec), notBefore: now, notAfter, isCA: spec.isCA, usages: spec.usages, publicKey };
}
