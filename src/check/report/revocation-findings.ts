import type { RevocationReport } from '../revocation/revocation-status.js';
import type { Finding } from './types.js';

const SOURCE_TEXT: Readonly<Record<RevocationReport['source'], string>> = {
  'stapled-ocsp': 'the stapled OCSP response',
  ocsp: 'the OCSP responder',
  crl: 'the CRL',
  none: '',
  skipped: '',
};

/**
 * Findings about revocation: revoked (CRITICAL), a stapled response a client would reject
 * (CRITICAL: a client that checks staples, such as Firefox, may refuse the connection), Must-Staple
 * without a staple (CRITICAL), an "unknown" answer or no answer at all (WARNING).
 */
export function revocationFindings(r: RevocationReport, stapled: boolean): Finding[] {
  const out: Finding[] = [];
  if (r.status === 'revoked') {
    const v = r.source === 'crl' ? r.crl : r.source === 'ocsp' ? r.ocsp : r.staple;
    out.push({ severity: 'critical', code: 'Revoked', message: `the certificate is revoked${v?.revokedAt ? ` since ${v.revokedAt}` : ''}${v?.revocationReason ? ` (${v.revocationReason})` : ''}, says ${SOURCE_TEXT[r.source]}` });
  }
  for (const p of r.staple?.problems ?? []) {
    if (p.code === 'NoIssuer') out.push({ severity: 'unknown', code: 'OCSPStapleUnverified', message: `stapled OCSP response: ${p.message}` });
    else out.push({ severity: 'critical', code: p.code === 'Expired' ? 'OCSPStapleExpired' : 'OCSPStapleInvalid', message: `stapled OCSP response: ${p.message}; clients that check staples (Firefox) may refuse the connection` });
  }
  if (r.pointers.mustStaple && !stapled) {
    out.push({ severity: 'critical', code: 'MustStapleMissing', message: 'the certificate requires a stapled OCSP response (Must-Staple), but the server sent none; Firefox refuses such a connection' });
  }
  if (r.status === 'unknown') out.push({ severity: 'warning', code: 'RevocationUnknown', message: `${SOURCE_TEXT[r.source]} does not know the certificate (status "unknown")` });
  if (r.status === 'unchecked') {
    if (r.source === 'skipped') {
      out.push({ severity: 'info', code: 'RevocationNotChecked', message: 'revocation not checked (--no-fetch)' });
    } else if (r.pointers.ocspUrls.length === 0 && r.pointers.crlUrls.length === 0) {
      if (!r.staple) out.push({ severity: 'info', code: 'NoRevocationInfo', message: 'the certificate names no OCSP responder and no CRL distribution point; revocation cannot be checked' });
    } else {
      const why = [...r.errors, ...(r.ocsp?.problems ?? []).map((p) => p.message), ...(r.crl?.problems ?? []).map((p) => p.message)];
      out.push({ severity: 'warning', code: 'RevocationUnchecked', message: `revocation could not be checked: ${why.join('; ') || 'no usable answer'}` });
    }
  }
  return out;
}
