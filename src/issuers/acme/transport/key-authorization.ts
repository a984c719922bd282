/** Key authorizations (RFC 8555 §8.1) and what the dns-01 challenge publishes (§8.4). */
import { createHash } from 'node:crypto';

/** `token.thumbprint`: binds a challenge token to the account key. */
export function keyAuthorization(token: string, accountThumbprint: string): string {
  return `${token}.${accountThumbprint}`;
}

/** The TXT value of `_acme-challenge.<name>`: base64url(SHA-256(key authorization)), 43 characters. */
export function dns01TxtValue(keyAuth: string): string {
  return createHash('sha256').update(keyAuth).digest('base64url');
}
