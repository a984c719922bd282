/**
 * One HTTP(S) request to a vendor API over node:http / node:https, with a deadline, a size limit
 * on the answer and network failures turned into {@link NetworkError}s that name the host (never
 * the query string or headers, which may carry credentials). The REST-based DNS providers (Azure
 * DNS, Google Cloud DNS, Akamai Edge DNS) share it; each adds its own authentication, retries and
 * error lines on top.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra trusted CA certificates (PEM), added to Node's own roots (see {@link extraCaFromEnv}). */
  extraCa?: string;
}

/** The answer, read whole. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** No answer: refused, reset, unknown host, timed out. `code` is the errno code or `Timeout`. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Network failures worth another attempt; refused connections and unknown hosts are configuration problems. */
export const TRANSIENT_NETWORK: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'Timeout']);

const MAX_BODY = 8 * 1024 * 1024;

/** The origin shown in messages: scheme, host and port only. */
export function where(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** Sends `req` and reads the answer; throws {@link NetworkError} when there is none. HTTP error statuses are returned, not thrown. */
export function send(req: HttpRequest): Promise<HttpResponse> {
  const { url } = req;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new NetworkError(`unsupported URL scheme ${url.protocol} (${where(url)})`, 'EPROTO'));
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { 'User-Agent': 'certctl', ...req.headers };
  if (body) headers['Content-Length'] = String(body.length);
  const options: RequestOptions & { ca?: string[] } = { method: req.method, headers, signal: req.signal };
  if (url.protocol === 'https:' && req.extraCa) options.ca = [...rootCertificates, req.extraCa];
  const timeoutMs = req.timeoutMs ?? 30_000;
  const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (req.signal?.aborted) return reject(req.signal.reason);
      if (err instanceof NetworkError) return reject(err);
      const code = (err as NodeJS.ErrnoException).code ?? 'Error';
      reject(new NetworkError(`${req.method} ${where(url)}: ${code}: ${err.message.replace(/\s+/g, ' ').trim()}`, code));
    };
    const r = transport(url, options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) r.destroy(new NetworkError(`${req.method} ${where(url)}: the answer exceeds ${MAX_BODY} bytes`, 'E2BIG'));
        else chunks.push(c);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => r.destroy(new NetworkError(`${req.method} ${where(url)}: Timeout: no answer within ${Math.round(timeoutMs / 1000)} s`, 'Timeout')), timeoutMs);
    r.on('error', fail);
    r.end(body);
  });
}

/** The first value of a response header. */
export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The answer's JSON, or undefined when it is empty or not JSON. */
export function jsonOf<T>(res: HttpResponse): T | undefined {
  if (!res.text) return undefined;
  try {
    return JSON.parse(res.text) as T;
  } catch {
    return undefined;
  }
}

/**
 * The PEM of `NODE_EXTRA_CA_CERTS` from `env`: Node adds it to its roots at startup, and the
 * providers add it per request too, so a provider given another environment (a library caller,
 * a test) trusts the same CAs. An unreadable file is ignored, as Node does (it only warns).
 */
export function extraCaFromEnv(env: Record<string, string | undefined>): string | undefined {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Why `value` cannot be an endpoint credentials or tokens are sent to: https, or plain http only to a loopback address (tests, local proxies). */
export function insecureEndpoint(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
  return `${value} must be an https:// URL (http:// only for a loopback address)`;
}
