/**
 * cert-manager's `dns01.acmeDNS` block: `host` (the acme-dns server's URL) and
 * `accountSecretRef` (a Secret key holding acme-dns's account JSON), both required, the reference
 * with `name` and `key`, as the webhook requires.
 */
import { fail, readMap } from '../../spec/cursor.js';
import { reqSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface AcmeDnsConfig {
  /** The server's base URL without a trailing slash, e.g. `https://auth.acme-dns.io`. */
  host: string;
  accountSecretRef: SecretKeySelector;
  path: string;
}

/** Why `value` is not an acme-dns base URL. Plain http is allowed, as in cert-manager: acme-dns often runs inside the cluster. */
export function hostProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL (e.g. https://auth.acme-dns.io)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http:// or https:// URL, got ${JSON.stringify(value)}`;
  if (url.username || url.password || url.search || url.hash) return 'must not carry credentials, a query or a fragment';
  return undefined;
}

/** Reads `dns01.acmeDNS`. */
export function parseAcmeDns(input: ParseInput): AcmeDnsConfig | undefined {
  const cur = input.cur;
  const m = cur && readMap(cur, ['host', 'accountSecretRef']);
  if (!cur || !m) return undefined;
  const hostCur = m.required('host', 'a string');
  const host = m.str('host');
  if (hostCur && host !== undefined) {
    const problem = host === '' ? 'must not be empty' : hostProblem(host);
    if (problem) fail(hostCur, problem);
  }
  const account = reqSecretRef(m, 'accountSecretRef', { keyRequired: true });
  if (host === undefined || !account) return undefined;
  return { host: host.replace(/\/+$/, ''), accountSecretRef: account, path: cur.path };
}
