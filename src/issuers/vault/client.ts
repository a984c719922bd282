/**
 * The HTTP side of one Vault issuer: node:https with one agent per TLS identity (CA bundle,
 * serverName, mTLS client certificate), Vault's headers (`X-Vault-Token`, `X-Vault-Namespace`,
 * `X-Vault-Request`), redirects from standby nodes followed as Vault's own client does, bounded
 * retries on connection failures and 5xx, a timeout per request, and errors that name the path.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AgentOptions } from 'node:https';
import { posix } from 'node:path';
import { sleep } from '../../shared/sleep.js';
import { VaultApiError, VaultTransportError, vaultHint } from './errors.js';
import { errorText } from '../../shared/error-text.js';

/** Vault's JSON envelope (the parts certctl reads). */
export interface VaultResponse {
  data?: Record<string, unknown> | null;
  auth?: VaultAuthBlock | null;
  warnings?: string[] | null;
  errors?: string[];
}

/** The `auth` block of a login or token renewal. */
export interface VaultAuthBlock {
  client_token?: string;
  accessor?: string;
  lease_duration?: number;
  renewable?: boolean;
  policies?: string[];
  token_type?: string;
}

/** One Vault server and how to reach it. */
export interface VaultClientOptions {
  /** `spec.vault.server`; a path prefix in it is kept (Vault behind a reverse proxy). */
  server: string;
  namespace?: string;
  /** TLS settings for this server: CA bundle, serverName, mTLS certificate and key. */
  tls: Pick<AgentOptions, 'ca' | 'cert' | 'key' | 'servername'>;
  timeoutMs?: number;
  /** Pause before retry `n` (1-based); tests shorten it. */
  retryDelayMs?: (attempt: number) => number;
  debug?: (message: string) => void;
}

/** One request; the token, when given, travels only in `X-Vault-Token`. */
export interface VaultRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** A URL path: `/v1/pki/sign/web`. Joined and cleaned like Go's path.Join. */
  path: string;
  body?: Record<string, unknown>;
  token?: string;
  signal?: AbortSignal;
  /** Use another TLS identity for this request (TLS certificate auth with `secretName`). */
  tls?: VaultClientOptions['tls'];
}

const MAX_RETRIES = 2;
const MAX_REDIRECTS = 3;
const MAX_BODY = 4 * 1024 * 1024;

/** One per issuer; {@link close} ends its keep-alive connections. */
export class VaultClient {
  private readonly base: URL;
  private readonly agents = new Map<string, HttpAgent>();

  constructor(private readonly opts: VaultClientOptions) {
    this.base = new URL(opts.server);
  }

  /** `https://vault:8200` for messages. */
  get server(): string {
    return this.base.origin;
  }

  /** Sends `req`; resolves with Vault's JSON (or `{}` for 204), rejects with VaultApiError or VaultTransportError. */
  async send(req: VaultRequest): Promise<VaultResponse> {
    const path = posix.join('/', this.base.pathname, req.path);
    let url = new URL(path, this.base);
    for (let attempt = 0, redirects = 0; ; ) {
      const label = `${req.method} ${url.origin}${url.pathname}${this.opts.namespace ? ` (namespace ${this.opts.namespace})` : ''}`;
      let res: { status: number; location?: string; body: string };
      try {
        res = await this.once(url, req);
      } catch (err) {
        if (req.signal?.aborted) throw err;
        // A certificate problem or an unknown host will not change in a second.
        if (attempt < MAX_RETRIES && !/^TLS:|^host not found/.test((err as Error).message)) {
          attempt++;
          this.opts.debug?.(`vault: ${label}: ${(err as Error).message}; retrying`);
          await sleep(this.delay(attempt), req.signal);
          continue;
        }
        throw new VaultTransportError(`Vault ${label}: ${(err as Error).message}`);
      }
      if ((res.status === 307 || res.status === 308) && res.location && redirects < MAX_REDIRECTS) {
        redirects++;
        // A standby node points at the active one; Vault's client re-sends there with the same headers.
        url = new URL(res.location, url);
        continue;
      }
      if ((res.status >= 500 || res.status === 412) && res.status !== 501 && attempt < MAX_RETRIES) {
        attempt++;
        this.opts.debug?.(`vault: ${label}: HTTP ${res.status}; retrying`);
        await sleep(this.delay(attempt), req.signal);
        continue;
      }
      return parse(label, url.pathname, res.status, res.body);
    }
  }

  /** Ends the keep-alive connections. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private delay(attempt: number): number {
    return this.opts.retryDelayMs?.(attempt) ?? 500 * 2 ** (attempt - 1);
  }

  private agentFor(url: URL, tls: VaultClientOptions['tls']): HttpAgent {
    const id = `${url.protocol}|${tls === this.opts.tls ? 'default' : 'login'}`;
    let agent = this.agents.get(id);
    if (!agent) {
      agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 8, ...stripUndefined(tls) }) : new HttpAgent({ keepAlive: true, maxSockets: 8 });
      this.agents.set(id, agent);
    }
    return agent;
  }

  private once(url: URL, req: VaultRequest): Promise<{ status: number; location?: string; body: string }> {
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { 'X-Vault-Request': 'true', Accept: 'application/json' };
    if (req.token) headers['X-Vault-Token'] = req.token;
    if (this.opts.namespace) headers['X-Vault-Namespace'] = this.opts.namespace;
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = this.agentFor(url, req.tls ?? this.opts.tls);
    return new Promise((resolve, reject) => {
      const r = send(url, { method: req.method, headers, agent, signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) res.destroy(new Error('response larger than 4 MiB'));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
      });
      r.on('error', (err: Error) => reject(timeout.aborted && !req.signal?.aborted ? new Error(`no answer within ${Math.round((this.opts.timeoutMs ?? 30_000) / 1000)} s`) : describeNetworkError(err)));
      r.end(body);
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeNetworkError(err: Error): Error {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED') return new Error('connection refused');
  if (code === 'ENOTFOUND') return new Error('host not found');
  if (code === 'ECONNRESET') return new Error('connection reset by the server');
  // The server's TLS alerts: OpenSSL's message is a dump; its code says it.
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE/.test(code)) {
    const what = code.replace(/^ERR_SSL_(SSLV3_|TLSV13_|TLSV1_)?/, '').toLowerCase().replace(/_/g, ' ');
    return new Error(`TLS: the server refused the connection (${what}): it wants a client certificate it trusts (set spec.vault.clientCertSecretRef and clientKeySecretRef)`);
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)) {
    return new Error(`TLS: ${errorText(err)} (set spec.vault.caBundle or caBundleSecretRef to the CA that signed Vault's certificate, or serverName)`);
  }
  if (code.startsWith('ERR_SSL_')) return new Error(`TLS: ${code.replace(/^ERR_SSL_/, '').toLowerCase().replace(/_/g, ' ')}`);
  return err;
}

function parse(label: string, path: string, status: number, text: string): VaultResponse {
  let json: VaultResponse | undefined;
  if (text.trim()) {
    try {
      json = JSON.parse(text) as VaultResponse;
    } catch {
      json = undefined;
    }
  }
  if (status >= 200 && status < 300) {
    if (status === 204 || !text.trim()) return {};
    if (!json || typeof json !== 'object') throw new VaultTransportError(`Vault ${label}: HTTP ${status} with a body that is not JSON`);
    return json;
  }
  const errors = Array.isArray(json?.errors) ? json.errors.map(String) : text.trim() && !json ? [text.trim().replace(/\s+/g, ' ').slice(0, 200)] : [];
  throw new VaultApiError(label, status, errors, vaultHint(path, status, errors));
}
