/**
 * The retry policy of the REST-based providers: exponential backoff with jitter, Retry-After
 * honoured, bounded by attempts and by time per call, each wait reported through `debug` (shown
 * with `-v`). A call's attempt throws a {@link RetryableError} to ask for another try.
 */
import { sleep } from '../../shared/sleep.js';

/** Timing knobs; the defaults suit the vendor APIs, tests shrink them. */
export interface RetryTuning {
  /** First retry delay; doubles per attempt up to `retryMaxDelayMs`, with jitter. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** No retry starts after this much time spent on one call. */
  retryBudgetMs: number;
  maxAttempts: number;
  /** Deadline of one HTTP exchange. */
  requestTimeoutMs: number;
}

/** Retries for up to 60 s per call (8 attempts), 30 s per request. */
export const DEFAULT_RETRY: RetryTuning = { retryBaseMs: 500, retryMaxDelayMs: 8000, retryBudgetMs: 60_000, maxAttempts: 8, requestTimeoutMs: 30_000 };

/** A failure another attempt may cure (throttling, 5xx, a reset connection); `message` is the final one-line error. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(
    message: string,
    /** The server's Retry-After, when it said one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Milliseconds from a Retry-After header (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The delay before attempt `attempt + 1`. */
export function backoffMs(t: RetryTuning, attempt: number): number {
  return Math.min(t.retryMaxDelayMs, t.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/** What {@link withRetries} needs besides the attempt. */
export interface RetryHooks {
  tuning: RetryTuning;
  signal?: AbortSignal;
  /** Waits for the vendor's rate limit before each attempt. */
  pace?: (signal?: AbortSignal) => Promise<void>;
  debug?: (message: string) => void;
}

/**
 * Runs `attempt` until it succeeds, throws something other than a {@link RetryableError}, or the
 * attempts or the time budget are spent; the last error then gets `(after N attempts)`.
 */
export async function withRetries<T>(hooks: RetryHooks, attempt: (n: number) => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      await hooks.pace?.(hooks.signal);
      return await attempt(n);
    } catch (err) {
      if (hooks.signal?.aborted) throw hooks.signal.reason;
      if (!(err instanceof RetryableError)) throw err;
      const delay = Math.max(backoffMs(hooks.tuning, n), Math.min(err.retryAfterMs ?? 0, hooks.tuning.retryBudgetMs));
      if (n < hooks.tuning.maxAttempts && Date.now() - started + delay <= hooks.tuning.retryBudgetMs) {
        hooks.debug?.(`${err.message}; retrying in ${Math.ceil(delay)} ms`);
        await sleep(delay, hooks.signal);
        continue;
      }
      throw new Error(n > 1 ? `${err.message} (after ${n} attempts)` : err.message);
    }
  }
}
