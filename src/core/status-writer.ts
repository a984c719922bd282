import type { CertificateStatus, JournaledChallenge, PendingOrder } from '../stores/records.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';
import type { ChallengeJournal } from '../issuers/issuer.js';

/**
 * Keeps one Certificate's status and writes every change through the store, one write at a time
 * (challenges are journaled concurrently).
 */
export class StatusWriter implements ChallengeJournal {
  private current: CertificateStatus;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CertificateStore,
    private readonly target: SecretTarget,
    initial: CertificateStatus | undefined,
  ) {
    this.current = initial ?? { version: 1 };
  }

  get status(): CertificateStatus {
    return this.current;
  }

  /** Applies `change` and persists the result; resolves once written. */
  update(change: (s: CertificateStatus) => CertificateStatus): Promise<void> {
    const next = this.queue.then(async () => {
      this.current = change(this.current);
      await this.store.writeStatus(this.target, this.current);
    });
    this.queue = next.catch(() => {});
    return next;
  }

  setPendingOrder(o: PendingOrder | undefined): Promise<void> {
    return this.update(({ pendingOrder: _old, ...rest }) => (o ? { ...rest, pendingOrder: o } : rest));
  }

  added(c: JournaledChallenge): Promise<void> {
    return this.update((s) => ({ ...s, presentedChallenges: [...(s.presentedChallenges ?? []), c] }));
  }

  removed(c: JournaledChallenge): Promise<void> {
    return this.update((s) => {
      const rest = (s.presentedChallenges ?? []).filter((x) => !(x.fqdn === c.fqdn && x.value === c.value));
      const { presentedChallenges: _dropped, ...others } = s;
      return rest.length > 0 ? { ...others, presentedChallenges: rest } : others;
    });
  }
}
