/**
 * What ACME requests certctl repeats, and how: a badNonce rejection at once with the nonce that
 * came with it, a request sent on a connection the server had just closed at once, 5xx and
 * connection resets with backoff, 429/503 after their Retry-After when that is short. A long
 * Retry-After, and everything else, is the caller's to report.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AcmeProblem, AcmeTransportError } from '../problem.js';

/** How often each kind of failure is retried, and the longest Retry-After waited out in-process. */
export interface RetryLimits {
  badNonce: number;
  /** 5xx, 429 with Retry-After, connection reset mid-request. */
  transient: number;
  /** Requests sent on a kept-alive connection that had been closed. */
  stale: number;
  maxWaitMs: number;
}

/**
 * For signed requests. Pebble rejects 5% of nonces by default and the tests run it at 50%: 25
 * retries make a spurious failure at 50% about 3e-8. Let's Encrypt asks clients not to wait on
 * Retry-After in-process for long; a minute is what an interactive run tolerates.
 */
export const SIGNED_LIMITS: Readonly<RetryLimits> = Object.freeze({ badNonce: 25, transient: 4, stale: 3, maxWaitMs: 60_000 });
/** For unauthenticated GETs whose caller has its own schedule (ARI): only stale connections. */
export const GET_ONCE_LIMITS: Readonly<RetryLimits> = Object.freeze({ badNonce: 0, transient: 0, stale: 3, maxWaitMs: 0 });

/** Options of {@link withRetries}. */
export interface RetryOptions {
  limits: Readonly<RetryLimits>;
  /** Names the request in log lines ("POST https://…"). */
  what: string;
  signal?: AbortSignal;
  log?: (message: string) => void;
  now?: () => Date;
}

type Kind = 'badNonce' | 'transient' | 'stale';

/** Why and when to try again, or undefined to give up with the error. */
export function retryDecision(err: unknown, used: Readonly<Record<Kind, number>>, limits: Readonly<RetryLimits>, now: Date): { kind: Kind; reason: string; delayMs: number } | undefined {
  if (err instanceof AcmeTransportError) {
    if (err.staleConnection) return used.stale < limits.stale ? { kind: 'stale', reason: 'stale connection', delayMs: 0 } : undefined;
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return backoff(`connection reset`, used, limits);
    return undefined;
  }
  if (!(err instanceof AcmeProblem)) return undefined;
  if (err.is('badNonce')) return used.badNonce < limits.badNonce ? { kind: 'badNonce', reason: 'badNonce', delayMs: 0 } : undefined;
  if (err.status !== 429 && err.status < 500) return undefined;
  const reason = `HTTP ${err.status}`;
  if (err.retryAfter) {
    const wait = Math.max(0, err.retryAfter.getTime() - now.getTime());
    if (wait > limits.maxWaitMs || used.transient >= limits.transient) return undefined;
    return { kind: 'transient', reason: `${reason}, Retry-After ${Math.ceil(wait / 1000)} s`, delayMs: wait };
  }
  // A rate limit without Retry-After says nothing about when it lifts: hammering it would only extend it.
  if (err.status === 429) return undefined;
  return backoff(reason, used, limits);
}

function backoff(reason: string, used: Readonly<Record<Kind, number>>, limits: Readonly<RetryLimits>): { kind: Kind; reason: string; delayMs: number } | undefined {
  if (used.transient >= limits.transient) return undefined;
  return { kind: 'transient', reason, delayMs: 250 * 2 ** used.transient };
}

/**
 * Runs `attempt(n, reason)` until it succeeds or {@link retryDecision} gives up; `reason` says
 * why attempt n repeats attempt n-1. Waits are cut short by `signal`.
 */
export async function withRetries<T>(attempt: (n: number, retryReason: string | undefined) => Promise<T>, opts: RetryOptions): Promise<T> {
  const used: Record<Kind, number> = { badNonce: 0, transient: 0, stale: 0 };
  let reason: string | undefined;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n, reason);
    } catch (err) {
      const d = retryDecision(err, used, opts.limits, (opts.now ?? (() => new Date()))());
      if (!d) throw err;
      used[d.kind] += 1;
      reason = d.reason;
      if (d.delayMs >= 1000) opts.log?.(`${opts.what}: ${(err as Error).message}; retrying in ${Math.ceil(d.delayMs / 1000)} s`);
      if (d.delayMs > 0) await sleep(d.delayMs, undefined, { signal: opts.signal });
      opts.signal?.throwIfAborted();
    }
  }
}
