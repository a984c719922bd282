/** The ACME directory (RFC 8555 §7.1.1): where every resource of a server lives. */

/** A server's directory, its required members checked; other members (renewalInfo, meta…) as sent. */
export interface AcmeDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert?: string;
  keyChange?: string;
  /** RFC 9773 ARI base URL, unchecked here (the ARI client validates it). */
  renewalInfo?: unknown;
  meta?: { termsOfService?: string; externalAccountRequired?: boolean; profiles?: Record<string, string>; [k: string]: unknown };
  [member: string]: unknown;
}

/** The resources certctl posts to. */
export type AcmeResourceName = 'newNonce' | 'newAccount' | 'newOrder' | 'revokeCert' | 'keyChange';

/** Checks a parsed directory body; throws "not an ACME directory" naming the URL and what is missing. */
export function parseDirectory(body: unknown, url: string): AcmeDirectory {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${url} is not an ACME directory: the answer is not a JSON object`);
  const d = body as Record<string, unknown>;
  const missing = (['newNonce', 'newAccount', 'newOrder'] as const).filter((k) => typeof d[k] !== 'string');
  if (missing.length > 0) throw new Error(`${url} is not an ACME directory: it has no ${missing.join(', ')}`);
  for (const k of ['newNonce', 'newAccount', 'newOrder', 'revokeCert', 'keyChange'] as const) {
    const v = d[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !v.startsWith('https://')) throw new Error(`the ACME directory ${url} lists ${k} as ${JSON.stringify(v).slice(0, 100)}, not an https:// URL`);
  }
  if (d.meta !== undefined && (typeof d.meta !== 'object' || d.meta === null || Array.isArray(d.meta))) {
    throw new Error(`the ACME directory ${url} has a meta member that is not an object`);
  }
  return d as AcmeDirectory;
}
