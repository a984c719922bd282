import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import * as acme from 'acme-client';
import { AcmeProblem, AcmeTransportError, parseRetryAfter } from './problem.js';

/** A parsed ACME response. */
export interface AcmeResponse<T = unknown> {
  status: number;
  headers: Record<string, string | undefined>;
  data: T;
  location?: string;
}

export interface AcmeHttpOptions {
  directoryUrl: string;
  accountKeyPem: string;
  eab?: { kid: string; hmacKey: string };
  /** Extra trusted CA certificates (PEM) for this server, from `caBundle`. */
  caBundle?: string;
  skipTLSVerify?: boolean;
  /** Per-request timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** Longest Retry-After (429/503) certctl waits in-process before giving up and reporting it. */
const MAX_INLINE_WAIT_MS = 60_000;
const MAX_TRANSIENT_RETRIES = 4;
/** Pebble rejects 5% of nonces by default and tests run at 50%: 25 retries make a spurious failure ~3e-8. */
const BAD_NONCE_RETRIES = 25;

let configured = false;

/**
 * acme-client keeps one module-global axios instance whose retry interceptors re-send the same
 * JWS (issue #103) and lose the cause of network errors (issue #101). certctl removes them and
 * retries itself (with a fresh nonce). Each AcmeHttp passes its own TLS agent with every request,
 * so one issuer's caBundle or skipTLSVerify never applies to another.
 */
function configureAxios(timeoutMs: number): void {
  if (configured) return;
  configured = true;
  const ax = acme.axios;
  ax.interceptors.request.clear();
  ax.interceptors.response.clear();
  ax.defaults.timeout = timeoutMs;
  ax.defaults.maxRedirects = 0;
  ax.defaults.maxContentLength = 4 * 1024 * 1024;
  ax.defaults.headers.common['User-Agent'] = 'certctl (acme-client)';
  acme.setLogger(() => {});
}

/**
 * The one door to the ACME server: JWS-signed requests through acme-client, a nonce pool fed by
 * every response (as lego does, so no extra HEAD newNonce per request), bounded retries on
 * badNonce, 5xx and short Retry-After, a timeout on every request, and errors that say what
 * happened. Only this file imports acme-client.
 */
export class AcmeHttp {
  private readonly client: acme.Client;
  private readonly http: HttpInternals;
  private readonly nonces: string[] = [];
  private readonly signal?: AbortSignal;
  private readonly log: (message: string) => void;
  /** Number of HTTP requests sent to the CA (for the benchmark and tests). */
  requests = 0;

  constructor(readonly opts: AcmeHttpOptions) {
    const url = new URL(opts.directoryUrl);
    if (url.protocol !== 'https:') throw new Error(`ACME server ${opts.directoryUrl} is not an https:// URL`);
    configureAxios(opts.timeoutMs ?? 30_000);
    // caBundle replaces the system roots for this server (all its URLs, whatever their host), as
    // in cert-manager. One secure context for all connections: passing `ca` per request re-parses it.
    const secureContext = opts.caBundle ? createSecureContext({ ca: opts.caBundle }) : undefined;
    const agent = new Agent({ keepAlive: true, secureContext, rejectUnauthorized: !opts.skipTLSVerify });
    this.client = new acme.Client({ directoryUrl: opts.directoryUrl, accountKey: opts.accountKeyPem, externalAccountBinding: opts.eab });
    this.http = (this.client as unknown as { http: HttpInternals }).http;
    this.http.maxBadNonceRetries = BAD_NONCE_RETRIES;
    this.signal = opts.signal;
    this.log = opts.log ?? (() => {});
    const request = this.http.request.bind(this.http);
    // Count every request and keep each fresh nonce the server hands out.
    this.http.request = async (u: string, method: string, o?: object) => {
      this.signal?.throwIfAborted();
      this.requests += 1;
      const resp = await request(u, method, { ...(o ?? {}), httpsAgent: agent }).catch((err: unknown) => {
        throw transportError(err, method, u);
      });
      const nonce = resp.headers?.['replay-nonce'];
      // acme-client itself retries a badNonce rejection with the nonce that came with it.
      const badNonce = resp.status === 400 && String((resp.data as { type?: string })?.type).endsWith(':badNonce');
      if (nonce && method !== 'head' && !badNonce) this.nonces.push(nonce);
      return resp;
    };
  }

  /** The directory (cached by acme-client for a day). */
  async directory(): Promise<Record<string, unknown>> {
    return (await this.withRetries('GET directory', () => this.http.getDirectory())) as unknown as Record<string, unknown>;
  }

  async resourceUrl(name: 'newAccount' | 'newOrder' | 'revokeCert' | 'keyChange'): Promise<string> {
    await this.directory();
    return this.http.getResourceUrl(name);
  }

  /** newAccount; `onlyReturnExisting` finds the account of this key without creating one. */
  async newAccount(payload: Record<string, unknown>): Promise<AcmeResponse<Record<string, unknown>>> {
    const url = await this.resourceUrl('newAccount');
    const withEab = Boolean(this.opts.eab) && payload.onlyReturnExisting !== true;
    const resp = await this.signed(url, payload, { kid: null, includeExternalAccountBinding: withEab });
    if (resp.location) (this.client as unknown as { api: { accountUrl: string } }).api.accountUrl = resp.location;
    return resp as AcmeResponse<Record<string, unknown>>;
  }

  /** A POST (payload) or POST-as-GET (null) signed with the account URL as kid. */
  async post<T = Record<string, unknown>>(url: string, payload: unknown): Promise<AcmeResponse<T>> {
    const kid = (this.client as unknown as { api: { accountUrl: string | null } }).api.accountUrl;
    if (!kid) throw new Error('no ACME account: newAccount must come first');
    return (await this.signed(url, payload, { kid })) as AcmeResponse<T>;
  }

  /** The TXT value for a dns-01 challenge token: base64url(SHA-256(token.thumbprint)). */
  async dns01Value(token: string): Promise<string> {
    return this.client.getChallengeKeyAuthorization({ type: 'dns-01', token } as Parameters<acme.Client['getChallengeKeyAuthorization']>[0]);
  }

  private async signed(url: string, payload: unknown, o: { kid: string | null; includeExternalAccountBinding?: boolean }): Promise<AcmeResponse> {
    return this.withRetries(`POST ${url}`, async () => {
      const nonce = this.nonces.pop() ?? null;
      // acme-client's EAB code writes into the payload object: give it a fresh copy each attempt.
      const body = payload && typeof payload === 'object' ? structuredClone(payload) : payload;
      const resp = await this.http.signedRequest(url, body, { kid: o.kid, nonce, includeExternalAccountBinding: o.includeExternalAccountBinding ?? false });
      return toResponse(resp, url);
    });
  }

  /**
   * Retries what is safe to retry: a request the server rejected for its nonce, 5xx, and 429/503
   * whose Retry-After is short. Anything else, or a long Retry-After, is the caller's to report.
   */
  private async withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const retryable =
          (err instanceof AcmeProblem && (err.is('badNonce') || err.status >= 500 || err.status === 429)) ||
          (err instanceof AcmeTransportError && /ECONNRESET|socket hang up|EPIPE/.test(err.message));
        if (!retryable || attempt >= MAX_TRANSIENT_RETRIES) throw err;
        const now = new Date();
        const after = err instanceof AcmeProblem ? err.retryAfter : undefined;
        const waitMs = after ? after.getTime() - now.getTime() : 250 * 2 ** attempt;
        if (waitMs > MAX_INLINE_WAIT_MS) throw err;
        this.log(`${what}: ${err.message}; retrying in ${Math.ceil(waitMs / 1000)} s`);
        await sleep(waitMs, undefined, { signal: this.signal });
      }
    }
  }

  /**
   * An unauthenticated GET (RFC 9773 renewalInfo) through the same TLS trust as the ACME server.
   * Any HTTP status resolves (the caller reads `status`); network and TLS failures reject with an
   * AcmeTransportError. Not retried: a caller that polls has its own schedule.
   */
  async getJson(url: string): Promise<AcmeResponse> {
    const resp = await this.http.request(url, 'get');
    return { status: resp.status, headers: resp.headers ?? {}, data: resp.data, location: resp.headers?.location };
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

/** The parts of acme-client's HttpClient certctl drives directly. */
interface HttpInternals {
  maxBadNonceRetries: number;
  request(url: string, method: string, opts?: object): Promise<RawResponse>;
  signedRequest(url: string, payload: unknown, opts: { kid: string | null; nonce: string | null; includeExternalAccountBinding: boolean }): Promise<RawResponse>;
  getDirectory(): Promise<Record<string, unknown>>;
  getResourceUrl(name: string): Promise<string>;
}

function toResponse(resp: RawResponse, url: string): AcmeResponse {
  if (resp.status >= 400) {
    const d = (resp.data ?? {}) as { type?: string; detail?: string; subproblems?: AcmeProblem['subproblems'] };
    throw new AcmeProblem({
      type: d.type,
      detail: d.detail ?? (typeof resp.data === 'string' ? resp.data.slice(0, 200) : undefined),
      status: resp.status,
      url,
      subproblems: d.subproblems,
      retryAfter: parseRetryAfter(resp.headers['retry-after'], new Date()),
    });
  }
  return { status: resp.status, headers: resp.headers, data: resp.data, location: resp.headers.location };
}

/** acme-client/axios network errors, as one line that names the cause. */
function transportError(err: unknown, method: string, url: string): Error {
  if (err instanceof AcmeProblem || err instanceof AcmeTransportError) return err;
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.name === 'AbortError' || e?.name === 'CanceledError') return err as Error;
  const code = e?.code ? `${e.code}: ` : '';
  let hint = '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|unable to verify/i.test(`${e?.code} ${e?.message}`)) {
    hint = ' (the server\'s TLS certificate is not trusted: set spec.acme.caBundle to its CA, or skipTLSVerify for testing)';
  } else if (e?.code === 'ECONNABORTED' || /timeout/i.test(e?.message ?? '')) {
    hint = ' (no answer in time)';
  }
  return new AcmeTransportError(`cannot reach the ACME server: ${method.toUpperCase()} ${url}: ${code}${e?.message ?? String(err)}${hint}`, { cause: err });
}
