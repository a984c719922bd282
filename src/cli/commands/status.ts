import { prepareRun } from '../../core/run.js';
import { statusReport, type CertificateStatusRow } from '../../core/status-report.js';
import type { CliContext } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { openStore } from '../open-store.js';
import type { CommonFlags } from '../options.js';
import { inputPaths, namespaceFlag, selectorFlag } from '../settings.js';
import { challengeKinds } from '../reporter.js';
import { print } from './certificates-run.js';
import { coreDepsForReading } from './read-only-deps.js';

/** `certctl status`: one row per Certificate, read from the store; contacts nothing else. */
export async function statusCommand(ctx: CliContext, names: string[], flags: CommonFlags): Promise<ExitCodeValue> {
  const paths = inputPaths(flags, ctx.env);
  const selector = selectorFlag(flags.selector);
  const clusterResourceNamespace = namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!;
  const manifests = await loadInputs(ctx, paths, namespaceFlag('--namespace', flags.namespace));
  const opened = await openStore(flags);
  try {
    const deps = coreDepsForReading(ctx, opened.store, clusterResourceNamespace);
    const { plan, registry } = await prepareRun(manifests, deps, { names, selector, force: false });
    const rows = await statusReport(plan, opened.store, (e) => registry.issuerFor(e.issuer), new Date());
    if (flags.output === 'text') ctx.out(renderTable(rows));
    else {
      const summary = { total: rows.length, ready: rows.filter((r) => r.ready).length, notReady: rows.filter((r) => !r.ready).length };
      await print(ctx, flags, { apiVersion: 'certctl.io/v1', kind: 'StatusReport', store: opened.where, certificates: rows, summary });
    }
    return ExitCode.Ok;
  } finally {
    opened.close();
  }
}

function renderTable(rows: CertificateStatusRow[]): string {
  const header = ['NAMESPACE', 'NAME', 'READY', 'REASON', 'NOT AFTER', 'DAYS LEFT', 'RENEWAL', 'ISSUER', 'CHALLENGE', 'LAST FAILURE'];
  const lines = rows.map((r) => [
    r.namespace,
    r.name,
    r.ready ? 'True' : 'False',
    r.reason,
    r.notAfter?.slice(0, 16).replace('T', ' ') ?? '-',
    r.daysLeft === undefined ? '-' : String(r.daysLeft),
    r.renewalTime?.slice(0, 16).replace('T', ' ') ?? '-',
    r.issuer,
    challengeKinds(r.challenges),
    r.lastFailureTime ? `${r.lastFailureTime.slice(0, 16).replace('T', ' ')} (${r.failedIssuanceAttempts ?? 1}x): ${truncate(r.lastFailureMessage ?? '', 60)}` : '-',
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  return all.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
