/**
 * HTTPS for one ACME server: a keep-alive agent with that server's trust, one request at a time
 * with a deadline, a size cap and no redirects, and failures as one line naming method, URL and
 * cause.
 */
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createSecureContext } from 'node:tls';
import { AcmeTransportError } from '../problem.js';
import { errorText } from '../../../shared/error-text.js';

/** Options of {@link HttpsClient}. */
export interface HttpsClientOptions {
  /** PEM CA certificates that replace the system roots for this server (cert-manager's `caBundle`). */
  caBundle?: string;
  /** Do not verify the server's certificate (testing only). */
  skipTLSVerify?: boolean;
  /** Whole-request deadline: connect, send, and the last byte of the answer. Default 30 s. */
  timeoutMs?: number;
  /** Default `certctl`; the CLI passes `certctl/<version>`. */
  userAgent?: string;
  /** Largest response body accepted. Default 4 MiB. */
  maxResponseBytes?: number;
}

/** One HTTP exchange: status, headers (lower-case names, repeated ones joined by ", ") and the raw body. */
export interface HttpsResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** A request to send. */
export interface HttpsRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  /** A JWS (sent as application/jose+json). */
  body?: string;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Sends requests to one ACME server over kept-alive connections. */
export class HttpsClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly maxBytes: number;

  constructor(opts: HttpsClientOptions = {}) {
    // One secure context for every connection: passing `ca` per request would re-parse the PEM.
    const secureContext = opts.caBundle ? createSecureContext({ ca: opts.caBundle }) : undefined;
    this.agent = new Agent({ keepAlive: true, maxSockets: 8, secureContext, rejectUnauthorized: !opts.skipTLSVerify });
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = opts.userAgent ?? 'certctl';
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  }

  /**
   * Sends one request. Any HTTP status resolves (3xx included: ACME has no redirects to follow);
   * network, TLS, timeout and size failures reject with an {@link AcmeTransportError}; an abort
   * rejects with the signal's reason.
   */
  send(req: HttpsRequest): Promise<HttpsResponse> {
    const what = `${req.method} ${req.url}`;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return Promise.reject(new AcmeTransportError(`cannot reach the ACME server: ${what}: not a URL`));
    }
    if (url.protocol !== 'https:') return Promise.reject(new AcmeTransportError(`refusing ${what}: ACME URLs must be https://`));
    req.signal?.throwIfAborted();
    return new Promise<HttpsResponse>((resolve, reject) => {
      const headers: Record<string, string> = { 'User-Agent': this.userAgent, Accept: 'application/json, application/problem+json, application/pem-certificate-chain' };
      if (req.body !== undefined) {
        headers['Content-Type'] = 'application/jose+json';
        headers['Content-Length'] = String(Buffer.byteLength(req.body));
      }
      const r = request(url, { method: req.method, agent: this.agent, headers });
      let settled = false;
      const finish = (err: Error | undefined, res?: HttpsResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          r.destroy();
          reject(err);
        } else resolve(res!);
      };
      const onAbort = (): void => finish(req.signal!.reason instanceof Error ? req.signal!.reason : new DOMException('aborted', 'AbortError'));
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () => finish(new AcmeTransportError(`cannot reach the ACME server: ${what}: no answer within ${this.timeoutMs / 1000} s`, { code: 'ETIMEDOUT' })),
        this.timeoutMs,
      );
      r.on('error', (err: NodeJS.ErrnoException) => finish(transportError(err, what, r.reusedSocket)));
      r.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) {
            finish(new AcmeTransportError(`the ACME server's answer to ${what} is larger than ${Math.round(this.maxBytes / 1024)} KiB`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err: NodeJS.ErrnoException) => finish(transportError(err, what, false)));
        res.on('aborted', () => finish(new AcmeTransportError(`cannot reach the ACME server: ${what}: the connection closed in the middle of the answer`, { code: 'ECONNRESET' })));
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: flatHeaders(res), body: Buffer.concat(chunks) }));
      });
      r.end(req.body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

function flatHeaders(res: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const TLS_UNTRUSTED = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/;

/** A socket or TLS error as one line with a hint at the usual fix. */
function transportError(err: NodeJS.ErrnoException, what: string, reusedSocket: boolean): AcmeTransportError {
  const code = err.code;
  let hint = '';
  if (code && TLS_UNTRUSTED.test(code)) {
    hint = " (the server's TLS certificate is not trusted: set spec.acme.caBundle to its CA, or skipTLSVerify for testing)";
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    hint = " (the server's TLS certificate is not for this host name)";
  } else if (code === 'CERT_HAS_EXPIRED') {
    hint = " (the server's TLS certificate has expired)";
  } else if (code === 'ECONNRESET' || err.message === 'socket hang up') {
    hint = ' (the server closed the connection)';
  }
  const stale = reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up');
  return new AcmeTransportError(`cannot reach the ACME server: ${what}: ${code ? `${code}: ` : ''}${errorText(err)}${hint}`, { cause: err, code, staleConnection: stale });
}
