/**
 * How long an "up to date" decision stays true when nothing it was made from changes: only the
 * clock can change it then. The CLI uses this to replay a run that found nothing due (see
 * cli/noop-cache.ts) without making the decision again.
 */

export interface StableUntilInput {
  now: Date;
  /** The certificate's expiry: past it, the `expired` check fires whatever else is configured. */
  notAfter: Date;
  /**
   * When renewal is due (`scheduledRenewal().at`: from renewBefore, the lifetime, the ARI moment,
   * moved into a renewal window). Undefined when renewal is disabled.
   */
  renewalAt?: Date;
  /**
   * When certctl runs next (`--interval`): ARI renews early what would be late by then, so a
   * decision can turn due this long before `renewalAt`.
   */
  nextRunAt?: Date;
  /** When the issuer will look again at something outside the store (the CA's ARI Retry-After). */
  recheckAt?: Date;
}

/**
 * The first moment at which the decision made at `now` may differ, given the same inputs. Every
 * time-dependent check is covered: expiry (`notAfter`), the scheduled renewal, pulled earlier by
 * the run interval (only ARI uses it, but pulling every schedule earlier is merely cautious), and
 * the issuer's next look outside.
 */
export function upToDateUntil(i: StableUntilInput): Date {
  const now = i.now.getTime();
  const lookahead = i.nextRunAt ? Math.max(0, i.nextRunAt.getTime() - now) : 0;
  let until = i.notAfter.getTime();
  if (i.renewalAt) until = Math.min(until, i.renewalAt.getTime() - lookahead);
  if (i.recheckAt) until = Math.min(until, i.recheckAt.getTime());
  return new Date(Math.max(until, now));
}
