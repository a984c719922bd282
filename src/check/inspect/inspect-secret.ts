/**
 * `certctl inspect`: everything about one stored certificate — what `cmctl inspect secret`
 * prints (names, validity, issuer and subject, algorithms, fingerprints, CRL/OCSP, whether this
 * computer trusts it, revocation status), plus what certctl knows: the whole chain, whether the
 * key matches, which Certificate and Issuer it belongs to, when it renews and why.
 */
import { certificateMatchesKey } from '../../pki/chain.js';
import { describeKey, parsePrivateKey } from '../../pki/keys.js';
import { parseCertificateChain, type ParsedCertificate } from '../../pki/parse.js';
import type { CertificateResource } from '../../spec/types.js';
import type { StoredCertificate } from '../../stores/store.js';
import { revocationStatus, type RevocationReport } from '../revocation/revocation-status.js';
import { keyText, summarizeCertificate, type CertificateSummary } from '../x509/certificate-summary.js';
import { analyzeChain, issuerOf, type ChainAnalysis, type TrustStore } from '../x509/chain-path.js';
import { revocationPointers } from '../x509/revocation-pointers.js';
import { renewalVerdict, type RenewalVerdict } from './renewal-verdict.js';

/** certctl's own bookkeeping annotations: shown parsed (renewal, record), not verbatim. */
const INTERNAL_ANNOTATIONS = new Set(['certctl.io/record', 'certctl.io/status']);

/** One inspected Secret or directory (JSON-ready; never contains key material). */
export interface InspectReport {
  /** `Secret ns/name` or the directory read. */
  source: string;
  location?: string;
  certificate?: { name: string; from: 'manifest' | 'record' | 'annotation' };
  issuer?: { name: string; kind: string; group: string };
  /** tls.crt, leaf first, as stored. */
  chain: (CertificateSummary & { role: 'leaf' | 'intermediate' | 'root' | 'extra' })[];
  chainError?: string;
  leaf?: LeafDetails;
  /** ca.crt. */
  ca: CertificateSummary[];
  privateKey?: { algorithm?: string; size?: number; encoding?: string; matchesCertificate?: boolean; error?: string };
  renewal?: RenewalVerdict & { revision?: number; issuedAt?: string; lastFailureTime?: string; lastFailureMessage?: string; failedIssuanceAttempts?: number };
  trust?: { trustStore: string; trusted: boolean; reason?: string; inOrder: boolean; withCaCrt?: { trusted: boolean; reason?: string } };
  revocation?: RevocationReport;
  annotations: Record<string, string>;
  labels?: Record<string, string>;
}

/** What cmctl shows about the leaf, in its terms. */
export interface LeafDetails {
  dnsNames: string[];
  uris: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  usages: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  issuedBy: NameParts;
  issuedFor: NameParts;
  signatureAlgorithm: string;
  publicKey: string;
  /** Decimal, as cmctl prints it. */
  serialNumber: string;
  serialHex: string;
  /** SHA-256, colon-separated uppercase hex, as cmctl prints it. */
  fingerprintSha256: string;
  isCA: boolean;
  crlUrls: string[];
  ocspUrls: string[];
  mustStaple: boolean;
}

/** Subject or issuer fields cmctl shows. */
export interface NameParts {
  commonName?: string;
  organizations: string[];
  organizationalUnits: string[];
  countries: string[];
}

/** What to inspect and how. */
export interface InspectInput {
  source: string;
  stored: StoredCertificate;
  /** The Certificate from -f manifests that writes this Secret. */
  certificate?: CertificateResource;
  labels?: Record<string, string>;
}

/** How to inspect. */
export interface InspectOptions {
  trust: TrustStore;
  now: Date;
  /** Fetch CRLs and ask OCSP responders (cmctl's CRL and OCSP Status). */
  fetch: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Inspects one stored certificate. */
export async function inspectStored(input: InspectInput, opts: InspectOptions): Promise<InspectReport> {
  const { stored } = input;
  const annotations = visibleAnnotations(stored);
  const report: InspectReport = {
    source: input.source,
    location: stored.location,
    chain: [],
    ca: [],
    annotations,
    ...(input.labels ? { labels: input.labels } : {}),
    ...owner(input, annotations),
  };
  let chain: ParsedCertificate[] = [];
  if (stored.data.tlsCrt) {
    try {
      chain = parseCertificateChain(stored.data.tlsCrt);
    } catch (err) {
      report.chainError = `tls.crt: ${(err as Error).message}`;
    }
  } else {
    report.chainError = 'no tls.crt';
  }
  let ca: ParsedCertificate[] = [];
  if (stored.data.caCrt) {
    try {
      ca = parseCertificateChain(stored.data.caCrt);
      report.ca = ca.map((c) => summarizeCertificate(c, opts.now));
    } catch (err) {
      report.chainError = [report.chainError, `ca.crt: ${(err as Error).message}`].filter(Boolean).join('; ');
    }
  }
  if (stored.data.tlsKey) report.privateKey = keyReport(stored.data.tlsKey, chain[0]);
  report.renewal = { ...renewalVerdict(stored, opts.now, input.certificate), ...history(stored) };
  const leaf = chain[0];
  if (!leaf) return report;
  const analysis = analyzeChain(chain, opts.trust);
  const withCa = ca.length > 0 ? analyzeChain(chain, { anchors: ca, label: 'ca.crt' }) : undefined;
  report.chain = chain.map((c, i) => ({ ...summarizeCertificate(c, opts.now), role: i === 0 ? 'leaf' : c.selfSigned ? 'root' : analysis.path.includes(i) || withCa?.path.includes(i) ? 'intermediate' : 'extra' }));
  report.leaf = leafDetails(leaf, opts.now);
  report.trust = {
    trustStore: opts.trust.label,
    trusted: analysis.trusted && leaf.notAfter > opts.now,
    ...trustReason(analysis, leaf, opts.now),
    inOrder: analysis.inOrder,
    ...(withCa ? { withCaCrt: { trusted: withCa.trusted, ...trustReason(withCa, leaf, opts.now) } } : {}),
  };
  const issuer = issuerOf(chain, analysis) ?? (withCa ? issuerOf(chain, withCa) : undefined);
  report.revocation = await revocationStatus(leaf, issuer, undefined, { fetch: opts.fetch, timeoutMs: opts.timeoutMs, now: opts.now, signal: opts.signal });
  return report;
}

function visibleAnnotations(stored: StoredCertificate): Record<string, string> {
  const all = stored.annotations ?? stored.record?.secret.annotations ?? {};
  return Object.fromEntries(Object.entries(all).filter(([k]) => !INTERNAL_ANNOTATIONS.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The Certificate and Issuer: from the manifest, else certctl's record, else cert-manager's annotations. */
function owner(input: InspectInput, annotations: Record<string, string>): Pick<InspectReport, 'certificate' | 'issuer'> {
  const c = input.certificate;
  if (c) {
    const ref = c.spec.issuerRef;
    return { certificate: { name: `${c.metadata.namespace}/${c.metadata.name}`, from: 'manifest' }, issuer: { name: ref.name, kind: ref.kind, group: ref.group } };
  }
  const r = input.stored.record;
  if (r) return { certificate: { name: `${r.namespace}/${r.certificateName}`, from: 'record' }, issuer: { ...r.spec.issuerRef } };
  const name = annotations['cert-manager.io/certificate-name'];
  const issuerName = annotations['cert-manager.io/issuer-name'];
  return {
    ...(name ? { certificate: { name, from: 'annotation' as const } } : {}),
    ...(issuerName ? { issuer: { name: issuerName, kind: annotations['cert-manager.io/issuer-kind'] || 'Issuer', group: annotations['cert-manager.io/issuer-group'] || 'cert-manager.io' } } : {}),
  };
}

function keyReport(pem: string, leaf: ParsedCertificate | undefined): NonNullable<InspectReport['privateKey']> {
  try {
    const { key, encoding } = parsePrivateKey(pem);
    const d = describeKey(key);
    return { algorithm: d.algorithm, size: d.size, encoding, ...(leaf ? { matchesCertificate: certificateMatchesKey(leaf, key) } : {}) };
  } catch (err) {
    // parsePrivateKey's messages name the PEM block type, never its contents.
    return { error: (err as Error).message };
  }
}

function history(stored: StoredCertificate): Omit<NonNullable<InspectReport['renewal']>, keyof RenewalVerdict> {
  const r = stored.record;
  const s = stored.status;
  return {
    ...(r ? { revision: r.revision, issuedAt: r.issuedAt } : {}),
    ...(s?.lastFailureTime ? { lastFailureTime: s.lastFailureTime, lastFailureMessage: s.lastFailureMessage, failedIssuanceAttempts: s.failedIssuanceAttempts } : {}),
  };
}

function trustReason(a: ChainAnalysis, leaf: ParsedCertificate, now: Date): { reason?: string } {
  if (a.problem) return { reason: a.problem.message };
  if (leaf.notAfter <= now) return { reason: `the certificate expired at ${leaf.notAfter.toISOString()}` };
  return {};
}

function nameParts(s: ParsedCertificate['subject']): NameParts {
  return { ...(s.commonName ? { commonName: s.commonName } : {}), organizations: s.organizations ?? [], organizationalUnits: s.organizationalUnits ?? [], countries: s.countries ?? [] };
}

function leafDetails(leaf: ParsedCertificate, now: Date): LeafDetails {
  const summary = summarizeCertificate(leaf, now);
  const pointers = revocationPointers(leaf);
  return {
    dnsNames: leaf.dnsNames,
    uris: leaf.uris,
    ipAddresses: leaf.ipAddresses,
    emailAddresses: leaf.emailAddresses,
    usages: leaf.usages,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    daysLeft: summary.daysLeft,
    issuedBy: nameParts(leaf.issuer),
    issuedFor: nameParts(leaf.subject),
    signatureAlgorithm: leaf.signatureAlgorithm,
    publicKey: keyText(summary),
    serialNumber: BigInt(`0x${leaf.serialHex || '0'}`).toString(10),
    serialHex: leaf.serialHex,
    fingerprintSha256: leaf.fingerprintSha256.toUpperCase().replace(/(..)(?!$)/g, '$1:'),
    isCA: leaf.isCA,
    crlUrls: pointers.crlUrls,
    ocspUrls: pointers.ocspUrls,
    mustStaple: pointers.mustStaple,
  };
}
