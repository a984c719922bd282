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
import { fleetSettings, type FleetFlags } from '../fleet-options.js';
import { selectShard } from '../shard-selection.js';
import { assignShards } from '../../core/shard.js';

/** `certctl status`: one row per Certificate, read from the store; contacts nothing else. */
export async function statusCommand(ctx: CliContext, names: string[], flags: CommonFlags & FleetFlags): Promise<ExitCodeValue> {
  const paths = inputPaths(flags, ctx.env);
  const selector = selectorFlag(flags.selector);
  const clusterResourceNamespace = namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!;
  const fleet = fleetSettings(flags, ctx.env, { indexOptional: true });
  const all = await loadInputs(ctx, paths, namespaceFlag('--namespace', flags.namespace));
  const selected = selectShard(ctx, all, names, fleet.shard, clusterResourceNamespace);
  if (selected.empty) return ExitCode.Ok;
  const manifests = selected.manifests;
  // Which shard each Certificate is in: with --shard, or --shard-count alone to see all of them.
  const count = fleet.shard?.count ?? fleet.showShardsOf;
  const shards = count ? (selected.assigned ?? assignShards(all, count, clusterResourceNamespace)) : undefined;
  const shardOf = new Map([...(shards ?? [])].map(([c, i]) => [`${c.metadata.namespace}/${c.metadata.name}`, `${i}/${count}`]));
  const opened = await openStore(flags, undefined, undefined, { kubeApi: fleet.kubeApi, debug: (message) => ctx.event({ name: '', namespace: '', reason: 'Store', message, level: 'debug' }) });
  try {
    const deps = coreDepsForReading(ctx, opened.store, clusterResourceNamespace);
    const { plan, registry } = await prepareRun(manifests, deps, { names: selected.names, selector, force: false });
    const rows = (await statusReport(plan, opened.store, (e) => registry.issuerFor(e.issuer), new Date())).map((r) =>
      shards ? { ...r, shard: shardOf.get(`${r.namespace}/${r.name}`) } : r,
    );
    if (flags.output === 'text') ctx.out(renderTable(rows));
    else {
      const summary = { total: rows.length, ready: rows.filter((r) => r.ready).length, notReady: rows.filter((r) => !r.ready).length };
      await print(ctx, flags, { apiVersion: 'certctl.io/v1', kind: 'StatusReport', store: opened.where, ...(fleet.shard ? { shard: `${fleet.shard.index}/${fleet.shard.count}` } : {}), certificates: rows, summary });
    }
    return ExitCode.Ok;
  } finally {
    opened.close();
  }
}

function renderTable(rows: (CertificateStatusRow & { shard?: string })[]): string {
  const sharded = rows.some((r) => r.shard !== undefined);
  const header = ['NAMESPACE', 'NAME', ...(sharded ? ['SHARD'] : []), 'READY', 'REASON', 'NOT AFTER', 'DAYS LEFT', 'RENEWAL', 'ISSUER', 'CHALLENGE', 'LAST FAILURE'];
  const lines = rows.map((r) => [
    r.namespace,
    r.name,
    ...(sharded ? [r.shard ?? '-'] : []),
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
