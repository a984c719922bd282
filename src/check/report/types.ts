/**
 * The result of `certctl check` (its `-o json` output, `kind: CheckReport`): one entry per
 * target with its state in Nagios terms, the findings behind it, and what was seen.
 */
import type { RevocationReport } from '../revocation/revocation-status.js';
import type { StoredComparison } from '../stored-comparison.js';
import type { CertificateSummary } from '../x509/certificate-summary.js';
import type { NameMatch } from '../x509/hostname.js';

/** How much a finding matters. `unknown`: the check could not find out. */
export type Severity = 'critical' | 'warning' | 'unknown' | 'info';

/** A target's (or the run's) state, as Nagios and `check_ssl_cert` name them. */
export type CheckState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

/** One thing the check noticed; `code` is stable for machines, `message` is for people. */
export interface Finding {
  severity: Severity;
  code: string;
  message: string;
}

/** Where a served certificate sits. */
export type ChainRole = 'leaf' | 'intermediate' | 'root' | 'extra';

/** The served chain and the verdict on it. */
export interface ChainReport {
  /** `as-sent`: read from the handshake in the server's order; `rebuilt`: OpenSSL's reconstruction (order unknown). */
  order: 'as-sent' | 'rebuilt';
  served: (CertificateSummary & { role: ChainRole })[];
  inOrder: boolean;
  /** The handshake's own verification (OpenSSL) against the trust store. */
  verified: boolean;
  /** OpenSSL's error code when not verified (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`…). */
  verifyError?: string;
  trustStore: string;
  /** The trust anchor the chain leads to. */
  anchor?: { subject: string; notAfter: string; fingerprintSha256: string };
  /** Intermediates taken from the trust store because the server did not send them. */
  notServed: { subject: string; notAfter: string }[];
}

/** The expiry verdict. */
export interface ExpiryReport {
  /** The earliest notAfter on the chain (leaf and intermediates). */
  notAfter: string;
  /** Which certificate expires first. */
  subject: string;
  daysLeft: number;
  secondsLeft: number;
  /** From now on the check reports WARNING / CRITICAL. */
  warningAt: string;
  criticalAt: string;
}

/** Everything about one target. */
export interface TargetReport {
  target: string;
  host: string;
  port: number;
  servername?: string;
  starttls?: string;
  state: CheckState;
  /** One line: the worst finding, or what is fine. */
  summary: string;
  findings: Finding[];
  connection?: { address: string; family: string; protocol: string; cipher: string; handshakeMs: number };
  chain?: ChainReport;
  name?: NameMatch;
  expiry?: ExpiryReport;
  revocation?: RevocationReport;
  stored?: StoredComparison;
}

/** The whole run. */
export interface CheckReport {
  apiVersion: 'certctl.io/v1';
  kind: 'CheckReport';
  checkedAt: string;
  state: CheckState;
  targets: TargetReport[];
  summary: { total: number; ok: number; warning: number; critical: number; unknown: number };
}
