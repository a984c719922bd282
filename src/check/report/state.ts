import type { CheckState, Finding, Severity } from './types.js';

/** Nagios plugin exit codes (Nagios Plugin Development Guidelines, "Plugin Return Codes"). */
export const NAGIOS_EXIT: Readonly<Record<CheckState, 0 | 1 | 2 | 3>> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

/** Badness order for combining states: CRITICAL beats WARNING beats UNKNOWN beats OK. */
const RANK: Readonly<Record<CheckState, number>> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, unknown: 1, warning: 2, critical: 3 };
const STATE_OF: Readonly<Record<Severity, CheckState>> = { info: 'OK', unknown: 'UNKNOWN', warning: 'WARNING', critical: 'CRITICAL' };

/** The state the findings add up to (the worst of them; info findings leave it OK). */
export function stateOf(findings: readonly Finding[]): CheckState {
  return worstState(findings.map((f) => STATE_OF[f.severity]));
}

/** The worst of several states (OK when there are none). */
export function worstState(states: readonly CheckState[]): CheckState {
  return states.reduce<CheckState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK');
}

/** Findings ordered worst first, keeping the order among equals. */
export function byWorst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
