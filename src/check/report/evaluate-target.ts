/**
 * Turns what a check saw (the handshake, the chain analysis, revocation, the stored copy) into
 * findings, a state and a summary. Pure: all I/O happened before.
 */
import type { ParsedCertificate } from '../../pki/parse.js';
import type { RevocationReport } from '../revocation/revocation-status.js';
import type { StoredComparison } from '../stored-comparison.js';
import type { CheckTarget } from '../target.js';
import type { ProbeResult, ProbeStage } from '../tls/probe.js';
import { daysUntil, keyText, summarizeCertificate } from '../x509/certificate-summary.js';
import type { ChainAnalysis, TrustStore } from '../x509/chain-path.js';
import { matchName } from '../x509/hostname.js';
import { revocationFindings } from './revocation-findings.js';
import { byWorst, stateOf } from './state.js';
import { thresholdMs, type Threshold } from './thresholds.js';
import type { ChainReport, ChainRole, ExpiryReport, Finding, TargetReport } from './types.js';

/** Everything gathered for one target. */
export interface TargetEvidence {
  target: CheckTarget;
  probe?: ProbeResult;
  probeError?: { stage: ProbeStage; message: string };
  /** The served certificates, parsed (undefined when one could not be parsed: see `parseError`). */
  certs?: ParsedCertificate[];
  parseError?: string;
  analysis?: ChainAnalysis;
  trust: TrustStore;
  revocation?: RevocationReport;
  stored?: StoredComparison;
}

/** What makes a state. */
export interface EvaluationPolicy {
  warning: Threshold;
  critical: Threshold;
  now: Date;
}

const PROBE_FINDINGS: Readonly<Record<ProbeStage, { code: string; severity: Finding['severity'] }>> = {
  resolve: { code: 'ResolveFailed', severity: 'unknown' },
  connect: { code: 'ConnectFailed', severity: 'critical' },
  starttls: { code: 'StartTlsFailed', severity: 'critical' },
  handshake: { code: 'HandshakeFailed', severity: 'critical' },
  timeout: { code: 'Timeout', severity: 'critical' },
};

/** OpenSSL verification codes that an expiry finding already explains. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Builds the report of one target. */
export function evaluateTarget(e: TargetEvidence, policy: EvaluationPolicy): TargetReport {
  const t = e.target;
  const base = { target: t.input, host: t.host, port: t.port, ...(t.servername ? { servername: t.servername } : {}), ...(t.starttls ? { starttls: t.starttls } : {}) };
  const findings: Finding[] = [];
  if (e.probeError || !e.probe) {
    const kind = PROBE_FINDINGS[e.probeError?.stage ?? 'handshake'];
    findings.push({ ...kind, message: e.probeError?.message ?? 'no handshake' });
    return finish(base, findings, {});
  }
  const p = e.probe;
  const connection = { address: p.address, family: p.family, protocol: p.protocol, cipher: p.cipher, handshakeMs: p.handshakeMs };
  if (!e.certs || !e.analysis) {
    findings.push({ severity: 'critical', code: 'MalformedCertificate', message: `the server sent a certificate that cannot be parsed: ${e.parseError ?? 'unknown error'}` });
    return finish(base, findings, { connection });
  }
  const certs = e.certs;
  const a = e.analysis;
  const leaf = certs[0]!;
  const chain = chainReport(p, certs, a, e.trust, policy.now);
  findings.push(...chainFindings(p, certs, a, e.trust, policy.now));
  const expiry = expiryReport(certs, a, policy);
  findings.push(...expiry.findings);
  const name = matchName(leaf, t.servername ?? t.host);
  if (!name.matches) findings.push({ severity: 'critical', code: 'NameMismatch', message: `the certificate is not valid for ${name.name}${name.hint ? `: ${name.hint}` : ''}` });
  if (e.revocation) findings.push(...revocationFindings(e.revocation, Boolean(p.ocspStaple)));
  if (e.stored) findings.push(...storedFindings(e.stored));
  const okSummary = `valid until ${expiry.report.notAfter.slice(0, 10)} (${expiry.report.daysLeft} days), ${p.protocol}, ${chain.verified ? `trusted (${chain.anchor?.subject ?? e.trust.label})` : 'not trusted'}`;
  return finish(base, findings, { connection, chain, name, expiry: expiry.report, ...(e.revocation ? { revocation: e.revocation } : {}), ...(e.stored ? { stored: e.stored } : {}) }, okSummary);
}

function finish(base: Omit<TargetReport, 'state' | 'summary' | 'findings'>, findings: Finding[], parts: Partial<TargetReport>, okSummary = 'OK'): TargetReport {
  const sorted = byWorst(findings);
  const state = stateOf(sorted);
  const worst = sorted[0];
  const summary = state === 'OK' || !worst ? okSummary : worst.message;
  return { ...base, state, summary, findings: sorted, ...parts };
}

function roleOf(i: number, certs: ParsedCertificate[], a: ChainAnalysis): ChainRole {
  if (i === 0) return 'leaf';
  if (a.anchorServed.includes(i) || (a.path.includes(i) && certs[i]!.selfSigned)) return 'root';
  return a.path.includes(i) ? 'intermediate' : 'extra';
}

function chainReport(p: ProbeResult, certs: ParsedCertificate[], a: ChainAnalysis, trust: TrustStore, now: Date): ChainReport {
  return {
    order: p.servedFrom === 'handshake' ? 'as-sent' : 'rebuilt',
    served: certs.map((c, i) => ({ ...summarizeCertificate(c, now), role: roleOf(i, certs, a) })),
    inOrder: a.inOrder,
    verified: p.opensslVerifyError === undefined,
    ...(p.opensslVerifyError ? { verifyError: p.opensslVerifyError } : {}),
    trustStore: trust.label,
    ...(a.anchor ? { anchor: { subject: a.anchor.subjectText, notAfter: a.anchor.notAfter.toISOString(), fingerprintSha256: a.anchor.fingerprintSha256 } } : {}),
    notServed: a.fromStore.map((c) => ({ subject: c.subjectText, notAfter: c.notAfter.toISOString() })),
  };
}

function label(certs: ParsedCertificate[], i: number): string {
  return `#${i} ${certs[i]!.subjectText || '<empty subject>'}`;
}

function chainFindings(p: ProbeResult, certs: ParsedCertificate[], a: ChainAnalysis, trust: TrustStore, now: Date): Finding[] {
  const out: Finding[] = [];
  const code = p.opensslVerifyError;
  const pathCerts = [...a.path.map((i) => certs[i]!), ...a.fromStore];
  const timeExplained = code !== undefined && TIME_ERRORS.has(code) && pathCerts.some((c) => c.notAfter <= now || c.notBefore > now);
  if (code !== undefined && !timeExplained) {
    out.push(a.problem
      ? { severity: 'critical', code: a.problem.code, message: `not trusted: ${a.problem.message} (OpenSSL: ${code})` }
      : { severity: 'critical', code: 'Untrusted', message: `not trusted by ${trust.label}: OpenSSL ${code}` });
  } else if (code === undefined && a.fromStore.length > 0) {
    out.push({ severity: 'warning', code: 'IncompleteChain', message: `the server does not send ${a.fromStore.map((c) => c.subjectText).join(', ')}; clients without it in their trust store (${trust.label} has it) fail` });
  }
  if (p.servedFrom !== 'handshake') {
    out.push({ severity: 'info', code: 'OrderUnknown', message: p.servedNote ?? 'served order unknown' });
  } else {
    if (!a.inOrder) {
      out.push({ severity: 'warning', code: 'ChainOrder', message: `served out of order (${certs.map((_, i) => label(certs, i)).join(', ')}): each certificate should be followed by its issuer (RFC 5246 §7.4.2), and some clients reject other orders` });
    }
    const unrelated = a.extra;
    if (unrelated.length > 0) out.push({ severity: 'warning', code: 'ExtraCertificate', message: `the server sends certificates that are not part of the chain: ${unrelated.map((i) => label(certs, i)).join(', ')}` });
    if (a.anchorServed.length > 0) out.push({ severity: 'info', code: 'RootServed', message: `the server sends the root ${a.anchorServed.map((i) => label(certs, i)).join(', ')}; clients use their own copy, so it only adds bytes to every handshake` });
  }
  for (const i of a.path) {
    const c = certs[i]!;
    const s = summarizeCertificate(c, now);
    if ((s.keyAlgorithm === 'RSA' && s.keySize < 2048) || (s.keyAlgorithm === 'ECDSA' && s.keySize > 0 && s.keySize < 256)) {
      out.push({ severity: 'warning', code: 'WeakKey', message: `${label(certs, i)} has a ${keyText(s)} key (RSA needs at least 2048 bits)` });
    }
    if (/SHA1/i.test(c.signatureAlgorithm)) out.push({ severity: 'warning', code: 'WeakSignature', message: `${label(certs, i)} is signed with ${c.signatureAlgorithm}; SHA-1 signatures are rejected by browsers` });
  }
  return out;
}

function expiryReport(certs: ParsedCertificate[], a: ChainAnalysis, policy: EvaluationPolicy): { report: ExpiryReport; findings: Finding[] } {
  const now = policy.now;
  const leaf = certs[0]!;
  const onPath = [...a.path.map((i) => certs[i]!), ...a.fromStore];
  const first = onPath.reduce((x, y) => (y.notAfter < x.notAfter ? y : x));
  const lifetime = leaf.notAfter.getTime() - leaf.notBefore.getTime();
  const warnMs = thresholdMs(policy.warning, lifetime);
  const critMs = thresholdMs(policy.critical, lifetime);
  const remaining = first.notAfter.getTime() - now.getTime();
  const report: ExpiryReport = {
    notAfter: first.notAfter.toISOString(),
    subject: first.subjectText,
    daysLeft: daysUntil(first.notAfter, now),
    secondsLeft: Math.floor(remaining / 1000),
    warningAt: new Date(first.notAfter.getTime() - warnMs).toISOString(),
    criticalAt: new Date(first.notAfter.getTime() - critMs).toISOString(),
  };
  const who = first === leaf ? 'the certificate' : `the ${first.isCA ? 'intermediate' : 'certificate'} ${first.subjectText}`;
  const when = first.notAfter.toISOString().slice(0, 16).replace('T', ' ');
  const findings: Finding[] = [];
  const early = onPath.find((c) => c.notBefore.getTime() > now.getTime());
  if (early) findings.push({ severity: 'critical', code: 'NotYetValid', message: `${early === leaf ? 'the certificate' : early.subjectText} is not valid before ${early.notBefore.toISOString()}` });
  if (remaining <= 0) {
    findings.push({ severity: 'critical', code: 'Expired', message: `${who} expired ${-report.daysLeft - 1 > 0 ? `${-report.daysLeft - 1} day(s) ago` : 'less than a day ago'} (${when} UTC)` });
  } else if (remaining <= critMs || remaining <= warnMs) {
    const critical = remaining <= critMs;
    const limit = critical ? policy.critical : policy.warning;
    findings.push({ severity: critical ? 'critical' : 'warning', code: 'ExpiresSoon', message: `${who} expires in ${describeRemaining(remaining)} (${when} UTC; ${critical ? '--critical' : '--warning'} ${limit.text})` });
  }
  return { report, findings };
}

function describeRemaining(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  if (days >= 2) return `${days} days`;
  const hours = Math.floor(ms / 3_600_000);
  return hours >= 1 ? `${hours} h` : `${Math.max(1, Math.floor(ms / 60_000))} min`;
}

function storedFindings(s: StoredComparison): Finding[] {
  if (s.relation === 'same') return [];
  if (s.relation === 'missing' || s.relation === 'unreadable') return [{ severity: 'unknown', code: 'StoredUnavailable', message: s.message }];
  return [{ severity: 'warning', code: 'ServedNotStored', message: s.message }];
}
