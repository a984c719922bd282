/**
 * One Vault token per issuer per run: obtained on first use (a run with nothing due never logs
 * in), shared by every Certificate of the issuer, renewed (`auth/token/renew-self`) when less
 * than a third of its lease is left, replaced by a new login when it cannot be renewed, and
 * revoked (`auth/token/revoke-self`) at the end of the run when certctl created it. A token read
 * from a Secret belongs to the user: it is used as is, never renewed or revoked.
 */
import type { VaultClient } from './client.js';
import type { VaultToken } from './login.js';

/** How a session reaches Vault and logs in. */
export interface VaultSessionOptions {
  client: VaultClient;
  login: () => Promise<VaultToken>;
  clock: () => Date;
  debug: (message: string) => void;
}

/** A token is renewed when less than this share of its lease is left. */
const RENEW_AT = 1 / 3;
/** Below this, a token that cannot be renewed is replaced by a new login. */
const MIN_LEFT_MS = 30_000;

/** The token of one issuer for one run. */
export class VaultSession {
  private current?: VaultToken;
  private pending?: Promise<VaultToken>;
  /** Every token certctl created this run, to revoke at the end. */
  private readonly created: VaultToken[] = [];
  /** The lease each token had when it was obtained, by token. */
  private readonly fullLease = new Map<string, number>();

  constructor(private readonly opts: VaultSessionOptions) {}

  /** A token good for the next request; logs in or renews first when needed. */
  async token(signal?: AbortSignal): Promise<string> {
    this.pending ??= this.fresh(signal).finally(() => (this.pending = undefined));
    return (await this.pending).token;
  }

  /** Revokes what certctl created; failures are reported, not thrown (the run's result stands). */
  async close(): Promise<void> {
    await this.pending?.catch(() => undefined);
    for (const t of this.created.splice(0)) {
      if (t.batch) continue;
      try {
        await this.opts.client.send({ method: 'POST', path: '/v1/auth/token/revoke-self', token: t.token });
        this.opts.debug(`vault: revoked the token from ${t.via}`);
      } catch (err) {
        this.opts.debug(`vault: could not revoke the token from ${t.via}: ${(err as Error).message} (it expires with its lease)`);
      }
    }
    this.current = undefined;
    this.fullLease.clear();
  }

  private async fresh(signal?: AbortSignal): Promise<VaultToken> {
    const t = this.current;
    if (t && !this.short(t)) return t;
    if (t?.renewable && !t.batch) {
      try {
        return (this.current = await this.renew(t, signal));
      } catch (err) {
        this.opts.debug(`vault: renewing the token from ${t.via} failed: ${(err as Error).message}; logging in again`);
      }
    }
    if (t && !t.created) return t;
    const next = await this.opts.login();
    this.fullLease.set(next.token, next.leaseSeconds);
    if (next.created) this.created.push(next);
    return (this.current = next);
  }

  /**
   * Less than a third of the lease left (or under 30 s of it), judged against the lease the token
   * had at login so that a renewal Vault cut short at the max TTL counts as short; never for
   * tokens without a lease.
   */
  private short(t: VaultToken): boolean {
    if (t.leaseSeconds <= 0) return false;
    const full = Math.max(t.leaseSeconds, this.fullLease.get(t.token) ?? 0) * 1000;
    const left = t.obtainedAt.getTime() + t.leaseSeconds * 1000 - this.opts.clock().getTime();
    return left < Math.max(full * RENEW_AT, Math.min(MIN_LEFT_MS, full / 2));
  }

  private async renew(t: VaultToken, signal?: AbortSignal): Promise<VaultToken> {
    const res = await this.opts.client.send({ method: 'POST', path: '/v1/auth/token/renew-self', body: {}, token: t.token, signal });
    const lease = res.auth?.lease_duration;
    if (!res.auth || lease === undefined) throw new Error('Vault returned no lease');
    const renewed = { ...t, leaseSeconds: lease, renewable: Boolean(res.auth.renewable), obtainedAt: this.opts.clock() };
    // Vault caps renewals at the token's max TTL: a renewal that gained nothing means a new login.
    if (this.short(renewed)) throw new Error(`the token reached its maximum TTL (${lease} s left)`);
    this.opts.debug(`vault: renewed the token from ${t.via} (lease ${lease} s)`);
    const i = this.created.indexOf(t);
    if (i >= 0) this.created[i] = renewed;
    return renewed;
  }
}
