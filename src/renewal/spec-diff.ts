import { isDeepStrictEqual } from 'node:util';
import type { ParsedCertificate } from '../pki/parse.js';
import type { IssuedSpec } from '../stores/records.js';

/** Fields compared as sets: order in the manifest does not matter to the certificate. */
const SET_FIELDS = new Set(['dnsNames', 'ipAddresses', 'uris', 'emailAddresses', 'usages']);

/** Names the fields of `desired` that an issued certificate does not reflect (names, CN, isCA). */
export function diffCertificate(cert: ParsedCertificate, desired: IssuedSpec): string[] {
  const sameSet = (a: string[], b: string[]): boolean => isDeepStrictEqual([...a].map((x) => x.toLowerCase()).sort(), [...b].map((x) => x.toLowerCase()).sort());
  const changed: string[] = [];
  if (!sameSet(cert.dnsNames, desired.dnsNames)) changed.push('dnsNames');
  if (!sameSet(cert.ipAddresses, desired.ipAddresses)) changed.push('ipAddresses');
  if (!sameSet(cert.uris, desired.uris)) changed.push('uris');
  if (!sameSet(cert.emailAddresses, desired.emailAddresses)) changed.push('emailAddresses');
  if ((cert.commonName || undefined) !== desired.commonName) changed.push('commonName');
  if (cert.isCA !== desired.isCA) changed.push('isCA');
  return changed;
}

/** Names the fields of `desired` that differ from what the certificate was issued for. */
export function diffIssuedSpec(issued: IssuedSpec, desired: IssuedSpec): string[] {
  const changed: string[] = [];
  for (const field of Object.keys(desired) as (keyof IssuedSpec)[]) {
    let a: unknown = issued[field];
    let b: unknown = desired[field];
    if (SET_FIELDS.has(field)) {
      a = [...((a as string[] | undefined) ?? [])].sort();
      b = [...((b as string[] | undefined) ?? [])].sort();
    }
    if (field === 'privateKey' || field === 'issuerRef') continue; // reported by their own checks
    if (!isDeepStrictEqual(a, b)) changed.push(field);
  }
  return changed;
}
