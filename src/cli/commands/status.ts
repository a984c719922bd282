import { statusReport, type CertificateStatusRow } from '../../core/status-report.js';
import { SpecError } from '../../spec/errors.js';
import { openStore } from '../open-store.js';
import type { StoreFlags } from '../store-flags.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { printSpecError } from '../spec-error-output.js';

export interface StatusOptions extends StoreFlags {
  filename: string[];
  namespace?: string;
  output: 'text' | 'json';
}

/** `certctl status`: one row per Certificate, read from the store; contacts nothing. */
export async function statusCommand(opts: StatusOptions): Promise<ExitCodeValue> {
  try {
    const manifests = await loadInputs(opts.filename, opts.namespace);
    const opened = await openStore(opts);
    const rows = await statusReport(manifests.certificates, opened.store, new Date());
    opened.close();
    if (opts.output === 'json') {
      const summary = { total: rows.length, ready: rows.filter((r) => r.ready).length, notReady: rows.filter((r) => !r.ready).length };
      process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'StatusReport', certificates: rows, summary }, null, 2)}\n`);
    } else {
      process.stdout.write(renderTable(rows));
    }
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof SpecError) return printSpecError(err, opts.output);
    throw err;
  }
}

function renderTable(rows: CertificateStatusRow[]): string {
  const header = ['NAMESPACE', 'NAME', 'READY', 'REASON', 'NOT AFTER', 'DAYS LEFT', 'RENEWAL', 'ISSUER', 'LAST FAILURE'];
  const lines = rows.map((r) => [
    r.namespace,
    r.name,
    r.ready ? 'True' : 'False',
    r.reason,
    r.notAfter?.slice(0, 16).replace('T', ' ') ?? '-',
    r.daysLeft === undefined ? '-' : String(r.daysLeft),
    r.renewalTime?.slice(0, 16).replace('T', ' ') ?? '-',
    r.issuer,
    r.lastFailureTime ? `${r.lastFailureTime.slice(0, 16).replace('T', ' ')} (${r.failedIssuanceAttempts ?? 1}x): ${truncate(r.lastFailureMessage ?? '', 60)}` : '-',
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  return all.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
