import { sleep } from '../../shared/sleep.js';
import type { AcmeSolver } from '../../spec/types.js';
import type { ChallengeTask } from './dns01-challenges.js';
import type { Http01Task } from './http01/http01-challenges.js';

/** A pending authorization of an order: the identifier as ordered (`*.` kept) and what the CA offers for it. */
export interface PendingAuthorization {
  identifier: string;
  offered: { type: string; token: string }[];
}

/** One challenge to answer, of the type the identifier's solver answers. */
export type AcmeChallengeTask = (ChallengeTask & { type: 'dns-01'; token: string }) | (Http01Task & { type: 'http-01' });

/** Records what is presented (a TXT value, a webroot file) around presenting and removing it, so a killed run's leftovers are removed later. */
export interface Journal<T> {
  added(item: T): Promise<void>;
  removed(item: T): Promise<void>;
}

/**
 * Splits presented challenges by their solver: `blind` ones have `waitInsteadOfSelfCheck` and
 * are waited out (`longestMs`, the longest of their waits, covers them all), `checked` ones are not.
 */
export function splitByWaitInsteadOfSelfCheck<T extends { solver: AcmeSolver }>(items: readonly T[]): { blind: T[]; checked: T[]; longestMs: number } {
  const blind = items.filter((t) => t.solver.waitInsteadOfSelfCheckMs !== undefined);
  const checked = items.filter((t) => t.solver.waitInsteadOfSelfCheckMs === undefined);
  const longestMs = Math.max(0, ...blind.map((t) => t.solver.waitInsteadOfSelfCheckMs ?? 0));
  return { blind, checked, longestMs };
}

/** Waits `ms` (nothing at all for 0) unless `signal` aborts first. */
export function waitInsteadOfSelfCheck(ms: number, signal?: AbortSignal): Promise<void> {
  return ms > 0 ? sleep(ms, signal) : Promise.resolve();
}
