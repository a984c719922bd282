/**
 * One HTTP exchange with a vendor's JSON REST API over node:http(s): a bounded body, a timeout on
 * the whole exchange, cancellation through an AbortSignal, and transport failures as errors that
 * carry a code. Retries, pacing, authentication and error wording belong to each vendor client;
 * this file only moves bytes, so that no vendor SDK has to be loaded for a handful of calls.
 */
import { request as httpRequest } from 'node:http';
import { errorText } from './error-text.js';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/** One request. `body` is sent as JSON when given. */
export interface JsonHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: unknown;
  /** Deadline for connecting, sending and reading the whole answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Answers longer than this are cut off with an error (default 4 MiB). */
  maxBytes?: number;
}

/** The answer: status, lower-case headers, the raw text and, when it parses, the JSON. */
export interface JsonHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** undefined when the body is empty or not JSON. */
  json: unknown;
}

/** The exchange failed before an HTTP status arrived: `code` is ETIMEDOUT, ECONNREFUSED, ECONNRESET, ENOTFOUND, … */
export class HttpTransportError extends Error {
  override name = 'HttpTransportError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Transport failures worth another attempt; a refused connection or an unknown host is a configuration problem. */
export const TRANSIENT_TRANSPORT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends one request and reads the whole answer, whatever its status. */
export function sendJson(req: JsonHttpRequest): Promise<JsonHttpResponse> {
  const send = req.url.protocol === 'https:' ? httpsRequest : req.url.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new HttpTransportError(`unsupported URL scheme ${req.url.protocol}`, 'EPROTO'));
  const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
  }
  const limit = req.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    req.signal?.throwIfAborted();
    let settled = false;
    const finish = (err: Error | undefined, value?: JsonHttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as JsonHttpResponse);
    };
    const r = send(req.url, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          r.destroy();
          finish(new HttpTransportError(`the answer is larger than ${limit} bytes`, 'E2BIG'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
      });
      res.on('error', (e: NodeJS.ErrnoException) => finish(new HttpTransportError(errorText(e), e.code ?? 'ECONNRESET')));
    });
    const timer = setTimeout(() => {
      r.destroy();
      finish(new HttpTransportError(`no complete answer within ${req.timeoutMs} ms`, 'ETIMEDOUT'));
    }, req.timeoutMs);
    const onAbort = (): void => {
      r.destroy();
      finish(req.signal?.reason instanceof Error ? req.signal.reason : new Error('aborted'));
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', (e: NodeJS.ErrnoException) => finish(new HttpTransportError(errorText(e), e.code ?? 'ECONNRESET')));
    r.end(body);
  });
}

/**
 * Why `value` is not a usable API base URL from an endpoint override: https only, plain http only
 * for a loopback address (tests, local proxies), no credentials, query or fragment.
 */
export function apiBaseProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '::1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return `${JSON.stringify(value)} must be an https:// URL (http:// only for a loopback address)`;
  if (url.username || url.password || url.search || url.hash) return `${JSON.stringify(value)} must not carry credentials, a query or a fragment`;
  return undefined;
}

/** `base` joined with `path` (which starts with `/`), keeping the base's own path (`…/client/v4`). */
export function joinUrl(base: URL, path: string, query: Record<string, string | number | undefined> = {}): URL {
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Seconds of a Retry-After header (delta-seconds or an HTTP date), in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
