/**
 * `spec.renewal.windows`: when a certificate may be renewed, as cert-manager v1.21 computes it
 * (`pki.RenewalTime` → `applyRenewBeforeWithWindows`, pkg/util/pki/renewaltime.go), quirks
 * included, so that a manifest renews at the same moment under certctl and under cert-manager.
 *
 * Given the desired time D (renewBefore / renewBeforePercentage / one third of the lifetime, or
 * the moment picked in an ARI window), each window W (cron, duration d, zone) is searched within
 * [notBefore − d, notAfter + d]:
 *
 * 1. "before": the latest start S ≤ min(D, notAfter + d), S ≥ notBefore − d; if D lies in
 *    [S, S + d], D itself (the end counts: D = S + d keeps D). Of all windows, the latest such
 *    time, which is always D.
 * 2. "after": the first start S ≥ max(D, notBefore − d), S ≤ notAfter + d; S itself (or D when
 *    D = S). Of all windows, the earliest.
 * 3. D if (1) found one, else (2), else D with a WindowError: cert-manager then renews at D
 *    regardless of the windows.
 *
 * Two quirks of cert-manager's loop are kept. A window for which D < notBefore − d, or whose
 * next start lies beyond notAfter + d, discards what the windows before it found (its helper
 * returns nil instead of the best so far), so the order of the windows can matter. And a window
 * that starts after notAfter but not later than notAfter + d is used: the certificate is then
 * renewed after it expired.
 */
import { parseWindowCron, type CronSchedule } from './cron-parse.js';
import { goNext } from './cron-next.js';
import { loadTimeZone } from './time-zone.js';

/** One entry of `spec.renewal.windows`, with its duration already parsed. */
export interface RenewalWindow {
  /** The cron expression as written (five fields or a descriptor). */
  cron: string;
  /** `windowDuration` in milliseconds. */
  windowDurationMs: number;
  /** IANA zone of the cron expression; empty or absent means UTC. */
  timezone?: string;
}

/** The window a renewal time was placed in: which entry, and that occurrence's bounds. */
export interface ChosenWindow {
  /** Index in `spec.renewal.windows`. */
  index: number;
  cron: string;
  /** The zone the cron expression was read in (`UTC` when none was given). */
  timezone: string;
  start: Date;
  /** start + windowDuration; cert-manager keeps a desired time equal to it as in the window. */
  end: Date;
}

/** The renewal time after windows, and why it is what it is. */
export type WindowedRenewalTime =
  /** No windows: the desired time stands. */
  | { kind: 'unrestricted'; at: Date }
  /** The desired time falls inside a window. */
  | { kind: 'inWindow'; at: Date; window: ChosenWindow }
  /** The desired time falls outside every window: renew when the next window opens. */
  | { kind: 'moved'; at: Date; desired: Date; window: ChosenWindow }
  /**
   * No window opens between the desired time and notAfter + windowDuration (nor contains it):
   * cert-manager renews at the desired time anyway, with reason WindowError.
   */
  | { kind: 'noWindow'; at: Date; desired: Date; reason: 'WindowError'; message: string }
  /** `policy: Disabled`: no automatic renewal at all. */
  | { kind: 'disabled' }
  /**
   * A window cert-manager cannot use (bad zone or cron, windowDuration ≤ 0): it then has no
   * renewal time. Validation reports these first; this only guards against skipping it.
   */
  | { kind: 'invalid'; message: string };

/** What {@link renewalTimeWithWindows} needs. */
export interface WindowedRenewalInput {
  /** The renewal time before windows; truncated to the second, as cert-manager stores times. */
  desired: Date;
  notBefore: Date;
  notAfter: Date;
  /** `spec.renewal.policy`; absent means no `renewal` at all (same as RenewBefore, no windows). */
  policy?: 'RenewBefore' | 'Disabled';
  windows?: readonly RenewalWindow[];
}

interface Candidate {
  at: number;
  window: ChosenWindow;
}

/**
 * The renewal time of a certificate valid from `notBefore` to `notAfter` whose renewal would
 * otherwise be `desired`, given `spec.renewal`: cert-manager v1.21's `RenewalTime` after its
 * desired-time step. Pure; evaluates each window in its own zone with Intl.
 */
export function renewalTimeWithWindows(input: WindowedRenewalInput): WindowedRenewalTime {
  if (input.policy === 'Disabled') return { kind: 'disabled' };
  const desired = Math.floor(input.desired.getTime() / 1000) * 1000;
  const windows = input.windows ?? [];
  if (windows.length === 0) return { kind: 'unrestricted', at: new Date(desired) };
  const notBefore = input.notBefore.getTime();
  const notAfter = input.notAfter.getTime();

  let bestBefore: Candidate | undefined;
  let bestAfter: Candidate | undefined;
  for (const [index, w] of windows.entries()) {
    const zoneName = w.timezone ? w.timezone : 'UTC';
    const zone = loadTimeZone(zoneName);
    if (!zone.ok) return { kind: 'invalid', message: `renewal window ${index}: ${zone.message}` };
    const cron = parseWindowCron(w.cron, zoneName);
    if (!cron.ok) return { kind: 'invalid', message: `renewal window ${index}: ${cron.message}` };
    if (!(w.windowDurationMs > 0)) return { kind: 'invalid', message: `renewal window ${index}: windowDuration must be longer than 0s` };

    const span: Span = {
      schedule: cron.schedule,
      durationMs: w.windowDurationMs,
      // Bounds are [notBefore - windowDuration, notAfter + windowDuration].
      min: notBefore - w.windowDurationMs,
      max: notAfter + w.windowDurationMs,
      describe: (start) => ({ index, cron: w.cron, timezone: zoneName, start: new Date(start), end: new Date(start + w.windowDurationMs) }),
    };
    bestBefore = latestNotAfterDesired(span, desired, bestBefore);
    bestAfter = earliestFromDesired(span, desired, bestAfter);
  }

  const best = bestBefore ?? bestAfter;
  if (!best) {
    return {
      kind: 'noWindow',
      at: new Date(desired),
      desired: new Date(desired),
      reason: 'WindowError',
      message:
        `no renewal window contains ${iso(desired)} or opens between it and the certificate's expiry ` +
        `(${iso(notAfter)}) plus the window's duration; renewing at ${iso(desired)} regardless of the windows`,
    };
  }
  if (best.at === desired) return { kind: 'inWindow', at: new Date(desired), window: best.window };
  return { kind: 'moved', at: new Date(best.at), desired: new Date(desired), window: best.window };
}

/** One window entry prepared for the search. */
interface Span {
  schedule: CronSchedule;
  durationMs: number;
  min: number;
  max: number;
  describe(start: number): ChosenWindow;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** cert-manager's `findBeforeDesired`: keeps D when the latest start at or before it covers it. */
function latestNotAfterDesired(span: Span, desired: number, best: Candidate | undefined): Candidate | undefined {
  // cert-manager returns nil here, not the best so far: this window erases the earlier ones'.
  if (desired < span.min) return undefined;
  const lastStart = latestStart(span.schedule, span.min, Math.min(desired, span.max));
  if (lastStart === undefined) return best;
  const end = lastStart + span.durationMs;
  const candidate = desired >= lastStart && desired < end ? desired : end;
  if (candidate >= desired && (best === undefined || candidate > best.at)) return { at: candidate, window: span.describe(lastStart) };
  return best;
}

/** cert-manager's `findAfterDesired`: the first start at or after D. */
function earliestFromDesired(span: Span, desired: number, best: Candidate | undefined): Candidate | undefined {
  const from = desired > span.min ? desired : span.min;
  const start = goNext(span.schedule, from - 1000);
  // As above: nil, not the best so far.
  if (start > span.max) return undefined;
  const end = start + span.durationMs;
  let candidate: number | undefined;
  if (desired >= start && desired < end) candidate = desired;
  else if (desired < start) candidate = start;
  if (candidate !== undefined && candidate >= desired && (best === undefined || candidate < best.at)) {
    return { at: candidate, window: span.describe(start) };
  }
  return best;
}

/**
 * cert-manager's `bsFindLatestWindowBeforeDesired`: the latest start in [min, max] found by
 * bisecting on `Next` (to the second). Kept as a bisection, not a backwards walk, because for an
 * `@every` schedule "the latest start" is whatever this search lands on.
 */
function latestStart(schedule: CronSchedule, min: number, max: number): number | undefined {
  if (!(min < max)) return undefined;
  if (goNext(schedule, min - 1000) > max) return undefined;
  let low = min;
  let high = max;
  while (high - low > 1000) {
    const mid = low + Math.trunc((high - low) / 2);
    if (goNext(schedule, mid) > max) high = mid;
    else low = mid;
  }
  const last = goNext(schedule, low - 1000);
  return last > max ? undefined : last;
}

/**
 * The occurrence of any window that contains `at` (start ≤ at < start + windowDuration), for
 * telling whether a run is inside a window now: a renewal that was due during a window every run
 * missed happens at the next run, outside the windows, as in cert-manager. Windows that cannot
 * be used (see `invalid` above) are skipped.
 */
export function windowContaining(windows: readonly RenewalWindow[], at: Date): ChosenWindow | undefined {
  const t = Math.floor(at.getTime() / 1000) * 1000;
  for (const [index, w] of windows.entries()) {
    const zoneName = w.timezone ? w.timezone : 'UTC';
    const cron = parseWindowCron(w.cron, zoneName);
    if (!cron.ok || !(w.windowDurationMs > 0)) continue;
    const start = latestStart(cron.schedule, t - w.windowDurationMs, t);
    if (start !== undefined && start <= t && t < start + w.windowDurationMs) {
      return { index, cron: w.cron, timezone: zoneName, start: new Date(start), end: new Date(start + w.windowDurationMs) };
    }
  }
  return undefined;
}

/**
 * One line for `plan` and `status`: where the renewal time is and why, e.g. "moved from
 * 2026-03-02T13:30:00Z to 2026-03-07T01:00:00Z, when window 0 (0 2 * * 6, Europe/Berlin) opens
 * until 2026-03-07T05:00:00Z".
 */
export function explainWindowedRenewal(result: WindowedRenewalTime): string {
  const name = (w: ChosenWindow): string => `window ${w.index} (${w.cron}, ${w.timezone})`;
  switch (result.kind) {
    case 'unrestricted':
      return `renewal at ${iso(result.at.getTime())}; no renewal windows`;
    case 'inWindow':
      return `renewal at ${iso(result.at.getTime())}, inside ${name(result.window)} open ${iso(result.window.start.getTime())} to ${iso(result.window.end.getTime())}`;
    case 'moved':
      return `renewal moved from ${iso(result.desired.getTime())} to ${iso(result.at.getTime())}, when ${name(result.window)} opens until ${iso(result.window.end.getTime())}`;
    case 'noWindow':
      return `${result.reason}: ${result.message}`;
    case 'disabled':
      return 'automatic renewal disabled (renewal.policy: Disabled)';
    case 'invalid':
      return `no renewal time: ${result.message}`;
  }
}
