import { createHash } from 'node:crypto';
import type { IssuedSpec } from '../stores/records.js';
import type { CertificateSpec } from '../spec/types.js';

/** Hex SHA-256 of a string (the record's fingerprint of the files it describes). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A short stable fingerprint of an issued spec (failure backoff resets when it changes). */
export function specHash(spec: IssuedSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/** The parts of a Certificate spec that the issued certificate must reflect, in record form. */
export function issuedSpecOf(spec: CertificateSpec): IssuedSpec {
  const subject: Record<string, string[] | string> = {};
  for (const [k, v] of Object.entries(spec.subject)) {
    if (Array.isArray(v) ? v.length > 0 : v) subject[k] = v as string[] | string;
  }
  return {
    ...(spec.commonName !== undefined ? { commonName: spec.commonName } : {}),
    dnsNames: [...spec.dnsNames],
    ipAddresses: [...spec.ipAddresses],
    uris: [...spec.uris],
    emailAddresses: [...spec.emailAddresses],
    subject,
    usages: [...spec.usages],
    isCA: spec.isCA,
    durationMs: spec.durationMs,
    privateKey: { algorithm: spec.privateKey.algorithm, size: spec.privateKey.size, encoding: spec.privateKey.encoding },
    issuerRef: { name: spec.issuerRef.name, kind: spec.issuerRef.kind, group: spec.issuerRef.group },
  };
}
