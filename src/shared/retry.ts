/**
 * The one retry policy of certctl's vendor API clients (the DNS providers): exponential backoff
 * with jitter, the server's Retry-After honoured, bounded by attempts and by time per call, each
 * wait reported through `debug` (shown with `-v`). What is worth another attempt (429, 5xx, a reset
 * connection, a vendor's throttling code) and how failures read is the vendor client's part: its
 * attempt throws a {@link RetryableError} to ask for another try.
 */
import { sleep } from './sleep.js';

/** How long and how often one call is retried. */
export interface RetryLimits {
  /** First retry delay; doubles per attempt up to `retryMaxDelayMs`, with jitter. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** No retry starts after this much time spent on one call (a longer Retry-After is reported instead). */
  retryBudgetMs: number;
  maxAttempts: number;
}

/** The timing of a vendor API client: its retries, and the deadline of each HTTP exchange. */
export interface ApiTuning extends RetryLimits {
  requestTimeoutMs: number;
}

/** Retries for up to 60 s per call (8 attempts, 0.5 s … 8 s apart). */
export const DEFAULT_RETRY_LIMITS: RetryLimits = { retryBaseMs: 500, retryMaxDelayMs: 8000, retryBudgetMs: 60_000, maxAttempts: 8 };

/** {@link DEFAULT_RETRY_LIMITS}, 30 s per request. */
export const DEFAULT_API_TUNING: ApiTuning = { ...DEFAULT_RETRY_LIMITS, requestTimeoutMs: 30_000 };

/**
 * A failure another attempt may cure. `message` is what `-v` shows before the retry; `giveUp`
 * makes the error thrown when no attempt is left (default: an Error with `message`), given
 * ` (after N attempts)` or an empty string to end its message with.
 */
export class RetryableError extends Error {
  override name = 'RetryableError';
  /** The server's Retry-After, when it said one. */
  readonly retryAfterMs?: number;
  readonly giveUp: (afterAttempts: string) => Error;

  constructor(message: string, opts: { retryAfterMs?: number; giveUp?: (afterAttempts: string) => Error } = {}) {
    super(message);
    this.retryAfterMs = opts.retryAfterMs;
    this.giveUp = opts.giveUp ?? ((after) => new Error(`${message}${after}`));
  }
}

/** Milliseconds from a Retry-After header (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const s = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The delay before attempt `attempt + 1`: exponential, capped, with jitter (half to all of it). */
export function backoffMs(limits: RetryLimits, attempt: number): number {
  return Math.min(limits.retryMaxDelayMs, limits.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/** What {@link withRetries} needs besides the attempt. */
export interface RetryHooks {
  tuning: RetryLimits;
  signal?: AbortSignal;
  /** Waits for the vendor's rate limit before each attempt. */
  pace?: (signal?: AbortSignal) => Promise<void>;
  /** Told before each retry; the caller redacts what it passes on. */
  debug?: (message: string) => void;
}

/**
 * Runs `attempt` until it succeeds, throws something other than a {@link RetryableError}, or the
 * attempts or the time budget are spent; then the last failure's `giveUp` error is thrown, its
 * message ending in `(after N attempts)` when there was more than one. An aborted signal ends the
 * call at once with the signal's reason.
 */
export async function withRetries<T>(hooks: RetryHooks, attempt: (n: number) => Promise<T>): Promise<T> {
  const { tuning, signal } = hooks;
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      signal?.throwIfAborted();
      await hooks.pace?.(signal);
      return await attempt(n);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof RetryableError)) throw err;
      const delay = Math.max(backoffMs(tuning, n), err.retryAfterMs ?? 0);
      if (n < tuning.maxAttempts && Date.now() - started + delay <= tuning.retryBudgetMs) {
        hooks.debug?.(`${err.message}; retrying in ${Math.ceil(delay)} ms`);
        await sleep(delay, signal).catch((e: unknown) => {
          throw signal?.aborted ? signal.reason : e;
        });
        continue;
      }
      throw err.giveUp(n > 1 ? ` (after ${n} attempts)` : '');
    }
  }
}
