import type { ChallengeTask } from './dns01-challenges.js';
import type { Http01Task } from './http01/http01-challenges.js';

/** A pending authorization of an order: the identifier as ordered (`*.` kept) and what the CA offers for it. */
export interface PendingAuthorization {
  identifier: string;
  offered: { type: string; token: string }[];
}

/** One challenge to answer, of the type the identifier's solver answers. */
export type AcmeChallengeTask = (ChallengeTask & { type: 'dns-01'; token: string }) | (Http01Task & { type: 'http-01' });
