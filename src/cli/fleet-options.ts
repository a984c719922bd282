/**
 * Flags for running certctl over a fleet: sharding (one shard per pod of an Indexed Job), the
 * Kubernetes API client's rate limit, and the CA rate-limit budgets. Declared and parsed here; the
 * commands pass the parsed {@link FleetSettings} on.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_BURST, DEFAULT_QPS } from '../stores/kubernetes/client-defaults.js';
import type { ShardSpec } from '../core/shard.js';
import type { AcmeBudgetSettings, BudgetLimit } from '../issuers/acme/rate-budget.js';
import { parseGoDuration } from '../spec/duration.js';
import { usage } from './exit-codes.js';

/** Raw values from commander. */
export interface FleetFlags {
  shard?: string;
  shardCount?: string;
  kubeApiQps: string;
  kubeApiBurst: string;
  acmeNewOrders?: string;
  acmeCertsPerDomain?: string;
}

/** What the fleet flags mean for one run. */
export interface FleetSettings {
  /** This run's shard; undefined: all Certificates. */
  shard?: ShardSpec;
  /** `status --shard-count N` without an index: show every Certificate with its shard. */
  showShardsOf?: number;
  kubeApi: { qps: number; burst: number };
  /** ACME rate-limit budgets (the shard's share is taken by the run). */
  acmeBudgets: Omit<AcmeBudgetSettings, 'shard'>;
}

/** `--shard`, `--shard-count`, `--kube-api-qps`, `--kube-api-burst`, and for commands that order (`budgets`) the ACME budgets. */
export function withFleetOptions(cmd: Command, opts: { budgets?: boolean } = { budgets: true }): Command {
  const out = cmd
    .addOption(new Option('--shard <index/count>', 'only the Certificates of shard INDEX of COUNT (0-based; a CA and the leaves it signs share a shard)').env('CERTCTL_SHARD'))
    .addOption(new Option('--shard-count <n>', 'split the Certificates into N shards; this run is shard JOB_COMPLETION_INDEX (Kubernetes Indexed Job)').env('CERTCTL_SHARD_COUNT'))
    .addOption(new Option('--kube-api-qps <n>', 'kubernetes store: requests per second to the API server (0: no client-side limit)').env('CERTCTL_KUBE_API_QPS').default(String(DEFAULT_QPS)))
    .addOption(new Option('--kube-api-burst <n>', 'kubernetes store: requests allowed at once above --kube-api-qps').env('CERTCTL_KUBE_API_BURST').default(String(DEFAULT_BURST)));
  if (!opts.budgets) return out;
  return out
    .addOption(new Option('--acme-new-orders <count/duration>', "ACME: new orders per account before the rest wait for a later run (Let's Encrypt's limit; none: no budget)").env('CERTCTL_ACME_NEW_ORDERS').default('300/3h'))
    .addOption(new Option('--acme-certs-per-domain <count/duration>', 'ACME: new certificates per registered domain before the rest wait for a later run (none: no budget)').env('CERTCTL_ACME_CERTS_PER_DOMAIN').default('50/168h'));
}

/** `300/3h` as a limit; `none` (or `0`) as no limit. */
export function budgetFlag(flag: string, text: string | undefined): BudgetLimit | undefined {
  if (text === undefined || /^\s*(none|0)\s*$/i.test(text)) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  const d = m ? parseGoDuration(m[2]) : undefined;
  if (!m || !d?.ok || d.ms <= 0 || Number(m[1]) < 1) throw usage(`${flag}: expected COUNT/DURATION such as 300/3h or 50/168h, or none; got ${JSON.stringify(text)}`);
  return { count: Number(m[1]), windowMs: d.ms };
}

/**
 * Parses the fleet flags. `--shard-count N` alone takes the index from `JOB_COMPLETION_INDEX`, as
 * set in each pod of an Indexed Job; `status` may leave the index out to show every shard.
 */
export function fleetSettings(flags: FleetFlags, env: Record<string, string | undefined>, opts: { indexOptional?: boolean } = {}): FleetSettings {
  const qps = Number(flags.kubeApiQps);
  if (!Number.isFinite(qps) || qps < 0) throw usage(`--kube-api-qps: expected a number of requests per second (0 or more), got ${flags.kubeApiQps}`);
  const burst = Number(flags.kubeApiBurst);
  if (!Number.isInteger(burst) || burst < 1) throw usage(`--kube-api-burst: expected a whole number of at least 1, got ${flags.kubeApiBurst}`);
  const newOrders = budgetFlag('--acme-new-orders', flags.acmeNewOrders);
  const perDomain = budgetFlag('--acme-certs-per-domain', flags.acmeCertsPerDomain);
  const acmeBudgets = { ...(newOrders ? { newOrdersPerAccount: newOrders } : {}), ...(perDomain ? { certificatesPerDomain: perDomain } : {}) };
  const out: FleetSettings = { kubeApi: { qps, burst }, acmeBudgets };
  const count = flags.shardCount === undefined ? undefined : shardCount('--shard-count', flags.shardCount);
  if (flags.shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flags.shard);
    if (!m) throw usage(`--shard: expected INDEX/COUNT such as 0/4 (INDEX counts from 0), got ${JSON.stringify(flags.shard)}`);
    const shard = { index: Number(m[1]), count: shardCount('--shard', m[2]) };
    if (shard.index >= shard.count) throw usage(`--shard: INDEX must be below COUNT (0 to ${shard.count - 1}), got ${flags.shard}`);
    if (count !== undefined && count !== shard.count) throw usage(`--shard ${flags.shard} and --shard-count ${count} disagree`);
    out.shard = shard;
    return out;
  }
  if (count === undefined) return out;
  const fromJob = env.JOB_COMPLETION_INDEX;
  if (fromJob === undefined || fromJob.trim() === '') {
    if (opts.indexOptional) return { ...out, showShardsOf: count };
    throw usage('--shard-count needs the shard index: run in a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or use --shard INDEX/COUNT');
  }
  const index = Number(fromJob);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw usage(`JOB_COMPLETION_INDEX=${fromJob} is not a shard of --shard-count ${count} (0 to ${count - 1}); set the Job's completions to ${count}`);
  out.shard = { index, count };
  return out;
}

function shardCount(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw usage(`${flag}: the shard count must be a whole number from 1 to 10000, got ${text}`);
  return n;
}
