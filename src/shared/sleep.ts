import { setTimeout as timer } from 'node:timers/promises';

/** The longest delay a Node timer holds; a larger one fires at once (with a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sleeps `ms`, however long: waits longer than a timer can hold are taken in steps. Rejects with
 * the signal's reason when aborted.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let left = Math.max(0, ms);
  do {
    const step = Math.min(left, MAX_TIMER_MS);
    await timer(step, undefined, { signal });
    left -= step;
  } while (left > 0);
}

/** A duration to hand to a single timer (a timeout), capped at what the timer can hold. */
export function timerMs(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}
