/**
 * One ACME server as seen without an account: its directory (fetched once), unauthenticated GETs
 * (ARI), the connection pool and the nonce pool that every account on the server shares, and the
 * accounting of every request. Loads no signing code: a run that only asks ARI stops here.
 */
import { AcmeTransportError } from '../problem.js';
import { parseDirectory, type AcmeDirectory } from './directory.js';
import { HttpsClient, type HttpsRequest, type HttpsResponse } from './https-client.js';
import { NoncePool } from './nonce-pool.js';
import { expectSuccess, toResponse, type AcmeResponse } from './response.js';
import { GET_ONCE_LIMITS, SIGNED_LIMITS, withRetries } from './retry.js';
import type { AcmeTraceHook } from './trace.js';

/** Options of {@link AcmeServerClient}. */
export interface AcmeServerOptions {
  directoryUrl: string;
  /** PEM CA certificates that replace the system roots for all of this server's URLs. */
  caBundle?: string;
  skipTLSVerify?: boolean;
  /** Per-request deadline (default 30 s). */
  timeoutMs?: number;
  /** Default `certctl`; the CLI passes `certctl/<version>`. */
  userAgent?: string;
  /** Told about every request on the wire (the CLI's `-v`). */
  onRequest?: AcmeTraceHook;
  /** Retry notes ("… retrying in 5 s"). */
  log?: (message: string) => void;
}

/** One request as sent by {@link AcmeServerClient.send}. */
export interface AcmeSend extends HttpsRequest {
  attempt: number;
  retryReason?: string;
  /** Keep the answer's Replay-Nonce (answers to POSTs and to newNonce carry one). */
  harvestNonce?: boolean;
  /** Told about this request as well (an account session counting its own requests). */
  observe?: () => void;
}

/** The account-less half of an ACME client. One per server (and trust settings) per run. */
export class AcmeServerClient {
  readonly directoryUrl: string;
  /** Nonces from this server's answers, shared by every account session on it. */
  readonly nonces = new NoncePool();
  /** HTTP requests sent to this server so far. */
  requests = 0;
  private readonly http: HttpsClient;
  private dir?: Promise<AcmeDirectory>;

  constructor(private readonly opts: AcmeServerOptions) {
    let url: URL;
    try {
      url = new URL(opts.directoryUrl);
    } catch {
      throw new Error(`ACME server ${opts.directoryUrl} is not a URL`);
    }
    if (url.protocol !== 'https:') throw new Error(`ACME server ${opts.directoryUrl} is not an https:// URL`);
    this.directoryUrl = opts.directoryUrl;
    this.http = new HttpsClient({ caBundle: opts.caBundle, skipTLSVerify: opts.skipTLSVerify, timeoutMs: opts.timeoutMs, userAgent: opts.userAgent });
  }

  /** The directory, fetched on first use and kept for the life of this client; a failed fetch is retried next time. */
  directory(signal?: AbortSignal, observe?: () => void): Promise<AcmeDirectory> {
    if (!this.dir) {
      const url = this.directoryUrl;
      const p = withRetries(
        async (attempt, retryReason) => parseDirectory(expectSuccess(await this.send({ method: 'GET', url, signal, attempt, retryReason, observe }), url, new Date()).data, url),
        { limits: { ...SIGNED_LIMITS, badNonce: 0 }, what: `GET ${url}`, signal, log: this.opts.log },
      );
      this.dir = p;
      p.catch(() => {
        if (this.dir === p) this.dir = undefined;
      });
    }
    return this.dir;
  }

  /**
   * An unauthenticated GET (RFC 9773 renewalInfo) with this server's trust. Any HTTP status
   * resolves (the caller reads `status`); network and TLS failures reject with an
   * AcmeTransportError. Not retried (but for a connection the server had closed): a caller that
   * polls has its own schedule.
   */
  async getJson<T = unknown>(url: string, signal?: AbortSignal, observe?: () => void): Promise<AcmeResponse<T>> {
    const res = await withRetries((attempt, retryReason) => this.send({ method: 'GET', url, signal, attempt, retryReason, observe }), { limits: GET_ONCE_LIMITS, what: `GET ${url}`, signal });
    return toResponse<T>(res);
  }

  /**
   * A nonce: from the pool, else from newNonce. GET (204), not HEAD: RFC 8555 §7.2 allows both,
   * and Node's HTTP client does not keep a connection alive after a HEAD answer without
   * Content-Length (nodejs/node#12396), so a HEAD would cost the next request a new TLS connection.
   */
  async nonce(signal?: AbortSignal, observe?: () => void): Promise<string> {
    const pooled = this.nonces.take();
    if (pooled) return pooled;
    const url = (await this.directory(signal, observe)).newNonce;
    const res = await withRetries(
      async (attempt, retryReason) => {
        const r = await this.send({ method: 'GET', url, signal, attempt, retryReason, observe });
        expectSuccess(r, url, new Date());
        return r;
      },
      { limits: { ...SIGNED_LIMITS, badNonce: 0 }, what: `GET ${url}`, signal, log: this.opts.log },
    );
    const nonce = res.headers['replay-nonce'];
    if (!nonce) throw new AcmeTransportError(`the ACME server sent no Replay-Nonce from ${url}`);
    return nonce;
  }

  /** Sends one request: counted, traced, its nonce kept when asked. */
  async send(req: AcmeSend): Promise<HttpsResponse> {
    this.requests += 1;
    req.observe?.();
    const started = performance.now();
    const trace = this.opts.onRequest;
    try {
      const res = await this.http.send(req);
      if (req.harvestNonce) this.nonces.add(res.headers['replay-nonce']);
      trace?.({ method: req.method, url: req.url, status: res.status, ms: performance.now() - started, attempt: req.attempt, ...(req.retryReason ? { retryReason: req.retryReason } : {}) });
      return res;
    } catch (err) {
      trace?.({ method: req.method, url: req.url, ms: performance.now() - started, attempt: req.attempt, ...(req.retryReason ? { retryReason: req.retryReason } : {}), error: (err as Error).message });
      throw err;
    }
  }

  /** Closes kept-alive connections (a run ends without it: idle sockets do not hold the process). */
  close(): void {
    this.http.close();
  }
}
