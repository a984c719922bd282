/**
 * Spaces requests to an API that limits its callers (Route 53: 5 requests per second per account),
 * so a run with many certificates slows itself down instead of collecting throttling errors. A
 * token bucket: `burst` requests may go at once, then one every `1 / perSecond` seconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type Pacer = (signal?: AbortSignal) => Promise<void>;

export function createPacer(opts: { perSecond: number; burst: number; now?: () => number; onWait?: (ms: number) => void }): Pacer {
  const now = opts.now ?? Date.now;
  const interval = 1000 / opts.perSecond;
  // The time at which the bucket would be full again; each request pushes it by one interval.
  let fullAt = 0;
  return async (signal) => {
    const t = now();
    const start = Math.max(fullAt, t - opts.burst * interval);
    fullAt = start + interval;
    const wait = fullAt - opts.burst * interval - t;
    if (wait > 0) {
      opts.onWait?.(wait);
      await sleep(wait, undefined, { signal });
    }
  };
}
