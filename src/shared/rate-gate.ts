/**
 * The request gate of one vendor account: every request of the account waits here, so a run with
 * many certificates slows itself down instead of collecting throttling errors.
 *
 * Two things hold a request back. The client's own pacing: a token bucket for the vendor's
 * documented rate, `burst` requests at once, then one every `1 / perSecond` seconds. And a hold
 * the API itself imposes (a 429 with Retry-After, or a rate-limit header saying the quota is used
 * up), which pauses every request of the account instead of each finding out on its own. APIs that
 * say nothing about their quota simply never hold the gate.
 */
import { sleep } from './sleep.js';

/** A documented request rate. */
export interface RateLimit {
  perSecond: number;
  /** Requests that may go at once before the pacing starts. */
  burst: number;
}

/** Why a request waits: the client's pacing, or a hold the API imposed. */
export type WaitReason = 'pace' | 'hold';

/** The gate of one account; one per account and run (see {@link gateFor}). */
export interface RateGate {
  /** Waits for a hold to end, then for the pacing. Rejects with the signal's reason when aborted. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Holds every request until `ms` from now (a longer hold already in place wins). */
  holdFor(ms: number): void;
  /** Milliseconds until the current hold ends (0 when none). */
  heldFor(): number;
}

/** A gate's rate, and a clock and a listener for tests and `-v`. */
export interface RateGateOptions extends RateLimit {
  now?: () => number;
  /** Told before each wait, with its length and why. */
  onWait?: (ms: number, why: WaitReason) => void;
}

/** A new gate, open and with a full bucket. */
export function createRateGate(opts: RateGateOptions): RateGate {
  const now = opts.now ?? Date.now;
  const interval = 1000 / opts.perSecond;
  // The time at which the bucket would be full again; each request pushes it by one interval.
  let fullAt = 0;
  // When requests may go again after a hold; only ever moves forward.
  let resumeAt = 0;
  return {
    async wait(signal) {
      for (let left = resumeAt - now(); left > 0; left = resumeAt - now()) {
        opts.onWait?.(left, 'hold');
        await sleep(left, signal);
      }
      const t = now();
      const start = Math.max(fullAt, t - opts.burst * interval);
      fullAt = start + interval;
      const pace = fullAt - opts.burst * interval - t;
      if (pace > 0) {
        opts.onWait?.(pace, 'pace');
        await sleep(pace, signal);
      }
    },
    holdFor(ms) {
      resumeAt = Math.max(resumeAt, now() + Math.max(0, ms));
    },
    heldFor: () => Math.max(0, resumeAt - now()),
  };
}

/** The gate of `key` (a vendor account) in `gates`, created with `limit` on first use. */
export function gateFor(gates: Map<string, RateGate>, key: string, limit: RateLimit, onWait?: (ms: number, why: WaitReason) => void): RateGate {
  let gate = gates.get(key);
  if (!gate) {
    gate = createRateGate({ ...limit, onWait });
    gates.set(key, gate);
  }
  return gate;
}
