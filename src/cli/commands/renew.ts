import { resolve } from 'node:path';
import type { CertificateResult } from '../../core/events.js';
import { renderMetrics, type ReadyCondition } from '../../metrics/prometheus.js';
import { nextRunFromCron, nextRunFromInterval, parseInterval } from '../../renewal/schedule.js';
import { sleep } from '../../shared/sleep.js';
import type { Manifests } from '../../spec/types.js';
import { replaceFile } from '../../stores/fs-atomic.js';
import type { CliContext, Interrupts } from '../context.js';
import { ExitCode, ExitError, classify, usage, type ExitCodeValue } from '../exit-codes.js';
import type { CommonFlags, Dns01Flags, Http01Flags, WriteFlags } from '../options.js';
import type { Summary } from '../reporter.js';
import { concurrencyFlag, dns01OptionsFrom, durationFlag, http01OptionsFrom, inputPaths, namespaceFlag, selectorFlag } from '../settings.js';
import { runCertificatesCommand, type CertificatesRunSettings } from './certificates-run.js';
import { fleetSettings, type FleetFlags } from '../fleet-options.js';
import { currentInvocation } from '../noop-cache.js';
import { NoopRecorder } from '../noop-recorder.js';

export interface RenewFlags extends CommonFlags, Dns01Flags, Http01Flags, WriteFlags, FleetFlags {
  leaseNamespace?: string;
  dryRun?: boolean;
  preHook?: string;
  postHook?: string;
  deployHook?: string;
  hookTimeout: string;
  jitter: string | false;
  interval?: string;
  schedule?: string;
  timezone?: string;
  metricsFile?: string;
  detailedExitCodes: boolean;
  /** false with --no-cache. */
  cache: boolean;
}

/** The typed settings of one renew (or plan) run; parsed before anything is read or contacted. */
function settingsOf(ctx: CliContext, names: string[], flags: RenewFlags, plan: boolean): Omit<CertificatesRunSettings, 'nextRunAt'> {
  return {
    command: plan ? 'plan' : 'renew',
    paths: inputPaths(flags, ctx.env),
    names,
    selector: selectorFlag(flags.selector),
    namespace: namespaceFlag('--namespace', flags.namespace),
    clusterResourceNamespace: namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!,
    leaseNamespace: namespaceFlag('--lease-namespace', flags.leaseNamespace),
    force: flags.force,
    concurrency: concurrencyFlag(flags.concurrency),
    lockWaitMs: durationFlag('--lock-timeout', flags.lockTimeout, { allowZero: true }),
    // Like certbot and lego, spread unattended runs over a few minutes so that thousands of cron jobs
    // firing at :00 do not reach the CA at once; never on a terminal, never for plan.
    jitterMs: plan || flags.jitter === false || ctx.isTTY ? 0 : durationFlag('--jitter', flags.jitter, { allowZero: true }),
    hooks: plan
      ? undefined
      : { pre: flags.preHook, post: flags.postHook, deploy: flags.deployHook, timeoutMs: durationFlag('--hook-timeout', flags.hookTimeout), env: ctx.stringEnv() },
    dns01: dns01OptionsFrom(flags),
    http01: http01OptionsFrom(flags),
    store: flags,
    output: flags.output,
    detailedExitCodes: flags.detailedExitCodes,
    fleet: fleetSettings(flags, ctx.env),
  };
}

/** `--timezone`, else the machine's own zone, as cron(8) reads its crontab. */
function scheduleZone(flags: RenewFlags): string {
  return flags.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

async function nextRun(flags: RenewFlags, now: Date): Promise<Date | undefined> {
  try {
    if (flags.schedule) return await nextRunFromCron(flags.schedule, now, scheduleZone(flags));
    if (flags.interval) return nextRunFromInterval(now, parseInterval(flags.interval));
    return undefined;
  } catch (err) {
    throw usage(`${flags.schedule ? '--schedule' : '--interval'}: ${(err as Error).message}`);
  }
}

/** `certctl renew` and `certctl plan`: one-shot by default, or on a cron schedule until SIGTERM. */
export async function renewCommand(ctx: CliContext, names: string[], flags: RenewFlags, opts: { plan: boolean }): Promise<ExitCodeValue> {
  if (flags.schedule && flags.interval) throw usage('--schedule and --interval exclude each other (the schedule sets the interval)');
  if (opts.plan && flags.schedule) throw usage('plan runs once; --schedule is for renew');
  const settings = { ...settingsOf(ctx, names, flags, opts.plan || Boolean(flags.dryRun)), afterLoad: (m: Manifests) => adviseWindows(ctx, m, flags) };
  await nextRun(flags, new Date());
  const interrupts = ctx.trapInterrupts();
  try {
    if (!flags.schedule) return (await renewOnce(ctx, flags, settings, interrupts)) ;
    // Daemon mode: renew, then sleep until the next tick; the manifests are read afresh each time.
    let first = true;
    while (!interrupts.signal.aborted) {
      const code = await renewOnce(ctx, flags, first ? settings : { ...settings, jitterMs: 0 }, interrupts).catch((err) => {
        const c = classify(err);
        if (first || c.internal) throw err;
        // A later run's bad input or broken store is reported; the daemon keeps its schedule.
        ctx.warn(c.message);
        return c.code;
      });
      if (first && code === ExitCode.InvalidInput) return code;
      first = false;
      const next = (await nextRun(flags, new Date()))!;
      ctx.note(`next run at ${next.toISOString()} (--schedule "${flags.schedule}")`);
      await sleep(Math.max(0, next.getTime() - Date.now()), interrupts.signal).catch(() => undefined);
    }
    return interrupts.exitCode() ?? ExitCode.Terminated;
  } finally {
    interrupts.release();
  }
}

async function renewOnce(ctx: CliContext, flags: RenewFlags, settings: Omit<CertificatesRunSettings, 'nextRunAt'>, interrupts: Interrupts): Promise<ExitCodeValue> {
  const nextRunAt = await nextRun(flags, new Date());
  const noop = leavesReceipt(ctx, flags, settings) ? new NoopRecorder(currentInvocation(ctx.argv), Date.now()) : undefined;
  if (noop) ctx.transcript = [];
  try {
    const report = await runCertificatesCommand(ctx, { ...settings, nextRunAt, noop }, interrupts);
    let metrics: { path: string; text: string } | undefined;
    if (flags.metricsFile && settings.command === 'renew' && report.outcome && report.summary && report.manifests) {
      try {
        metrics = await writeMetrics(flags.metricsFile, report.manifests, report.outcome.results, report.summary, report.startedAt);
      } catch (err) {
        throw new ExitError(ExitCode.CertificateFailed, `error: --metrics-file ${flags.metricsFile}: ${classify(err).message.replace(/^error: /, '')}`);
      }
    }
    const code = interrupts.exitCode() ?? report.code;
    await noop?.finish(code === ExitCode.Ok && !ctx.warned ? report.outcome?.stableUntil : undefined, ctx.transcript ?? [], metrics);
    return code;
  } catch (err) {
    await noop?.finish(undefined, []);
    throw err;
  } finally {
    ctx.transcript = undefined;
  }
}

/**
 * Whether this run may leave a no-op receipt (cli/noop-cache.ts): a one-shot renew of the files
 * store, from files, whose output depends on nothing but what it reads and the clock. Not with -v
 * (debug lines would be replayed stale), --force, --dry-run, --schedule (a daemon), stdin, or
 * --no-cache. A metrics file is written by the replay too.
 */
function leavesReceipt(ctx: CliContext, flags: RenewFlags, settings: Omit<CertificatesRunSettings, 'nextRunAt'>): boolean {
  return (
    settings.command === 'renew' &&
    flags.cache !== false &&
    settings.store.store === 'files' &&
    !settings.force &&
    !flags.schedule &&
    ctx.verbosity !== 'verbose' &&
    !settings.paths.includes('-')
  );
}

/**
 * A run renews inside a renewal window only if a run happens inside it: say so when runs are
 * further apart than a window is long, and suggest a schedule that lands in every window.
 */
async function adviseWindows(ctx: CliContext, manifests: Manifests, flags: RenewFlags): Promise<void> {
  const windows = manifests.certificates.flatMap((c) => c.spec.renewalWindows);
  if (windows.length === 0 || (!flags.interval && !flags.schedule)) return;
  const { windowShorterThanInterval, suggestSchedule } = await import('../../renewal/window-advice.js');
  const jitterMs = flags.jitter === false || ctx.isTTY ? 0 : durationFlag('--jitter', flags.jitter, { allowZero: true });
  let intervalMs: number;
  if (flags.interval) intervalMs = parseInterval(flags.interval);
  else {
    // The longest gap between the schedule's next firings.
    let t = new Date();
    intervalMs = 0;
    for (let i = 0; i < 8; i++) {
      const next = await nextRunFromCron(flags.schedule!, t, scheduleZone(flags));
      if (i > 0) intervalMs = Math.max(intervalMs, next.getTime() - t.getTime());
      t = next;
    }
  }
  const missable = windowShorterThanInterval(windows, intervalMs, jitterMs);
  if (missable.length === 0) return;
  const first = missable[0];
  const every = flags.interval ? `--interval ${flags.interval}` : `--schedule "${flags.schedule}"`;
  ctx.warn(
    `warning: renewal window "${first.cron}" is open ${Math.round(first.windowDurationMs / 60_000)} min, shorter than the time between runs (${every}${jitterMs ? ' plus --jitter' : ''}): a run may miss it entirely, and the renewal then happens at the next run, outside the windows` +
      (missable.length > 1 ? ` (${missable.length} windows are affected)` : ''),
  );
  const s = suggestSchedule(windows, jitterMs);
  ctx.warn(s.ok ? `hint: --schedule "${s.schedule}" --timezone ${s.timezone} lands in every window (${s.explanation})` : `hint: ${s.message}`);
}

/** The textfile-collector file, from the run's own results (nothing is read again). */
async function writeMetrics(path: string, manifests: Manifests, results: CertificateResult[], summary: Summary, startedAt: number): Promise<{ path: string; text: string }> {
  const now = new Date();
  const byKey = new Map(manifests.certificates.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
  const text = renderMetrics(
    results.map((r) => {
      const ref = byKey.get(`${r.namespace}/${r.name}`)!.spec.issuerRef;
      const ready: ReadyCondition = r.reason === 'StoreError' ? 'Unknown' : r.ready ? 'True' : 'False';
      return {
        name: r.name,
        namespace: r.namespace,
        issuerName: ref.name,
        issuerKind: ref.rawKind,
        issuerGroup: ref.rawGroup,
        notAfter: r.notAfter ? new Date(r.notAfter) : undefined,
        renewalTime: r.renewalTime ? new Date(r.renewalTime) : undefined,
        ready,
        failedIssuanceAttempts: r.failedIssuanceAttempts,
        lastFailureTime: r.lastFailureTime ? new Date(r.lastFailureTime) : undefined,
      };
    }),
    { timestampSeconds: Math.floor(now.getTime() / 1000), durationSeconds: (Date.now() - startedAt) / 1000, renewed: summary.issued, failures: summary.failed, upToDate: summary.upToDate, backingOff: summary.backingOff },
  );
  await replaceFile(resolve(path), text, 0o644);
  return { path: resolve(path), text };
}
