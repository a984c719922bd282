import type { KeyObject } from 'node:crypto';
import { AcmeTransportError } from './problem.js';
import { AcmeServerClient } from './transport/server-client.js';
import type { AcmeDirectory, AcmeResourceName } from './transport/directory.js';
import { decodeEabMacKey, externalAccountBinding } from './transport/eab.js';
import { dns01TxtValue, keyAuthorization } from './transport/key-authorization.js';
import { keyChangeInner } from './transport/key-change.js';
import { keySigner, type HmacJwsAlgorithm, type KeySigner } from './transport/jws-signer.js';
import { acmeJws, type AcmeJwsHeader } from './transport/jws.js';
import { expectSuccess, type AcmeResponse } from './transport/response.js';
import { SIGNED_LIMITS, withRetries } from './transport/retry.js';
import type { AcmeTraceHook } from './transport/trace.js';

export type { AcmeResponse } from './transport/response.js';

/** Options of {@link AcmeHttp}. */
export interface AcmeHttpOptions {
  directoryUrl: string;
  /** The account key: PEM (PKCS#1, SEC 1 or PKCS#8) or a KeyObject. */
  accountKeyPem: string | KeyObject;
  /** External Account Binding: key id and the MAC key as the CA gave it (base64url). */
  eab?: { kid: string; hmacKey: string; alg?: HmacJwsAlgorithm };
  /** Extra trusted CA certificates (PEM) for this server, from `caBundle`. */
  caBundle?: string;
  skipTLSVerify?: boolean;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Default `certctl`; the CLI passes `certctl/<version>`. */
  userAgent?: string;
  /** Told about every HTTP request (the CLI's `-v`). Ignored when `server` is given (it has its own). */
  onRequest?: AcmeTraceHook;
  /** Allow an Ed25519 account key (JWS EdDSA), which most CAs refuse. */
  allowEdDsa?: boolean;
  /**
   * The server's account-less client, shared with ARI and other accounts of the run (one
   * connection pool, one directory fetch, one nonce pool). Built from the options above when absent.
   */
  server?: AcmeServerClient;
  /** The account URL, when known already (then `post()` works without `newAccount()`). */
  accountUrl?: string;
}

/**
 * An ACME account session (RFC 8555): every request JWS-signed with the account key (`jwk` for
 * newAccount, `kid` after), nonces from the pool the server's answers fill, badNonce / 5xx /
 * short Retry-After retried with a fresh signature, problem documents as AcmeProblem, network
 * failures as AcmeTransportError. Built on node:crypto and node:https only.
 */
export class AcmeHttp {
  readonly server: AcmeServerClient;
  /** Number of HTTP requests sent for this session (for the benchmark and tests), retries included. */
  requests = 0;
  /** The account URL (`kid`), known after newAccount. */
  accountUrl?: string;
  private signer: KeySigner;
  private readonly eab?: { kid: string; macKey: Buffer; alg?: HmacJwsAlgorithm };
  private readonly signal?: AbortSignal;
  private readonly log?: (message: string) => void;
  private readonly allowEdDsa: boolean;
  private readonly count = (): void => {
    this.requests += 1;
  };

  /** The options are not kept: they hold the account key and the EAB MAC key. */
  constructor(opts: AcmeHttpOptions) {
    this.server =
      opts.server ??
      new AcmeServerClient({
        directoryUrl: opts.directoryUrl,
        caBundle: opts.caBundle,
        skipTLSVerify: opts.skipTLSVerify,
        timeoutMs: opts.timeoutMs,
        userAgent: opts.userAgent,
        onRequest: opts.onRequest,
        log: opts.log,
      });
    this.signer = keySigner(opts.accountKeyPem, { allowEdDsa: opts.allowEdDsa });
    if (opts.eab) {
      let macKey: Buffer;
      try {
        macKey = decodeEabMacKey(opts.eab.hmacKey);
      } catch (err) {
        throw new Error(`External Account Binding ${opts.eab.kid}: ${(err as Error).message}`);
      }
      this.eab = { kid: opts.eab.kid, macKey, alg: opts.eab.alg };
    }
    this.signal = opts.signal;
    this.log = opts.log;
    this.allowEdDsa = opts.allowEdDsa === true;
    this.accountUrl = opts.accountUrl;
  }

  /** RFC 7638 thumbprint of the account key. */
  get thumbprint(): string {
    return this.signer.thumbprint;
  }

  /** The directory (fetched once per server client). */
  async directory(): Promise<AcmeDirectory> {
    return this.server.directory(this.signal, this.count);
  }

  async resourceUrl(name: AcmeResourceName): Promise<string> {
    const url = (await this.directory())[name];
    if (typeof url !== 'string') throw new Error(`the ACME server ${this.server.directoryUrl} has no ${name} in its directory`);
    return url;
  }

  /**
   * newAccount (RFC 8555 §7.3), signed with the account JWK; with EAB when configured, except
   * for `onlyReturnExisting` lookups. Remembers the account URL from Location.
   */
  async newAccount(payload: Record<string, unknown>): Promise<AcmeResponse<Record<string, unknown>>> {
    const url = await this.resourceUrl('newAccount');
    const body = { ...payload };
    if (this.eab && payload.onlyReturnExisting !== true) body.externalAccountBinding = externalAccountBinding(this.eab, url, this.signer.jwk);
    const resp = await this.signedPost<Record<string, unknown>>(url, body, this.signer, (nonce) => ({ jwk: this.signer.jwk, url, nonce }));
    if (resp.location) this.accountUrl = resp.location;
    return resp;
  }

  /** A POST (payload) or POST-as-GET (null) signed with the account URL as kid. */
  async post<T = Record<string, unknown>>(url: string, payload: unknown): Promise<AcmeResponse<T>> {
    const kid = this.accountUrl;
    if (!kid) throw new Error('no ACME account: newAccount must come first');
    return this.signedPost<T>(url, payload, this.signer, (nonce) => ({ kid, url, nonce }));
  }

  /**
   * A POST signed by another key that identifies itself by `jwk` (RFC 8555 §6.2): revokeCert with
   * the certificate's own key (§7.6).
   */
  async postWithKey<T = Record<string, unknown>>(url: string, payload: unknown, key: KeySigner): Promise<AcmeResponse<T>> {
    return this.signedPost<T>(url, payload, key, (nonce) => ({ jwk: key.jwk, url, nonce }));
  }

  /** Key authorization of a challenge token: `token.thumbprint` (RFC 8555 §8.1). */
  keyAuthorization(token: string): string {
    return keyAuthorization(token, this.signer.thumbprint);
  }

  /** The TXT value for a dns-01 challenge token: base64url(SHA-256(token.thumbprint)). */
  dns01Value(token: string): string {
    return dns01TxtValue(this.keyAuthorization(token));
  }

  /**
   * Revokes a certificate (RFC 8555 §7.6), signed by the account, or by the certificate's own
   * private key when given (then no account is needed). `reason` is an RFC 5280 CRLReason code.
   */
  async revokeCertificate(certificateDer: Buffer, opts: { reason?: number; certificateKey?: KeyObject | string } = {}): Promise<void> {
    const url = await this.resourceUrl('revokeCert');
    const payload: Record<string, unknown> = { certificate: certificateDer.toString('base64url') };
    if (opts.reason !== undefined) payload.reason = opts.reason;
    if (opts.certificateKey) await this.postWithKey(url, payload, keySigner(opts.certificateKey, { allowEdDsa: true }));
    else await this.post(url, payload);
  }

  /**
   * Rolls the account over to a new key (RFC 8555 §7.3.5). On success this session signs with the
   * new key; the caller must have stored the new key first, or the account is lost with the run.
   */
  async changeKey(newKey: KeyObject | string): Promise<void> {
    const account = this.accountUrl;
    if (!account) throw new Error('no ACME account: newAccount must come first');
    const url = await this.resourceUrl('keyChange');
    const next = keySigner(newKey, { allowEdDsa: this.allowEdDsa });
    await this.post(url, keyChangeInner(next, url, account, this.signer.jwk));
    this.signer = next;
  }

  /**
   * An unauthenticated GET (RFC 9773 renewalInfo) through the same TLS trust as the ACME server.
   * Any HTTP status resolves (the caller reads `status`); network and TLS failures reject with an
   * AcmeTransportError. Not retried: a caller that polls has its own schedule.
   */
  async getJson(url: string): Promise<AcmeResponse> {
    return this.server.getJson(url, this.signal, this.count);
  }

  /**
   * Signs and sends, retrying what is safe to retry (see transport/retry.ts) with a new nonce and
   * signature each time: re-sending a JWS is always a badNonce (acme-client issue #103).
   */
  private async signedPost<T>(url: string, payload: unknown, key: KeySigner, header: (nonce: string) => AcmeJwsHeader): Promise<AcmeResponse<T>> {
    return withRetries(
      async (attempt, retryReason) => {
        const nonce = await this.server.nonce(this.signal, this.count);
        const body = JSON.stringify(acmeJws(key, header(nonce), payload));
        const res = await this.server.send({ method: 'POST', url, body, signal: this.signal, attempt, retryReason, harvestNonce: true, observe: this.count }).catch((err: unknown) => {
          // The request never reached the server: its nonce is still good for the retry.
          if (err instanceof AcmeTransportError && err.staleConnection) this.server.nonces.add(nonce);
          throw err;
        });
        return expectSuccess<T>(res, url, new Date());
      },
      { limits: SIGNED_LIMITS, what: `POST ${url}`, signal: this.signal, log: this.log },
    );
  }
}
