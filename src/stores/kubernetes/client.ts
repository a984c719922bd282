/**
 * A minimal Kubernetes API client on node:https: JSON requests with credentials fetched per request,
 * a deadline on every request, and errors that say what happened.
 *
 * Why not @kubernetes/client-node: 2.x does not even load on Node 20 (it needs undici 8, Node >=
 * 22.19), and 1.x brings 72 packages / 72 MB and takes ~485 ms just to import, against ~113 ms for a
 * whole run of certctl's requests over raw HTTPS (measured, libs.md §8). certctl needs six calls
 * (get/create/update a Secret or Lease, SelfSubjectAccessReview), so a small client is cheaper to
 * own than the dependency.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, RequestOptions as NodeRequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthProvider } from './auth.js';
import { apiError, connectionError, KubeConnectionError } from './errors.js';
import { DEFAULT_BURST, DEFAULT_QPS } from './client-defaults.js';
import { RateLimiter } from './rate-limiter.js';

/** Where the API server is and how to authenticate to it. */
export interface ClusterEndpoint {
  /** `https://host:port`, possibly with a path prefix (Rancher-style proxies). */
  server: string;
  /** PEM of the CA that signed the server certificate; the system roots when absent. */
  ca?: string;
  insecureSkipTlsVerify?: boolean;
  /** SNI / name to verify, when it differs from the server's host. */
  tlsServerName?: string;
  auth: AuthProvider;
  /** The namespace of the kubeconfig context or of the pod's service account. */
  namespace?: string;
  /** Where this came from, for messages (`in-cluster service account`, `kubeconfig ~/.kube/config, context "prod"`). */
  source: string;
}

/** One API request. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/default/secrets/web-tls`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** HTTP statuses handed back instead of thrown (typically 404, 409). */
  accept?: number[];
  /** Extra request headers (e.g. an `Accept` asking for metadata-only lists). */
  headers?: Record<string, string>;
}

/** Options of {@link KubeClient}. */
export interface KubeClientOptions {
  /** Deadline of one request attempt (default 20 s). */
  timeoutMs?: number;
  /** Attempts for GETs that fail transiently (connection reset, 5xx); default 3. */
  getAttempts?: number;
  /**
   * Client-side limit, requests per second (default {@link DEFAULT_QPS}); 0 turns it off. The burst
   * (default {@link DEFAULT_BURST}) is how many may go at once after a quiet spell.
   */
  qps?: number;
  burst?: number;
  /**
   * Attempts of a request the server rejected with 429 (API Priority and Fairness, max-in-flight):
   * it was not processed, so any verb may be sent again, after the server's Retry-After. Default 10,
   * as client-go.
   */
  throttledAttempts?: number;
  /** Told about waits the server asked for (429, Retry-After), for `-v`. */
  onThrottle?: (message: string) => void;
  /** [0, 1) for the spread added to a Retry-After wait (default Math.random). */
  random?: () => number;
}

/** The longest Retry-After certctl waits for in one go; a longer one is cut to this. */
const MAX_RETRY_AFTER_MS = 60_000;

const MAX_BODY = 16 * 1024 * 1024;
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** A Kubernetes API client for one endpoint. Call `close()` to drop kept-alive connections. */
export class KubeClient {
  readonly server: string;
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly timeoutMs: number;
  private readonly getAttempts: number;
  private readonly throttledAttempts: number;
  private readonly onThrottle?: (message: string) => void;
  private readonly random: () => number;
  /** The client-side rate limit, shared by every request of this client. */
  readonly limiter: RateLimiter;
  /** Requests sent (each attempt counts), for `-v` and the benchmarks. */
  requests = 0;
  /** Requests the server turned away with 429. */
  throttled = 0;

  constructor(
    readonly endpoint: ClusterEndpoint,
    opts: KubeClientOptions = {},
  ) {
    this.base = new URL(endpoint.server);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new KubeConnectionError(`unsupported API server URL ${endpoint.server} (expected https://host:port)`);
    }
    this.server = this.base.origin;
    // Idle keep-alive sockets are unref'd by node, so they never keep the CLI from exiting.
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.getAttempts = opts.getAttempts ?? 3;
    this.throttledAttempts = opts.throttledAttempts ?? 10;
    this.onThrottle = opts.onThrottle;
    this.random = opts.random ?? Math.random;
    this.limiter = new RateLimiter({ qps: opts.qps ?? DEFAULT_QPS, burst: opts.burst ?? DEFAULT_BURST });
  }

  /** Sends `req`; resolves the status and parsed JSON body, throws StoreErrors otherwise. */
  async request<T>(req: KubeRequest): Promise<{ status: number; body: T }> {
    let reauthenticated = false;
    let throttledTries = 0;
    for (let attempt = 1; ; attempt++) {
      let res: { status: number; text: string; retryAfter?: string };
      try {
        res = await this.once(req);
      } catch (err) {
        if (err instanceof KubeConnectionError && req.method === 'GET' && attempt < this.getAttempts && isTransient(err)) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw err;
      }
      if (res.status === 401 && !reauthenticated && this.endpoint.auth.invalidate()) {
        reauthenticated = true;
        continue;
      }
      if (res.status === 429) {
        // Not processed (APF or max-in-flight rejected it), so even writes may go again; every
        // request of this client waits, not just this one.
        this.throttled++;
        throttledTries++;
        if (throttledTries < this.throttledAttempts) {
          const wait = retryAfterMs(res.retryAfter) ?? backoffMs(throttledTries);
          this.limiter.pause(wait);
          this.onThrottle?.(`the Kubernetes API server is throttling (429 to ${req.method} ${req.path}); waiting ${(wait / 1000).toFixed(1)} s as it asked`);
          // Spread over up to a second more: requests turned away together must not all come back
          // at the same instant and be turned away together again.
          await sleep(wait + this.random() * Math.min(1000, Math.max(100, wait / 2)));
          continue;
        }
      } else if (req.method === 'GET' && RETRYABLE_STATUS.has(res.status) && attempt < this.getAttempts) {
        await sleep(retryAfterMs(res.retryAfter) ?? backoffMs(attempt));
        continue;
      }
      if (res.status >= 400 && !req.accept?.includes(res.status)) {
        throw apiError(res.status, res.text, req.method, req.path, this.server, this.endpoint.auth.source);
      }
      return { status: res.status, body: parseJson<T>(res.text) };
    }
  }

  /** GET that resolves undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    const res = await this.request<T>({ method: 'GET', path, accept: [404] });
    return res.status === 404 ? undefined : res.body;
  }

  /** Drops pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  private async once(req: KubeRequest): Promise<{ status: number; text: string; retryAfter?: string }> {
    await this.limiter.take();
    this.requests++;
    const creds = await this.endpoint.auth.get();
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + req.path, this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'certctl', ...req.headers };
    if (body) {
      headers['Content-Type'] = req.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
    const options: NodeRequestOptions & Record<string, unknown> = { method: req.method, headers, agent: this.agent };
    if (url.protocol === 'https:') {
      Object.assign(options, {
        ca: this.endpoint.ca,
        rejectUnauthorized: !this.endpoint.insecureSkipTlsVerify,
        servername: this.endpoint.tlsServerName,
        cert: creds.cert,
        key: creds.key,
      });
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const r = send(url, options, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) r.destroy(new KubeConnectionError(`answer of the Kubernetes API server at ${this.server} exceeds ${MAX_BODY} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: Array.isArray(ra) ? ra[0] : ra });
        });
        res.on('error', (err) => fail(err));
      });
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err instanceof KubeConnectionError ? err : connectionError(err as NodeJS.ErrnoException, this.server));
      };
      const timer = setTimeout(() => {
        r.destroy(
          new KubeConnectionError(`no answer from the Kubernetes API server at ${this.server} within ${this.timeoutMs / 1000} s (${req.method} ${req.path})`),
        );
      }, this.timeoutMs);
      r.on('error', fail);
      r.end(body);
    });
  }
}

function isTransient(err: KubeConnectionError): boolean {
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
}

function backoffMs(attempt: number): number {
  return Math.min(200 * 2 ** (attempt - 1), 2000);
}

/** Retry-After in delta-seconds (what the API server sends), capped. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const s = Number(header);
  return Number.isFinite(s) && s >= 0 ? Math.min(s * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

function parseJson<T>(text: string): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KubeConnectionError('the Kubernetes API server answered with something that is not JSON (is the server URL an API server?)');
  }
}

/** `encodeURIComponent` for path segments. */
export function seg(s: string): string {
  return encodeURIComponent(s);
}
