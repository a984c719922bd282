/**
 * Where the DNS-01 TXT record goes and what it contains (RFC 8555 §8.4). This is the only
 * place that hashes a key authorization; providers receive the final value.
 */
import { createHash } from 'node:crypto';
import { DnsError } from './wire/errors.js';
import { normalizeName } from './wire/name.js';

/**
 * `_acme-challenge.<identifier>.` lower-case with a trailing dot. A wildcard identifier uses its
 * base name, so `*.example.com` and `example.com` share one record name.
 */
export function challengeRecordName(identifier: string): string {
  const base = identifier.trim().replace(/^\*\./, '').replace(/\.$/, '');
  if (base === '' || base.includes('*')) throw new DnsError(`invalid DNS-01 identifier "${identifier}"`);
  return normalizeName(`_acme-challenge.${base}`);
}

/** The TXT value for a key authorization: base64url(SHA-256(keyAuthorization)), no padding. */
export function dns01TxtValue(keyAuthorization: string): string {
  return createHash('sha256').update(keyAuthorization, 'utf8').digest('base64url');
}
