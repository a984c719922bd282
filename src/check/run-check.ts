/**
 * `certctl check` without the CLI: probes each target, analyzes what it served, checks
 * revocation and the stored copy, and evaluates. Takes its clock, trust store and store access
 * as arguments; the command module does the reading of flags and files.
 */
import { parseCertificate, type ParsedCertificate } from '../pki/parse.js';
import { evaluateTarget, type TargetEvidence } from './report/evaluate-target.js';
import { worstState } from './report/state.js';
import type { Threshold } from './report/thresholds.js';
import type { CheckReport, TargetReport } from './report/types.js';
import { revocationStatus } from './revocation/revocation-status.js';
import { compareWithStored, type StoredInput } from './stored-comparison.js';
import type { CheckTarget } from './target.js';
import { probe, ProbeError } from './tls/probe.js';
import { analyzeChain, issuerOf, type TrustStore } from './x509/chain-path.js';

/** Everything one run needs. */
export interface CheckRun {
  targets: CheckTarget[];
  /** Restrict connections to IPv4 or IPv6. */
  family?: 4 | 6;
  /** Deadline of each handshake, and of each OCSP or CRL request. */
  timeoutMs: number;
  /** Trust anchors for the path analysis. */
  trust: TrustStore;
  /** The same anchors as PEM for the handshake's own verdict (`--ca-file`); undefined: Node's bundled roots. */
  caPem?: string[];
  warning: Threshold;
  critical: Threshold;
  /** Contact OCSP responders and CRL distribution points. */
  fetch: boolean;
  /** Name announced in SMTP's EHLO. */
  clientName: string;
  now: () => Date;
  /** Targets checked at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** What the store holds for a target, when comparing served with stored. */
  stored?: (target: CheckTarget) => Promise<StoredInput | undefined>;
}

/** Checks every target and returns the report (its `state` gives the exit code). */
export async function runCheck(run: CheckRun): Promise<CheckReport> {
  const reports: TargetReport[] = new Array(run.targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < run.targets.length) {
      const i = next++;
      reports[i] = await checkTarget(run.targets[i]!, run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(run.concurrency, run.targets.length)) }, worker));
  const count = (s: TargetReport['state']): number => reports.filter((r) => r.state === s).length;
  return {
    apiVersion: 'certctl.io/v1',
    kind: 'CheckReport',
    checkedAt: run.now().toISOString(),
    state: worstState(reports.map((r) => r.state)),
    targets: reports,
    summary: { total: reports.length, ok: count('OK'), warning: count('WARNING'), critical: count('CRITICAL'), unknown: count('UNKNOWN') },
  };
}

async function checkTarget(target: CheckTarget, run: CheckRun): Promise<TargetReport> {
  const evidence: TargetEvidence = { target, trust: run.trust };
  const policy = { warning: run.warning, critical: run.critical, now: run.now() };
  try {
    evidence.probe = await probe({
      host: target.host,
      port: target.port,
      servername: target.servername,
      family: run.family,
      timeoutMs: run.timeoutMs,
      ca: run.caPem,
      starttls: target.starttls,
      clientName: run.clientName,
      signal: run.signal,
    });
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err;
    evidence.probeError = { stage: err.stage, message: err.message };
    return evaluateTarget(evidence, policy);
  }
  let certs: ParsedCertificate[];
  try {
    certs = evidence.probe.served.map((der, i) => {
      try {
        return parseCertificate(der);
      } catch (err) {
        throw new Error(`#${i}: ${(err as Error).message}`);
      }
    });
  } catch (err) {
    evidence.parseError = (err as Error).message;
    return evaluateTarget(evidence, policy);
  }
  evidence.certs = certs;
  evidence.analysis = analyzeChain(certs, run.trust);
  const leaf = certs[0]!;
  evidence.revocation = await revocationStatus(leaf, issuerOf(certs, evidence.analysis), evidence.probe.ocspStaple, {
    fetch: run.fetch,
    timeoutMs: run.timeoutMs,
    now: policy.now,
    signal: run.signal,
  });
  if (run.stored) {
    const stored = await run.stored(target);
    if (stored) evidence.stored = compareWithStored(leaf, stored);
  }
  return evaluateTarget(evidence, policy);
}
