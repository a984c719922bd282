import * as checks from './checks.js';
import type { Check } from './checks.js';
import type { PolicyInput } from './policy-input.js';
import type { Violation } from './reasons.js';

/**
 * The checks that decide whether to issue, in order; the first violation wins. Mirrors
 * cert-manager's trigger policy chain.
 */
export const triggerChain: readonly Check[] = [
  checks.forced, // the user asked
  checks.secretDoesNotExist, // nothing stored yet
  checks.secretMissingData, // certificate or key file missing
  checks.invalidKeyPair, // unreadable, or key and certificate do not belong together
  checks.revoked, // certctl revoke revoked it at the CA
  checks.incorrectCertificate, // written for another Certificate sharing the secretName
  checks.incorrectIssuer, // issuerRef now names another issuer
  checks.issuerCaChanged, // the issuer's CA was re-issued or rotated since
  checks.privateKeyMismatchesSpec, // key algorithm, size or encoding changed
  checks.requestChanged, // names, subject, usages, duration... changed
  checks.expired, // past notAfter
  checks.nearingExpiry, // past the renewal time
];

/**
 * Whether the stored certificate is Ready: the same checks without the user's force and
 * without renewal timing, ending with expiry (cert-manager's readiness policy chain).
 */
export const readinessChain: readonly Check[] = triggerChain.filter((c) => c !== checks.forced && c !== checks.nearingExpiry);

/** Runs a chain and returns the first violation, or undefined when the certificate is up to date. */
export function evaluate(chain: readonly Check[], input: PolicyInput): Violation | undefined {
  for (const check of chain) {
    const v = check(input);
    if (v) return v;
  }
  return undefined;
}
