/**
 * One HTTP(S) exchange with a vendor's REST API over node:http / node:https, so that no vendor SDK
 * is loaded for a handful of calls: a deadline on the whole exchange, cancellation through an
 * AbortSignal, a size limit on the answer, extra trusted CAs, and every failure before an HTTP
 * status as a {@link NetworkError} with a code, naming the method and origin only (never the path,
 * query or headers, which may carry credentials). HTTP error statuses are answers, not errors.
 * Retries (src/shared/retry.ts), pacing (src/shared/rate-gate.ts), authentication and error
 * wording belong to each vendor client.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { errorText } from './error-text.js';
import { timerMs } from './sleep.js';

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  /** Sent as given; names are case-insensitive (`user-agent: certctl` unless given). */
  headers?: Record<string, string>;
  /** A body as it is (a form, a signed JSON text). */
  body?: string;
  /** Or a value sent as JSON, with `content-type: application/json` unless given. */
  json?: unknown;
  /** Deadline for connecting, sending and reading the whole answer (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Longer answers fail with E2BIG (default 8 MiB). */
  maxBytes?: number;
  /** Extra trusted CA certificates (PEM), added to Node's own roots (see {@link extraCaFromEnv}). */
  extraCa?: string;
}

/** The answer, read whole. */
export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body; undefined when it is empty or not JSON. */
  json: unknown;
}

/**
 * No answer: refused, reset, unknown host, timed out, too large. `code` is the errno code,
 * `Timeout`, `E2BIG` or `EPROTO`; the message is `<METHOD> <origin>: <code>: <detail>`.
 */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    /** `GET https://api.example.com`. */
    readonly request: string,
    readonly code: string,
    /** One line without the code: `connect ECONNREFUSED 127.0.0.1:443`, `no answer within 30 s`. */
    readonly detail: string,
  ) {
    super(`${request}: ${code}: ${detail}`);
  }
}

/** Network failures worth another attempt; refused connections and unknown hosts are configuration problems. */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'Timeout']);

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headersOf(req: HttpRequest, body: Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'certctl' };
  if (req.json !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  if (body) headers['content-length'] = String(body.length);
  return headers;
}

/** Sends `req` and reads the whole answer, whatever its status; rejects with a {@link NetworkError}, or the signal's reason. */
export function sendHttp(req: HttpRequest): Promise<HttpResponse> {
  const { url, signal } = req;
  const request = `${req.method} ${url.protocol}//${url.host}`;
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new NetworkError(request, 'EPROTO', `unsupported URL scheme ${url.protocol}`));
  if (signal?.aborted) return Promise.reject(signal.reason);
  const text = req.json !== undefined ? JSON.stringify(req.json) : req.body;
  const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
  const options: RequestOptions & { ca?: string[] } = { method: req.method, headers: headersOf(req, body) };
  if (url.protocol === 'https:' && req.extraCa) options.ca = [...rootCertificates, req.extraCa];
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = req.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (res) resolve(res);
      else reject(err);
    };
    const fail = (err: NodeJS.ErrnoException): void => finish(new NetworkError(request, err.code ?? 'Error', errorText(err).replace(/\s+/g, ' ').trim()));
    const r = send(url, options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          finish(new NetworkError(request, 'E2BIG', `the answer is larger than ${limit} bytes`));
          r.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const answer = Buffer.concat(chunks).toString('utf8');
        finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text: answer, json: parse(answer) });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => {
      finish(new NetworkError(request, 'Timeout', `no answer within ${Number((timeoutMs / 1000).toFixed(1))} s`));
      r.destroy();
    }, timerMs(timeoutMs));
    const onAbort = (): void => {
      finish(signal?.reason);
      r.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', fail);
    r.end(body);
  });
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
