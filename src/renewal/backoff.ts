import type { CertificateStatus } from '../stores/records.js';

const HOUR = 3600 * 1000;

/** cert-manager's defaults (`certificateRequestMinimumBackoffDuration` / `...Maximum...`). */
export const DEFAULT_INITIAL_BACKOFF_MS = HOUR;
export const DEFAULT_MAX_BACKOFF_MS = 32 * HOUR;

/** Why a certificate is held back: failed attempts, or the CA's own "not before" (Retry-After). */
export const BackoffReason = {
  /** Recent failed issuances: waiting 1 h, 2 h, 4 h … 32 h after the last one. */
  Backoff: 'Backoff',
  /** The CA answered with Retry-After (rate limit, maintenance): not before that time. */
  RetryAfter: 'RetryAfter',
} as const;

export type BackoffReasonCode = (typeof BackoffReason)[keyof typeof BackoffReason];

/** The verdict of {@link failureBackoff}: do not try before `until`. */
export interface Backoff {
  until: Date;
  reason: BackoffReasonCode;
  /** One line for people, naming the attempt count and the time. */
  message: string;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/**
 * How long to wait after `attempts` consecutive failures, as cert-manager's trigger controller
 * computes it: `initial * 2^(attempts-1)`, capped at `max`, never below `initial`. An absent or
 * non-positive count waits `initial`, like cert-manager does for a status written before the count
 * existed.
 */
export function backoffDelayMs(attempts: number | undefined, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? DEFAULT_INITIAL_BACKOFF_MS;
  const max = Math.max(opts.maxMs ?? DEFAULT_MAX_BACKOFF_MS, initial);
  if (attempts === undefined || !Number.isFinite(attempts) || attempts < 1) return initial;
  // 2^(n-1) overflows to Infinity long before the cap matters; Go's overflow check is the `> max` here.
  const computed = initial * 2 ** (Math.floor(attempts) - 1);
  return Math.max(initial, computed > max ? max : computed);
}

/**
 * Whether the stored status holds a certificate back, and until when. Two things can: recent
 * failures (cert-manager's backoff, counted from `lastFailureTime` with `failedIssuanceAttempts`)
 * and a CA's Retry-After (`notBefore`). When both apply the later one wins, since both must pass.
 * Returns undefined when an attempt may be made at `now`.
 *
 * Pure: the caller decides that a changed spec or `--force` skips this (cert-manager retries a
 * changed spec at once) and clears the status after a success.
 *
 * Unparseable times in a damaged status are ignored rather than blocking renewal forever; a
 * `lastFailureTime` in the future (the clock went back) counts as "just now", so the wait never
 * exceeds one full delay.
 */
export function failureBackoff(status: CertificateStatus | undefined, now: Date, opts: BackoffOptions = {}): Backoff | undefined {
  if (!status) return undefined;
  const nowMs = now.getTime();
  const candidates: Backoff[] = [];

  const last = parseTime(status.lastFailureTime);
  if (last !== undefined) {
    const delay = backoffDelayMs(status.failedIssuanceAttempts, opts);
    const until = Math.min(last, nowMs) + delay;
    if (until > nowMs) {
      const n = status.failedIssuanceAttempts ?? 1;
      const what = status.lastFailureReason ? ` (${status.lastFailureReason})` : '';
      candidates.push({
        until: new Date(until),
        reason: BackoffReason.Backoff,
        message:
          `Backing off after ${n} failed issuance attempt${n === 1 ? '' : 's'}${what}, the last at ${new Date(last).toISOString()}: ` +
          `next attempt after ${new Date(until).toISOString()} (waiting ${formatHours(delay)})`,
      });
    }
  }

  const notBefore = parseTime(status.notBefore);
  if (notBefore !== undefined && notBefore > nowMs) {
    candidates.push({
      until: new Date(notBefore),
      reason: BackoffReason.RetryAfter,
      message: `The CA asked not to retry before ${new Date(notBefore).toISOString()} (Retry-After)`,
    });
  }

  if (candidates.length === 0) return undefined;
  return candidates.reduce((a, b) => (b.until.getTime() > a.until.getTime() ? b : a));
}

function parseTime(text: string | undefined): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function formatHours(ms: number): string {
  const h = ms / HOUR;
  return Number.isInteger(h) ? `${h} h` : `${Math.round(ms / 60_000)} min`;
}
