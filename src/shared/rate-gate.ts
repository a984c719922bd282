/**
 * The request gate of one vendor account: a token-bucket pacer (src/shared/pacer.ts) for the
 * documented rate, plus a hold that the API itself can impose — a 429 with Retry-After, or a
 * rate-limit header saying the quota is used up. Every request of the account waits at the gate,
 * so one throttled request pauses all of them instead of each finding out on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createPacer } from './pacer.js';

export interface RateGate {
  /** Waits for a hold to end, then for the pacer. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Holds every request until `ms` from now (a longer hold already in place wins). */
  holdFor(ms: number): void;
  /** Milliseconds until the current hold ends (0 when none). */
  heldFor(): number;
}

export interface RateGateOptions {
  perSecond: number;
  burst: number;
  now?: () => number;
  /** Told before each wait, with its length and why (`pace` or `hold`). */
  onWait?: (ms: number, why: 'pace' | 'hold') => void;
}

export function createRateGate(opts: RateGateOptions): RateGate {
  const now = opts.now ?? Date.now;
  const pace = createPacer({ perSecond: opts.perSecond, burst: opts.burst, now, onWait: (ms) => opts.onWait?.(ms, 'pace') });
  // When requests may go again; only ever moves forward.
  let resumeAt = 0;
  return {
    async wait(signal) {
      for (let left = resumeAt - now(); left > 0; left = resumeAt - now()) {
        opts.onWait?.(left, 'hold');
        await sleep(left, undefined, { signal });
      }
      await pace(signal);
    },
    holdFor(ms) {
      resumeAt = Math.max(resumeAt, now() + Math.max(0, ms));
    },
    heldFor: () => Math.max(0, resumeAt - now()),
  };
}
