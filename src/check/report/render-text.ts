/**
 * `certctl check` for people and for Nagios: the first line is the plugin status line
 * (`CERTCTL CHECK STATE - summary | perfdata`), then one block per target.
 */
import type { RevocationReport } from '../revocation/revocation-status.js';
import { keyText } from '../x509/certificate-summary.js';
import type { CheckReport, TargetReport } from './types.js';

/** Renders the whole report; ends with a newline. */
export function renderCheckText(report: CheckReport): string {
  const lines = [statusLine(report), ''];
  for (const t of report.targets) lines.push(...targetBlock(t), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function statusLine(report: CheckReport): string {
  const perf = report.targets
    .filter((t) => t.expiry)
    .map((t) => {
      const e = t.expiry!;
      const days = (iso: string): number => Math.floor((Date.parse(e.notAfter) - Date.parse(iso)) / 86_400_000);
      return `'${t.target.replace(/['=]/g, '_')} days'=${e.daysLeft};${days(e.warningAt)};${days(e.criticalAt)};;`;
    });
  const worst = report.targets.find((t) => t.state === report.state) ?? report.targets[0];
  let summary: string;
  if (report.targets.length === 1 && worst) summary = `${worst.target}: ${worst.summary}`;
  else {
    const s = report.summary;
    const counts = [`${s.critical} critical`, `${s.warning} warning`, `${s.unknown} unknown`, `${s.ok} ok`].join(', ');
    summary = `${s.total} targets (${counts})${worst && report.state !== 'OK' ? `; ${worst.target}: ${worst.summary}` : ''}`;
  }
  return `CERTCTL CHECK ${report.state} - ${summary}${perf.length ? ` | ${perf.join(' ')}` : ''}`;
}

function day(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

function targetBlock(t: TargetReport): string[] {
  const out = [`${t.target}  ${t.state}`];
  const row = (label: string, text: string): void => void out.push(`  ${label.padEnd(11)} ${text}`);
  if (t.connection) {
    const c = t.connection;
    row('connection', `${c.address} (${c.family})${t.starttls ? `, STARTTLS ${t.starttls}` : ''}, SNI ${t.servername ?? 'none'}, ${c.protocol} ${c.cipher}, ${c.handshakeMs} ms`);
  }
  if (t.chain) {
    const ch = t.chain;
    const verdict = ch.verified ? `verified (${ch.trustStore})${ch.anchor ? ` to ${ch.anchor.subject}` : ''}` : `NOT verified (${ch.trustStore}: ${ch.verifyError})`;
    const order = ch.order === 'as-sent' ? (ch.inOrder ? 'in order' : 'OUT OF ORDER') : 'order as rebuilt by OpenSSL';
    row('chain', `${ch.served.length} served, ${order}; ${verdict}`);
    ch.served.forEach((c, i) => {
      out.push(`    #${i} ${c.role.padEnd(12)} ${c.subject || '<empty subject>'}`);
      out.push(`       ${''.padEnd(12)} ${keyText(c)}, ${c.signatureAlgorithm}, serial ${c.serial}, ${day(c.notBefore)} → ${day(c.notAfter)} (${c.daysLeft} days)`);
    });
    for (const n of ch.notServed) out.push(`    (not served, from the trust store: ${n.subject})`);
  }
  if (t.name) row('name', t.name.matches ? `${t.name.name} matches ${t.name.matchedBy}` : `${t.name.name} does NOT match${t.name.hint ? `: ${t.name.hint}` : ''}`);
  if (t.expiry) {
    const e = t.expiry;
    row('expiry', `${day(e.notAfter)} UTC (${e.daysLeft} days${e.subject && t.chain && e.subject !== t.chain.served[0]?.subject ? `, ${e.subject}` : ''}); WARNING from ${day(e.warningAt)}, CRITICAL from ${day(e.criticalAt)}`);
  }
  if (t.revocation) row('revocation', revocationText(t.revocation, true));
  if (t.stored) row('stored', t.stored.message);
  if (t.findings.length > 0) {
    out.push('  findings');
    for (const f of t.findings) out.push(`    ${(f.severity === 'info' ? 'info' : f.severity.toUpperCase()).padEnd(9)} ${f.code}: ${f.message}`);
  }
  return out;
}

/** One line on revocation: which source answered what (`handshake`: a staple could have been sent). */
export function revocationText(r: RevocationReport, handshake = true): string {
  const parts: string[] = [];
  const s = r.staple;
  if (s) {
    parts.push(`stapled OCSP response: ${s.status ?? 'unreadable'}${s.problems.length ? ' (INVALID)' : ''}${s.producedAt ? `, produced ${day(s.producedAt)}` : ''}${s.nextUpdate ? `, next update ${day(s.nextUpdate)}` : ''}${s.signer ? `, signed by ${s.signer}` : ''}`);
  } else if (handshake) {
    parts.push('no stapled OCSP response');
  }
  const noOcsp = r.pointers.ocspUrls.length === 0;
  if (r.source === 'skipped') parts.push(`not checked online (--no-fetch)`);
  if (r.ocsp) parts.push(`OCSP ${r.ocsp.url}: ${r.ocsp.status ?? 'no answer'}${r.ocsp.problems.length ? ' (INVALID)' : ''}${r.ocsp.nextUpdate ? `, next update ${day(r.ocsp.nextUpdate)}` : ''}`);
  if (r.crl) {
    const prefix = noOcsp ? 'the certificate names no OCSP responder (as Let\'s Encrypt certificates since 2025); ' : '';
    parts.push(`${prefix}CRL ${r.crl.url}: ${r.crl.status ?? 'unusable'}${r.crl.problems.length ? ' (INVALID)' : ''}${r.crl.entries !== undefined ? `, ${r.crl.entries} revoked entries` : ''}${r.crl.nextUpdate ? `, next update ${day(r.crl.nextUpdate)}` : ''}`);
  }
  if (r.source === 'none' && noOcsp && r.pointers.crlUrls.length === 0) parts.push('the certificate names no OCSP responder and no CRL');
  for (const e of r.errors) parts.push(e);
  return parts.join('; ');
}
