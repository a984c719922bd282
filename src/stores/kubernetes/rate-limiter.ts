/**
 * Client-side rate limiting for the Kubernetes API, as client-go's token bucket does it: up to
 * `burst` requests at once, then `qps` per second. On top, a server-requested pause: when the API
 * server rejects a request with 429 (API Priority and Fairness, or the max-in-flight filter) and a
 * Retry-After, every request of this client waits until then, not only the rejected one, so a
 * fleet of concurrent reads backs off together instead of hammering an overloaded server.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained requests per second; 0 or less: no client-side limit (the server's pauses still apply). */
  qps: number;
  /** Requests allowed at once after a quiet period (at least 1). */
  burst: number;
  /** Milliseconds on a monotonic clock (default `performance.now()`). */
  now?: () => number;
  /** Waits `ms` (default node's timer); rejects when `signal` aborts. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A token bucket with a shared "not before" time. One per client; not shared across processes. */
export class RateLimiter {
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;

  constructor(opts: RateLimiterOptions) {
    this.qps = opts.qps;
    this.burst = Math.max(1, Math.floor(opts.burst));
    this.now = opts.now ?? (() => performance.now());
    this.wait = opts.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  /**
   * Resolves when one request may be sent. Tokens are handed out in call order: a caller that must
   * wait reserves its token now (the count goes negative), so later callers queue behind it.
   */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const paused = this.pausedUntil - now;
      if (paused > 0) {
        await this.wait(paused, signal);
        continue;
      }
      if (!(this.qps > 0)) return;
      this.refill(now);
      this.tokens -= 1;
      if (this.tokens >= 0) return;
      // Our token comes due when the deficit has refilled.
      await this.wait((-this.tokens / this.qps) * 1000, signal);
      return;
    }
  }

  /** The server asked every client to wait: no request leaves before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, ms));
  }

  private refill(now: number): void {
    const elapsed = (now - this.updatedAt) / 1000;
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.qps);
  }
}
