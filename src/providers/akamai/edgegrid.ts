/**
 * Akamai EdgeGrid request signing (EG1-HMAC-SHA256), with node:crypto:
 *
 *   signing key = base64(HMAC-SHA256(client_secret, timestamp))
 *   data        = METHOD \t scheme \t host \t path?query \t signed headers \t content hash \t auth prefix
 *   signature   = base64(HMAC-SHA256(signing key, data))
 *   Authorization: EG1-HMAC-SHA256 client_token=…;access_token=…;timestamp=…;nonce=…;signature=…
 *
 * The timestamp is UTC as `yyyyMMddTHH:mm:ss+0000`; the content hash is base64(SHA-256) of a POST
 * body (truncated to the service's maximum body size), empty for other methods; certctl signs no
 * headers. Checked against Akamai's published test vectors (test/providers/akamai.test.ts).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

/** The three values of an Akamai API client (from its .edgerc section). */
export interface EdgeGridCredentials {
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

/** What is signed of a request. */
export interface EdgeGridRequest {
  method: string;
  url: URL;
  body?: string;
}

/** Maximum body size hashed, as cert-manager configures its EdgeGrid client. */
export const MAX_BODY = 131072;

const pad = (n: number): string => String(n).padStart(2, '0');

/** `20140321T19:34:21+0000` for `date` (UTC). */
export function edgeGridTimestamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+0000`;
}

const hmac = (key: string, data: string): string => createHmac('sha256', key).update(data, 'utf8').digest('base64');

/** The Authorization header value for `req`; `timestamp` and `nonce` are fixed only by tests. */
export function edgeGridAuthorization(creds: EdgeGridCredentials, req: EdgeGridRequest, o: { timestamp?: string; nonce?: string; maxBody?: number } = {}): string {
  const timestamp = o.timestamp ?? edgeGridTimestamp(new Date());
  const nonce = o.nonce ?? randomUUID();
  const prefix = `EG1-HMAC-SHA256 client_token=${creds.clientToken};access_token=${creds.accessToken};timestamp=${timestamp};nonce=${nonce};`;
  let contentHash = '';
  if (req.method.toUpperCase() === 'POST' && req.body) {
    const body = Buffer.from(req.body, 'utf8');
    contentHash = createHash('sha256')
      .update(body.subarray(0, o.maxBody ?? MAX_BODY))
      .digest('base64');
  }
  const data = [req.method.toUpperCase(), req.url.protocol.replace(/:$/, ''), req.url.host, `${req.url.pathname}${req.url.search}`, '', contentHash, prefix].join('\t');
  return `${prefix}signature=${hmac(hmac(creds.clientSecret, timestamp), data)}`;
}
