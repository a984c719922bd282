import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CertificateResult } from '../../core/events.js';
import { runRenew, type RenewOutcome } from '../../core/run-renew.js';
import { statusReport } from '../../core/status-report.js';
import { renderMetrics } from '../../metrics/prometheus.js';
import { jitterMs, nextRunFromCron, nextRunFromInterval, parseInterval } from '../../renewal/schedule.js';
import { SpecError } from '../../spec/errors.js';
import { parseGoDuration } from '../../spec/duration.js';
import type { CertificateStore } from '../../stores/store.js';
import { secretsToWrite } from '../../core/store-targets.js';
import { openStore } from '../open-store.js';
import type { StoreFlags } from '../store-flags.js';
import { replaceFile } from '../../stores/fs-atomic.js';
import { dns01OptionsFrom } from '../dns01-options-from.js';
import type { Dns01Flags } from '../dns01-flags.js';
import { ExitCode, ExitError, type ExitCodeValue } from '../exit-codes.js';
import { faultHook } from '../fault.js';
import { loadInputs } from '../inputs.js';
import { renderEvent, renderResult } from '../reporter.js';
import { printSpecError } from '../spec-error-output.js';
import { trapInterrupts } from '../interrupts.js';

export interface RenewFlags extends Dns01Flags, StoreFlags {
  filename: string[];
  namespace?: string;
  clusterResourceNamespace: string;
  leaseNamespace?: string;
  force: boolean;
  dryRun: boolean;
  output: 'text' | 'json';
  concurrency: string;
  lockTimeout: string;
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
}

function duration(flag: string, text: string, allowZero = false): number {
  const d = parseGoDuration(text);
  if (!d.ok || d.ms < 0 || (!allowZero && d.ms === 0)) throw new ExitError(ExitCode.InvalidInput, `${flag}: ${d.ok ? 'out of range' : d.message} (got ${JSON.stringify(text)})`);
  return d.ms;
}

/** `certctl renew` (and `plan`): one-shot by default, or on a cron schedule until SIGTERM. */
export async function renewCommand(flags: RenewFlags): Promise<ExitCodeValue> {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ExitError(ExitCode.InvalidInput, `--concurrency: expected 1..64, got ${flags.concurrency}`);
  if (flags.schedule && flags.interval) throw new ExitError(ExitCode.InvalidInput, '--schedule and --interval exclude each other (the schedule sets the interval)');
  const interrupts = trapInterrupts();
  const signal = interrupts.signal;
  try {
    if (!flags.schedule) {
      const code = await renewOnce(flags, concurrency, signal, true);
      return interrupts.exitCode() ?? code;
    }
    // Daemon mode: renew, then sleep until the next tick; the manifests are read afresh each time.
    await nextRunFromCron(flags.schedule, new Date(), flags.timezone).catch((err: Error) => {
      throw new ExitError(ExitCode.InvalidInput, `--schedule: ${err.message}`);
    });
    let first = true;
    while (!signal.aborted) {
      const code = await renewOnce(flags, concurrency, signal, first).catch((err) => {
        if (err instanceof ExitError && err.code === ExitCode.InvalidInput && !first) {
          process.stderr.write(`certctl: ${err.message}\n`);
          return ExitCode.InvalidInput;
        }
        throw err;
      });
      if (first && code === ExitCode.InvalidInput) return code;
      first = false;
      const next = await nextRunFromCron(flags.schedule, new Date(), flags.timezone);
      process.stderr.write(`certctl: next run at ${next.toISOString()} (--schedule "${flags.schedule}")\n`);
      await sleep(Math.max(0, next.getTime() - Date.now()), undefined, { signal }).catch(() => undefined);
    }
    return interrupts.exitCode() ?? ExitCode.Terminated;
  } finally {
    interrupts.release();
  }
}

async function renewOnce(flags: RenewFlags, concurrency: number, signal: AbortSignal, first: boolean): Promise<ExitCodeValue> {
  const dns01 = dns01OptionsFrom(flags);
  const hookTimeoutMs = duration('--hook-timeout', flags.hookTimeout);
  const lockWaitMs = duration('--lock-timeout', flags.lockTimeout, true);
  let nextRunAt: Date | undefined;
  try {
    if (flags.schedule) nextRunAt = await nextRunFromCron(flags.schedule, new Date(), flags.timezone);
    else if (flags.interval) nextRunAt = nextRunFromInterval(new Date(), parseInterval(flags.interval));
  } catch (err) {
    throw new ExitError(ExitCode.InvalidInput, `${flags.schedule ? '--schedule' : '--interval'}: ${(err as Error).message}`);
  }
  let manifests;
  try {
    manifests = await loadInputs(flags.filename, flags.namespace);
  } catch (err) {
    if (err instanceof SpecError) return printSpecError(err, flags.output);
    throw err;
  }
  for (const note of manifests.notes) process.stderr.write(`certctl: ${note}\n`);

  // Like certbot and lego, spread unattended runs over a few minutes so that thousands of
  // cron jobs firing at :00 do not all hit the CA at once. Only before the first run, never on a TTY.
  const maxJitter = flags.jitter === false || flags.dryRun ? 0 : duration('--jitter', flags.jitter, true);
  if (first && maxJitter > 0 && !process.stdout.isTTY) {
    const wait = jitterMs(maxJitter, Math.random);
    process.stderr.write(`certctl: waiting ${Math.round(wait / 1000)} s before contacting anything (random delay; --no-jitter to skip)\n`);
    await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return ExitCode.Ok;
  }

  const fault = faultHook(process.env.CERTCTL_FAULT);
  const opened = await openStore(flags, fault);
  const outDir = opened.where;
  const store = opened.store;
  const started = Date.now();
  let outcome: RenewOutcome;
  try {
    // A missing RBAC rule fails here, before any order is spent.
    if (!flags.dryRun) await opened.preflight(secretsToWrite(manifests, flags.clusterResourceNamespace), flags.leaseNamespace);
    outcome = await runRenew(manifests, {
      store,
      dns01,
      env: process.env,
      clusterResourceNamespace: flags.clusterResourceNamespace,
      forced: flags.force,
      now: () => new Date(),
      emit: (e) => process.stderr.write(`${renderEvent(e)}\n`),
      signal,
      fault,
      concurrency,
      serviceAccountToken: opened.serviceAccountToken,
      lock: opened.lock(flags.leaseNamespace),
      lockWaitMs,
      holder: `certctl renew (pid ${process.pid} on ${hostname()})`,
      nextRunAt,
      hooks: { pre: flags.preHook, post: flags.postHook, deploy: flags.deployHook, timeoutMs: hookTimeoutMs, env: stringEnv(process.env) },
      dryRun: flags.dryRun,
    });
  } catch (err) {
    opened.close();
    if (err instanceof SpecError) return printSpecError(err, flags.output);
    throw err;
  }
  if (outcome.lockHeldBy) {
    opened.close();
    process.stderr.write(`certctl: the store ${outDir} is locked by ${outcome.lockHeldBy}; nothing done\n`);
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'RenewResult', store: outDir, lockHeldBy: outcome.lockHeldBy, certificates: [] }, null, 2)}\n`);
    return ExitCode.LockHeld;
  }
  const { results, hookFailures } = outcome;
  for (const h of hookFailures) process.stderr.write(`certctl: error: ${h.certificate ? `${h.certificate}: ` : ''}${h.message}\n`);
  const summary = summarize(results, hookFailures.length);
  if (flags.metricsFile && !flags.dryRun) await writeMetrics(flags.metricsFile, manifests.certificates, store, summary, started);
  opened.close();
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: flags.dryRun ? 'RenewPlan' : 'RenewResult', store: outDir, certificates: results, hookFailures, summary }, null, 2)}\n`);
  } else {
    for (const r of results) process.stdout.write(`${flags.dryRun ? renderPlanLine(r) : renderResult(r)}\n`);
    process.stderr.write(
      `certctl: ${flags.dryRun ? `${summary.due} due` : `${summary.renewed} renewed`}, ${summary.upToDate} up to date, ${summary.backingOff} backing off, ${summary.failed} failed${hookFailures.length ? `, ${hookFailures.length} hook failure(s)` : ''} (${outDir})\n`,
    );
  }
  if (summary.failed > 0 || hookFailures.length > 0) return ExitCode.CertificateFailed;
  if (summary.backingOff > 0) return ExitCode.BackingOff;
  if (summary.renewed > 0 && flags.detailedExitCodes) return ExitCode.Renewed;
  return ExitCode.Ok;
}

function summarize(results: CertificateResult[], hookFailures: number) {
  const n = (a: CertificateResult['action']): number => results.filter((r) => r.action === a).length;
  return { total: results.length, renewed: n('issued'), upToDate: n('up-to-date'), due: n('due'), backingOff: n('backing-off'), failed: n('failed'), hookFailures };
}

function renderPlanLine(r: CertificateResult): string {
  const id = `${r.namespace}/${r.name}`;
  switch (r.action) {
    case 'due':
      return `~ renew       ${id}: ${r.message}`;
    case 'backing-off':
      return `! backing off ${id}: ${r.message} (until ${r.retryAfter})`;
    case 'failed':
      return `x failed      ${id}: ${r.error}`;
    default:
      return `  up to date  ${id} (renewal at ${r.renewalTime ?? '-'})`;
  }
}

async function writeMetrics(path: string, certs: Parameters<typeof statusReport>[0], store: CertificateStore, summary: ReturnType<typeof summarize>, started: number): Promise<void> {
  const now = new Date();
  const rows = await statusReport(certs, store, now);
  const byKey = new Map(certs.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
  const text = renderMetrics(
    rows.map((r) => {
      const ref = byKey.get(`${r.namespace}/${r.name}`)!.spec.issuerRef;
      return {
        name: r.name,
        namespace: r.namespace,
        issuerName: ref.name,
        issuerKind: ref.rawKind,
        issuerGroup: ref.rawGroup,
        notAfter: r.notAfter ? new Date(r.notAfter) : undefined,
        renewalTime: r.renewalTime ? new Date(r.renewalTime) : undefined,
        ready: r.ready ? 'True' : r.reason === 'StoreError' ? 'Unknown' : 'False',
        failedIssuanceAttempts: r.failedIssuanceAttempts,
        lastFailureTime: r.lastFailureTime ? new Date(r.lastFailureTime) : undefined,
      };
    }),
    { timestampSeconds: Math.floor(now.getTime() / 1000), durationSeconds: (Date.now() - started) / 1000, renewed: summary.renewed, failures: summary.failed, upToDate: summary.upToDate, backingOff: summary.backingOff },
  );
  await replaceFile(resolve(path), text, 0o644);
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
