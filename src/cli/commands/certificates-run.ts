/**
 * What `issue`, `renew` and `plan` share: load the manifests, open the store, check it may be
 * written (Kubernetes RBAC) before anything is ordered, run the core with the command's settings,
 * and report. The commands differ only in the settings they pass.
 */
import { runCertificates, type HookSettings, type RunOutcome } from '../../core/run.js';
import { secretsToWrite } from '../../core/store-targets.js';
import type { LabelSelector } from '../../spec/label-selector.js';
import type { Manifests } from '../../spec/types.js';
import type { Dns01Options } from '../../dns/dns01-options.js';
import type { Http01Options } from '../../issuers/acme/http01/http01-options.js';
import type { CliContext, Interrupts } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { faultHook, openStore, type OpenedStore } from '../open-store.js';
import type { CommonFlags } from '../options.js';
import { deferredGroups, deferredLines, renderPlanLine, renderResult, summarize, summaryLine, type Summary } from '../reporter.js';
import type { FleetSettings } from '../fleet-options.js';
import { selectShard, shardNote } from '../shard-selection.js';
import type { NoopRecorder } from '../noop-recorder.js';
// Static: every command that prints here has parsed its YAML input, so `yaml` is loaded already.
import { stringify } from 'yaml';

export interface CertificatesRunSettings {
  command: 'issue' | 'renew' | 'plan';
  paths: string[];
  names: string[];
  selector?: LabelSelector;
  namespace?: string;
  clusterResourceNamespace: string;
  force: boolean;
  concurrency: number;
  lockWaitMs: number;
  jitterMs: number;
  nextRunAt?: Date;
  hooks?: HookSettings;
  dns01: Dns01Options;
  http01: Http01Options;
  store: Pick<CommonFlags, 'store' | 'outDir' | 'kubeconfig' | 'context' | 'adopt'>;
  leaseNamespace?: string;
  output: CommonFlags['output'];
  detailedExitCodes?: boolean;
  includePrivateKey?: boolean;
  /** Looks at the manifests once loaded (renew: advice about renewal windows). */
  afterLoad?: (manifests: Manifests) => Promise<void>;
  /** `--shard`, the Kubernetes API rate limit. */
  fleet?: FleetSettings;
  /** renew: follows what the run reads, for the no-op cache. */
  noop?: NoopRecorder;
}

export interface CertificatesRunReport {
  code: ExitCodeValue;
  outcome?: RunOutcome;
  summary?: Summary;
  manifests?: Manifests;
  opened?: OpenedStore;
  startedAt: number;
}

export async function runCertificatesCommand(ctx: CliContext, s: CertificatesRunSettings, interrupts: Interrupts): Promise<CertificatesRunReport> {
  const startedAt = Date.now();
  const all = await loadInputs(ctx, s.paths, s.namespace, s.noop?.seen);
  for (const note of all.notes) ctx.note(note);
  await s.afterLoad?.(all);
  // A shard sees only its Certificates, so everything below (RBAC checks, plan, lock) is per shard.
  const { manifests, names, empty } = selectShard(ctx, all, s.names, s.fleet?.shard, s.clusterResourceNamespace);
  if (empty) return { code: ExitCode.Ok, manifests, startedAt };
  const shard = s.fleet?.shard;
  const debug = (message: string): void => ctx.event({ name: '', namespace: '', reason: 'Store', message, level: 'debug' });
  const opened = await openStore(s.store, faultHook(ctx.env.CERTCTL_FAULT), ctx.heldLockTokens, { kubeApi: s.fleet?.kubeApi, shard, debug });
  const plan = s.command === 'plan';
  try {
    // A missing RBAC rule fails here, before any order is spent.
    if (!plan) await opened.preflight(secretsToWrite(manifests, s.clusterResourceNamespace), s.leaseNamespace);
    const lock = plan ? undefined : opened.lock(s.leaseNamespace);
    const outcome = await runCertificates(
      manifests,
      {
        store: s.noop ? s.noop.watch(opened.store, opened.inputPaths, opened.lockFile) : opened.store,
        clock: () => new Date(),
        emit: ctx.event,
        signal: interrupts.signal,
        fault: faultHook(ctx.env.CERTCTL_FAULT),
        random: Math.random,
        env: ctx.env,
        dns01: s.dns01,
        http01: s.http01,
        clusterResourceNamespace: s.clusterResourceNamespace,
        serviceAccountToken: opened.serviceAccountToken,
        runCommand: ctx.runCommand,
        userAgent: ctx.userAgent,
        acmeBudgets: { ...s.fleet?.acmeBudgets, ...(shard ? { shard } : {}) },
      },
      {
        names,
        selector: s.selector,
        force: s.force,
        concurrency: s.concurrency,
        useAri: true,
        respectBackoff: s.command !== 'issue',
        dryRun: plan,
        nextRunAt: s.nextRunAt,
        jitterMs: s.jitterMs,
        lock: lock ? { lock, waitMs: s.lockWaitMs, holder: `certctl ${s.command}` } : undefined,
        hooks: s.hooks,
      },
    );
    if (outcome.lockHeldBy) {
      ctx.warn(`the store ${opened.where}${shardNote(shard)} is locked by ${outcome.lockHeldBy}; nothing done`);
      if (s.output !== 'text') await print(ctx, s, { apiVersion: 'certctl.io/v1', kind: resultKind(s.command), store: opened.where, ...shardField(s), lockHeldBy: outcome.lockHeldBy, certificates: [] });
      return { code: ExitCode.LockHeld, outcome, manifests, opened, startedAt };
    }
    const summary = summarize(outcome.results, outcome.hookFailures);
    for (const h of outcome.hookFailures) ctx.warn(`error: ${h.certificate ? `${h.certificate}: ` : ''}${h.message}`);
    await report(ctx, s, opened, outcome, summary);
    const interrupted = interrupts.exitCode();
    if (interrupted) return { code: interrupted, outcome, summary, manifests, opened, startedAt };
    return { code: exitCodeOf(s, summary), outcome, summary, manifests, opened, startedAt };
  } finally {
    opened.close();
  }
}

/** `{shard: "2/4"}` when the run is one shard. */
function shardField(s: CertificatesRunSettings): { shard?: string } {
  const sh = s.fleet?.shard;
  return sh ? { shard: `${sh.index}/${sh.count}` } : {};
}

function resultKind(command: CertificatesRunSettings['command']): string {
  return command === 'plan' ? 'RenewPlan' : command === 'renew' ? 'RenewResult' : 'IssueResult';
}

function exitCodeOf(s: CertificatesRunSettings, summary: Summary): ExitCodeValue {
  if (summary.failed > 0 || summary.hookFailures > 0) return ExitCode.CertificateFailed;
  if (s.command === 'issue') return ExitCode.Ok;
  if (summary.backingOff > 0) return ExitCode.BackingOff;
  if (summary.issued > 0 && s.detailedExitCodes) return ExitCode.Renewed;
  return ExitCode.Ok;
}

async function report(ctx: CliContext, s: CertificatesRunSettings, opened: OpenedStore, outcome: RunOutcome, summary: Summary): Promise<void> {
  if (opened.memory) {
    // --store none: stdout carries the Secrets themselves, for kubectl apply -f - or a GitOps repository.
    const secrets = opened.memory.manifests();
    if (s.output === 'json') ctx.out(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: secrets }, null, 2)}\n`);
    else {
      for (const m of secrets) ctx.out(`---\n${stringify(m, { lineWidth: 0 })}`);
    }
    ctx.note(summaryLine(summary, { plan: false, where: opened.where }));
    return;
  }
  const plan = s.command === 'plan';
  if (s.output === 'text') {
    for (const r of outcome.results) ctx.out(`${plan ? renderPlanLine(r) : renderResult(r)}\n`);
    ctx.note(summaryLine(summary, { plan, where: `${opened.where}${shardNote(s.fleet?.shard)}` }));
    for (const line of deferredLines(deferredGroups(outcome.results))) ctx.note(line);
    return;
  }
  const shard = shardField(s);
  await print(ctx, s, {
    apiVersion: 'certctl.io/v1',
    kind: resultKind(s.command),
    store: opened.where,
    ...shard,
    certificates: shard.shard ? outcome.results.map((r) => ({ ...r, ...shard })) : outcome.results,
    hookFailures: outcome.hookFailures,
    summary: { ...summary, renewed: summary.issued },
    deferred: deferredGroups(outcome.results),
  });
}

/** -o json or -o yaml of one document. */
export async function print(ctx: CliContext, s: { output: CommonFlags['output'] }, doc: unknown): Promise<void> {
  if (s.output === 'yaml') {
    ctx.out(stringify(doc, { lineWidth: 0 }));
  } else ctx.out(`${JSON.stringify(doc, null, 2)}\n`);
}
