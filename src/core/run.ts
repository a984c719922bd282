/**
 * One run of `issue`, `renew` or `plan` over a set of manifests: check every input, take the
 * store's lock, repair what a crash or another process left, then bring each Certificate up to
 * date (CAs before the leaves they sign, at most `concurrency` at a time), and run the hooks. The
 * three commands differ only in their settings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dns01Options } from '../dns/dns01-options.js';
import type { Http01Options } from '../issuers/acme/http01/http01-options.js';
import { IssuerRegistry } from '../issuers/registry.js';
import type { CommandRunner } from '../shared/command-runner.js';
import type { Manifests } from '../spec/types.js';
import type { CertificateStore, HeldLock, StoreLock } from '../stores/store.js';
import type { CertificateResult, EventSink } from './events.js';
import { runDeployHooks, runHook, type HookFailure, type HookSettings } from './run-hooks.js';
import { checkInputValues } from './input-checks.js';
import { planIssuance, type PlannedCertificate } from './plan.js';
import { processCertificate, type Processed } from './process-certificate.js';
import { SecretSource } from './secret-source.js';
import type { AcmeBudgetSettings } from '../issuers/acme/rate-budget.js';
import type { NewOrderEntry } from '../stores/records.js';

export type { HookFailure, HookSettings } from './run-hooks.js';

/** What the core needs from the outside world for one run; the CLI builds it. */
export interface CoreDeps {
  store: CertificateStore;
  clock: () => Date;
  emit: EventSink;
  signal?: AbortSignal;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
  random: () => number;
  /** The environment providers, credential chains and hooks see. */
  env: Record<string, string | undefined>;
  dns01: Dns01Options;
  /**
   * The `--http01-*` flags of a command that may present challenges (issue, renew, plan,
   * validate): with them, an http01 solver nothing says how to answer is an input error. Absent
   * for `status`, which presents nothing.
   */
  http01?: Http01Options;
  clusterResourceNamespace: string;
  /** Bound ServiceAccount tokens, with --store kubernetes. */
  serviceAccountToken?: (namespace: string, name: string, audiences: string[]) => Promise<string>;
  runCommand: CommandRunner;
  /** `certctl/<version>`, the User-Agent of every request to a CA. */
  userAgent?: string;
  /** ACME CA rate-limit budgets: new orders beyond them are deferred to later runs. */
  acmeBudgets?: AcmeBudgetSettings;
}

export interface RunSettings {
  /** Only these Certificates (and the CAs they need); empty: all. */
  names: string[];
  /** And only those whose labels match (`-l`). */
  selector?: (labels: Record<string, string>) => boolean;
  /** Issue the named (or all) Certificates whether due or not. */
  force: boolean;
  concurrency: number;
  /** Ask the CA when to renew (ARI). */
  useAri: boolean;
  /** Hold certificates back after failures (renew). */
  respectBackoff: boolean;
  /** plan: decide and report only. */
  dryRun: boolean;
  /** When certctl runs next (ARI renews now what would be late by then). */
  nextRunAt?: Date;
  /** Longest random delay before the first order, so fleets of cron jobs do not hit the CA at once; 0 for none. */
  jitterMs: number;
  /** One writer per store: taken before anything is written, held to the end. */
  lock?: { lock: StoreLock; waitMs: number; holder: string };
  hooks?: HookSettings;
}

export interface RunOutcome {
  results: CertificateResult[];
  /** Set when another run holds the store's lock: nothing was done. */
  lockHeldBy?: string;
  hookFailures: HookFailure[];
  /**
   * Every certificate was up to date and nothing ran or was written for it: until this moment,
   * the same inputs give the same outcome (see renewal/stable-until.ts).
   */
  stableUntil?: Date;
}

/** A checked plan and the run's issuers, ready to execute (or to report, for `validate`). */
export interface PreparedRun {
  plan: PlannedCertificate[];
  registry: IssuerRegistry;
  secrets: SecretSource;
}

/**
 * Plans the run and checks every input it depends on (throws SpecError, exit 2) before any key is
 * generated, anything is written or any server is contacted.
 */
export async function prepareRun(manifests: Manifests, deps: CoreDeps, settings: Pick<RunSettings, 'names' | 'force' | 'selector'>): Promise<PreparedRun> {
  const plan = await planIssuance(manifests, deps.store, {
    clusterResourceNamespace: deps.clusterResourceNamespace,
    names: settings.names,
    selector: settings.selector,
    force: settings.force,
    http01: deps.http01 ? { method: deps.http01.method, required: true } : { required: false },
  });
  // One bulk read (a few LISTs in a cluster) instead of one read per Certificate later.
  await deps.store.prefetch?.(targetsOf(plan));
  const secrets = new SecretSource(manifests, deps.store);
  const registry = new IssuerRegistry({
    secrets: (ns, name) => secrets.get(ns, name),
    saveSecret: (namespace, name, data, remove) => deps.store.writeSecretData({ namespace, secretName: name }, data, { remove }),
    ...(deps.store.createSecretData ? { createSecret: (namespace: string, name: string, data: Record<string, Buffer>) => deps.store.createSecretData!({ namespace, secretName: name }, data) } : {}),
    clusterResourceNamespace: deps.clusterResourceNamespace,
    clock: deps.clock,
    dns01: deps.dns01,
    http01: deps.http01,
    env: deps.env,
    serviceAccountToken: deps.serviceAccountToken,
    runCommand: deps.runCommand,
    userAgent: deps.userAgent,
    debug: (message) => deps.emit({ name: '', namespace: '', reason: 'Debug', message, level: 'debug' }),
    acmeBudgets: deps.acmeBudgets,
    // Read only when a new ACME order is about to be placed (the store has them read ahead).
    orderHistory: () => orderHistoryOf(plan, deps.store),
  });
  await checkInputValues(plan, { manifests, registry, secrets, clusterResourceNamespace: deps.clusterResourceNamespace });
  return { plan, registry, secrets };
}

export async function runCertificates(manifests: Manifests, deps: CoreDeps, settings: RunSettings): Promise<RunOutcome> {
  const { plan, registry, secrets } = await prepareRun(manifests, deps, settings);
  let held: HeldLock | undefined;
  if (settings.lock && !settings.dryRun) {
    held = await settings.lock.lock.acquire({ waitMs: settings.lock.waitMs, holder: settings.lock.holder, signal: deps.signal });
    if (!held) return { results: [], lockHeldBy: (await settings.lock.lock.describeHolder()) ?? 'another certctl run', hookFailures: [] };
  }
  try {
    // Reads ahead happened before the lock: if another run held it since, read again what it may have written.
    const lastOther = held?.previousHolderActiveAt;
    if (lastOther) await deps.store.prefetch?.(targetsOf(plan), { staleBefore: new Date(lastOther.getTime() + CLOCK_SKEW_MS) });
    if (!settings.dryRun) await repairStore(plan, deps);
    return await execute(plan, registry, secrets, deps, settings);
  } finally {
    await registry.close();
    await held?.release();
  }
}

/** Lease times come from other hosts' clocks: a release this close after our reads counts as after them. */
const CLOCK_SKEW_MS = 5_000;

function targetsOf(plan: PlannedCertificate[]): { namespace: string; secretName: string }[] {
  return plan.map((p) => ({ namespace: p.certificate.metadata.namespace, secretName: p.certificate.spec.secretName }));
}

/** The new ACME orders the planned Certificates recorded in earlier runs, for the rate budgets. */
async function orderHistoryOf(plan: PlannedCertificate[], store: CertificateStore): Promise<NewOrderEntry[]> {
  const out: NewOrderEntry[] = [];
  for (const p of plan) {
    if (p.issuer.spec.type !== 'acme') continue;
    const stored = await store.read({ namespace: p.certificate.metadata.namespace, secretName: p.certificate.spec.secretName }).catch(() => undefined);
    out.push(...(stored?.status?.issuer?.acme?.newOrders ?? []));
  }
  return out;
}

/** Self-healing: whatever a crash or a foreign process left in the Secrets this run holds the lock for. */
async function repairStore(plan: PlannedCertificate[], deps: CoreDeps): Promise<void> {
  if (!deps.store.repair) return;
  for (const p of plan) {
    const c = p.certificate;
    try {
      const repaired = await deps.store.repair({ namespace: c.metadata.namespace, secretName: c.spec.secretName });
      for (const message of repaired) deps.emit({ name: c.metadata.name, namespace: c.metadata.namespace, reason: 'Repaired', message, level: 'warning' });
    } catch (err) {
      // Reading the certificate reports the same problem as its result; repair is best effort.
      deps.emit({ name: c.metadata.name, namespace: c.metadata.namespace, reason: 'RepairFailed', message: (err as Error).message, level: 'warning' });
    }
  }
}

async function execute(plan: PlannedCertificate[], registry: IssuerRegistry, secrets: SecretSource, deps: CoreDeps, settings: RunSettings): Promise<RunOutcome> {
  const hookFailures: HookFailure[] = [];
  const hooks = settings.hooks;
  const slots = new Semaphore(Math.max(1, settings.concurrency));
  const done = new Map<PlannedCertificate, Promise<Processed>>();
  const byCert = new Map(plan.map((p) => [p.certificate, p]));
  let started: Promise<void> | undefined;
  const beforeFirstIssue = (): Promise<void> =>
    (started ??= (async () => {
      if (settings.jitterMs > 0) {
        const wait = Math.floor(deps.random() * settings.jitterMs);
        deps.emit({ name: '', namespace: '', reason: 'Jitter', message: `waiting ${Math.round(wait / 1000)} s before ordering (random delay for unattended runs; --no-jitter to skip)`, level: 'info' });
        await sleep(wait, undefined, { signal: deps.signal });
      }
      if (hooks?.pre) {
        const failure = await runHook(deps.runCommand, 'pre', hooks.pre, hooks.env, hooks, deps.signal);
        if (failure) {
          hookFailures.push(failure);
          throw new Error(failure.message);
        }
      }
    })());

  const ctx = {
    store: deps.store,
    passwords: async (ns: string, name: string, key: string) => (await secrets.get(ns, name))?.data[key]?.toString('utf8'),
    clock: deps.clock,
    emit: deps.emit,
    signal: deps.signal,
    fault: deps.fault,
    random: deps.random,
    useAri: settings.useAri,
    nextRunAt: settings.nextRunAt,
    respectBackoff: settings.respectBackoff,
    dryRun: settings.dryRun,
    markDeployPending: Boolean(hooks?.deploy),
    beforeFirstIssue,
    issuerFor: (entry: PlannedCertificate) => registry.issuerFor(entry.issuer),
  };

  const run = (entry: PlannedCertificate): Promise<Processed> => {
    let p = done.get(entry);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(entry.dependsOn.map((d) => byCert.get(d)).filter((d): d is PlannedCertificate => Boolean(d)).map(run));
      const cert = entry.certificate;
      const failedDep = deps.find((r) => r.result.action === 'failed');
      if (failedDep) {
        const message = `not issued: it needs the Secret of Certificate ${failedDep.result.namespace}/${failedDep.result.name}, which failed`;
        ctx.emit({ name: cert.metadata.name, namespace: cert.metadata.namespace, reason: 'Failed', message, level: 'error' });
        return { result: { name: cert.metadata.name, namespace: cert.metadata.namespace, secretName: cert.spec.secretName, action: 'failed', reason: 'DependencyFailed', message, error: message }, deployPending: false };
      }
      const processed = await slots.use(() => processCertificate(entry, ctx));
      // A CA re-issued in this run: leaves signed by it are rebuilt from the new key pair (and so found due).
      if (processed.result.action === 'issued') registry.secretWritten(cert.metadata.namespace, cert.spec.secretName);
      return processed;
    })();
    done.set(entry, p);
    return p;
  };
  // Results in plan order (CAs first), whatever order they finish in.
  const processed = await Promise.all(plan.map(run));
  const results = processed.map((p) => p.result);
  const stableUntil = stableUntilOf(processed);
  if (settings.dryRun || !hooks) return { results, hookFailures, ...(stableUntil ? { stableUntil } : {}) };

  if (hooks.deploy) hookFailures.push(...(await runDeployHooks(deps, hooks, processed)));
  // A deferral is decided before the pre-hook would run, so it brings no post-hook either.
  const somethingDue = results.some((r) => r.action === 'issued' || r.action === 'failed');
  if (hooks.post && somethingDue) {
    const failure = await runHook(deps.runCommand, 'post', hooks.post, hooks.env, hooks, deps.signal);
    if (failure) hookFailures.push(failure);
  }
  return { results, hookFailures, ...(stableUntil && hookFailures.length === 0 ? { stableUntil } : {}) };
}

/** The earliest moment any certificate's decision may change; undefined unless all were left alone. */
function stableUntilOf(processed: Processed[]): Date | undefined {
  let until: number | undefined;
  for (const p of processed) {
    if (!p.stableUntil || p.deployPending) return undefined;
    until = Math.min(until ?? Infinity, p.stableUntil.getTime());
  }
  return until === undefined ? undefined : new Date(until);
}

/** Bounds how many certificates are in flight. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
