/**
 * Endpoint URLs taken from the environment or a manifest (API base overrides, token endpoints,
 * metadata services): where credentials may be sent, and how paths join an API base.
 */
import { isIPv4 } from 'node:net';

/**
 * Why `value` cannot be an endpoint credentials or tokens are sent to: it must be https, or plain
 * http to a loopback address only (tests, local proxies).
 */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIPv4(host) && host.startsWith('127.')) || host === '::1';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
  return `${JSON.stringify(value)} must be an https:// URL (http:// only for a loopback address)`;
}

/** Why `value` is not a usable API base URL: {@link endpointProblem}, and no credentials, query or fragment either. */
export function apiBaseProblem(value: string): string | undefined {
  const problem = endpointProblem(value);
  if (problem) return problem;
  const url = new URL(value);
  if (url.username || url.password || url.search || url.hash) return `${JSON.stringify(value)} must not carry credentials, a query or a fragment`;
  return undefined;
}

/** `base` joined with `path` (which starts with `/`), keeping the base's own path (`…/client/v4`). */
export function joinUrl(base: URL, path: string, query: Record<string, string | number | undefined> = {}): URL {
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}
