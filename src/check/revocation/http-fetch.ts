import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errorText } from '../../shared/error-text.js';

/** A bounded HTTP exchange for revocation data. */
export interface FetchOptions {
  method: 'GET' | 'POST';
  body?: Buffer;
  contentType?: string;
  accept?: string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * Fetches `url` (http or https) and returns the body of a 200 response. URLs come from the
 * certificate under test, so: only http(s), no redirects followed (a CRL or OCSP URL that
 * redirects is misconfigured anyway), a size cap and a deadline. Rejects with a one-line
 * message naming the URL.
 */
export function fetchBytes(url: string, opts: FetchOptions): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new Error(`invalid URL ${JSON.stringify(url)}`));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return Promise.reject(new Error(`${url}: only http and https URLs are fetched`));
  const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'certctl-check' };
    if (opts.contentType) headers['content-type'] = opts.contentType;
    if (opts.accept) headers.accept = opts.accept;
    if (opts.body) headers['content-length'] = String(opts.body.length);
    const req = request(parsed, { method: opts.method, headers, timeout: opts.timeoutMs, signal: opts.signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        const where = res.headers.location ? ` (redirect to ${res.headers.location}, not followed)` : '';
        reject(new Error(`${url}: HTTP ${res.statusCode}${where}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          req.destroy();
          reject(new Error(`${url}: response larger than ${opts.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', (err) => reject(new Error(`${url}: ${err.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`${url}: ${err.code && !errorText(err).includes(err.code) ? `${errorText(err)} (${err.code})` : errorText(err)}`)));
    req.end(opts.body);
  });
}
