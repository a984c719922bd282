/**
 * Is the certificate revoked? From the stapled OCSP response when there is a valid one, else —
 * unless told to stay offline — from the OCSP responder the certificate names, else from its
 * CRL distribution point (Let's Encrypt certificates, which name no OCSP responder since 2025).
 */
import type { ParsedCertificate } from '../../pki/parse.js';
import { revocationPointers, type RevocationPointers } from '../x509/revocation-pointers.js';
import { checkCrl, type CrlVerdict } from './crl.js';
import { fetchBytes } from './http-fetch.js';
import { ocspRequest } from './ocsp-request.js';
import { verifyOcspResponse, type OcspVerdict } from './ocsp-verify.js';

/** Where the status came from: a staple, the responder, a CRL; `none` when the certificate names neither; `skipped` offline. */
export type RevocationSource = 'stapled-ocsp' | 'ocsp' | 'crl' | 'none' | 'skipped';

/** The revocation part of a report (JSON-ready). */
export interface RevocationReport {
  source: RevocationSource;
  /** `unchecked` when no valid answer was obtained. */
  status: 'good' | 'revoked' | 'unknown' | 'unchecked';
  pointers: RevocationPointers;
  /** The stapled response's verdict, whether valid or not. */
  staple?: OcspVerdict;
  /** The responder's answer, when asked. */
  ocsp?: OcspVerdict & { url: string };
  crl?: CrlVerdict;
  /** Fetches that failed (network, HTTP status), one line each. */
  errors: string[];
}

/** How revocation may be checked. */
export interface RevocationOptions {
  /** Contact OCSP responders and CRL distribution points (false: `--no-fetch`). */
  fetch: boolean;
  timeoutMs: number;
  now: Date;
  signal?: AbortSignal;
}

/** CRLs of large CAs run to megabytes; beyond this something is wrong. */
const MAX_CRL_BYTES = 32 * 1024 * 1024;
const MAX_OCSP_BYTES = 64 * 1024;

/** Problems that leave the answer's content in doubt; a merely stale answer still proves a revocation. */
const TIME_PROBLEMS = new Set(['Expired', 'Stale', 'NotYetValid']);

/** The status an answer proves: any valid answer; a revocation also when only its freshness is off. */
function proven(verdict: { status?: string; problems: { code: string }[] }): 'good' | 'revoked' | 'unknown' | undefined {
  const status = verdict.status as 'good' | 'revoked' | 'unknown' | undefined;
  if (!status) return undefined;
  if (verdict.problems.length === 0) return status;
  if (status === 'revoked' && verdict.problems.every((p) => TIME_PROBLEMS.has(p.code))) return status;
  return undefined;
}

/** Determines the revocation status of `leaf`, issued by `issuer` (undefined when unknown). */
export async function revocationStatus(leaf: ParsedCertificate, issuer: ParsedCertificate | undefined, staple: Buffer | undefined, opts: RevocationOptions): Promise<RevocationReport> {
  const report: RevocationReport = { source: 'none', status: 'unchecked', pointers: revocationPointers(leaf), errors: [] };
  if (staple) {
    report.staple = verifyOcspResponse(staple, leaf, issuer, opts.now);
    const status = proven(report.staple);
    if (status) return { ...report, source: 'stapled-ocsp', status };
  }
  const { ocspUrls, crlUrls } = report.pointers;
  if (ocspUrls.length === 0 && crlUrls.length === 0) return report;
  if (!opts.fetch) return { ...report, source: 'skipped' };
  if (!issuer) {
    report.errors.push('the issuer certificate is not known, so revocation cannot be checked');
    return report;
  }
  for (const url of ocspUrls.slice(0, 2)) {
    try {
      const der = await fetchBytes(url, { method: 'POST', body: ocspRequest(leaf, issuer), contentType: 'application/ocsp-request', accept: 'application/ocsp-response', timeoutMs: opts.timeoutMs, maxBytes: MAX_OCSP_BYTES, signal: opts.signal });
      report.ocsp = { ...verifyOcspResponse(der, leaf, issuer, opts.now), url };
      const status = proven(report.ocsp);
      if (status) return { ...report, source: 'ocsp', status };
    } catch (err) {
      report.errors.push(`OCSP ${(err as Error).message}`);
    }
  }
  for (const url of crlUrls.slice(0, 3)) {
    try {
      const data = await fetchBytes(url, { method: 'GET', accept: 'application/pkix-crl', timeoutMs: opts.timeoutMs, maxBytes: MAX_CRL_BYTES, signal: opts.signal });
      report.crl = checkCrl(data, url, leaf, issuer, opts.now);
      const status = proven(report.crl);
      if (status) return { ...report, source: 'crl', status };
    } catch (err) {
      report.errors.push(`CRL ${(err as Error).message}`);
    }
  }
  return report;
}
