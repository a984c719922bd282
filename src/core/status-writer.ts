import type { CertificateStatus } from '../stores/records.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';
import type { IssuerStateSlot } from '../issuers/issuer.js';

/**
 * Keeps one Certificate's status and writes every change through the store, one write at a time
 * (an issuer journals concurrent challenges). With `persist: false` (plan) changes stay in memory.
 */
export class StatusWriter {
  private current: CertificateStatus;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CertificateStore,
    private readonly target: SecretTarget,
    initial: CertificateStatus | undefined,
    private readonly persist = true,
  ) {
    this.current = initial ?? { version: 1 };
  }

  get status(): CertificateStatus {
    return this.current;
  }

  /** Applies `change` and persists the result; resolves once written. */
  update(change: (s: CertificateStatus) => CertificateStatus): Promise<void> {
    const next = this.queue.then(async () => {
      const before = this.current;
      this.current = change(this.current);
      if (this.persist && JSON.stringify(before) !== JSON.stringify(this.current)) await this.store.writeStatus(this.target, this.current);
    });
    this.queue = next.catch(() => {});
    return next;
  }

  /** The issuer's part of the status, which only the issuer reads. */
  issuerSlot(): IssuerStateSlot {
    return {
      get: () => this.current.issuer,
      update: (change) =>
        this.update((s) => {
          const { issuer, ...rest } = s;
          const next = change(issuer);
          return next && Object.keys(next).length > 0 ? { ...rest, issuer: next } : rest;
        }),
    };
  }
}
