/**
 * The one decision every command makes for a Certificate, as a pure function of what was gathered:
 * up to date, due (and why), or due but held back by earlier failures or a CA's Retry-After.
 * `plan` is this alone; `issue` and `renew` act on it.
 */
import { failureBackoff } from './backoff.js';
import { evaluate, triggerChain } from './chains.js';
import type { PolicyInput } from './policy-input.js';
import type { ReasonCode } from './reasons.js';
import type { CertificateStatus } from '../stores/records.js';

export type Decision =
  | { action: 'up-to-date' }
  | { action: 'due'; reason: ReasonCode; message: string }
  | { action: 'backing-off'; reason: ReasonCode; message: string; until: Date };

export interface DecideOptions {
  /** Hold due certificates back after failures (renew); `issue` and `--force` do not. */
  respectBackoff: boolean;
}

export function decide(input: PolicyInput, status: CertificateStatus | undefined, opts: DecideOptions): Decision {
  const v = evaluate(triggerChain, input);
  if (!v) return { action: 'up-to-date' };
  // cert-manager retries at once when the spec changed since the failures.
  const sameSpec = !status?.failedSpecHash || status.failedSpecHash === input.desiredHash;
  if (opts.respectBackoff && !input.forced && sameSpec) {
    const b = failureBackoff(status, input.now);
    if (b) return { action: 'backing-off', reason: v.reason, message: `${v.message}, but ${lowerFirst(b.message)}`, until: b.until };
  }
  return { action: 'due', reason: v.reason, message: v.message };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
