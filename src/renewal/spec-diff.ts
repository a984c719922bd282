import { isDeepStrictEqual } from 'node:util';
import type { IssuedSpec } from '../stores/records.js';

/** Fields compared as sets: order in the manifest does not matter to the certificate. */
const SET_FIELDS = new Set(['dnsNames', 'ipAddresses', 'uris', 'emailAddresses', 'usages']);

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
