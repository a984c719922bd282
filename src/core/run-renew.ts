import { ariDecision } from '../renewal/ari.js';
import { failureBackoff } from '../renewal/backoff.js';
import { renewalTime } from '../renewal/renewal-time.js';
import type { PolicyInput } from '../renewal/policy-input.js';
import type { Manifests } from '../spec/types.js';
import type { AriState, CertificateStatus } from '../stores/records.js';
import type { HeldLock, StoreLock } from '../stores/store.js';
import type { CertificateResult } from './events.js';
import { deployHookEnv, runHook, type HookResult } from './hooks.js';
import { specHash } from './issued-spec.js';
import type { IssueContext } from './issue-certificate.js';
import type { PlannedCertificate } from './plan.js';
import { runIssue, type RunOptions } from './run-issue.js';
import type { StatusWriter } from './status-writer.js';

const DEFAULT_ARI_RETRY_MS = 6 * 3600 * 1000;

export interface RenewHooks {
  pre?: string;
  post?: string;
  deploy?: string;
  timeoutMs: number;
  /** Base environment of hooks (the CLI's own). */
  env: Record<string, string>;
}

export interface RenewOptions extends RunOptions {
  lock?: StoreLock;
  lockWaitMs: number;
  holder: string;
  /** When certctl is next expected to run (ARI: renew now if the chosen moment comes before). */
  nextRunAt?: Date;
  hooks: RenewHooks;
  dryRun: boolean;
  random?: () => number;
}

export interface HookFailure {
  hook: 'pre' | 'post' | 'deploy';
  certificate?: string;
  message: string;
}

export interface RenewOutcome {
  results: CertificateResult[];
  /** Set when another run holds the store's lock: nothing was done. */
  lockHeldBy?: string;
  hookFailures: HookFailure[];
}

/**
 * `renew`: what `issue` does, plus what an unattended run needs: one run at a time (the store's
 * lock), the CA's renewal window (ARI), failure backoff, hooks, and no work at all when nothing
 * is due.
 */
export async function runRenew(manifests: Manifests, opts: RenewOptions): Promise<RenewOutcome> {
  let held: HeldLock | undefined;
  if (opts.lock && !opts.dryRun) {
    held = await opts.lock.acquire({ waitMs: opts.lockWaitMs, holder: opts.holder, signal: opts.signal });
    if (!held) return { results: [], lockHeldBy: (await opts.lock.describeHolder()) ?? 'another certctl run', hookFailures: [] };
  }
  try {
    return await renewLocked(manifests, opts);
  } finally {
    await held?.release();
  }
}

async function renewLocked(manifests: Manifests, opts: RenewOptions): Promise<RenewOutcome> {
  const hookFailures: HookFailure[] = [];
  const random = opts.random ?? Math.random;
  const pendingDeploys: { plan: PlannedCertificate; status: StatusWriter }[] = [];
  const runHookOrRecord = async (hook: HookFailure['hook'], command: string, env: Record<string, string>, certificate?: string): Promise<HookResult> => {
    const r = await runHook(command, { env, timeoutMs: opts.hooks.timeoutMs, signal: opts.signal });
    if (!r.ok) {
      const why = r.timedOut ? `timed out after ${opts.hooks.timeoutMs / 1000} s` : r.code !== null ? `exited with code ${r.code}` : `was killed by ${r.signal}`;
      const tail = r.output.trim().split('\n').slice(-3).join(' | ');
      hookFailures.push({ hook, certificate, message: `${hook}-hook ${why}${tail ? `: ${tail}` : ''}` });
    }
    return r;
  };

  const extend: Pick<IssueContext, 'prepare' | 'holdBack' | 'dryRun' | 'markDeployPending'> = {
    dryRun: opts.dryRun,
    markDeployPending: Boolean(opts.hooks.deploy),
    holdBack: (input: PolicyInput, status: CertificateStatus) => {
      // cert-manager retries at once when the spec changed since the failures.
      if (status.failedSpecHash && status.failedSpecHash !== specHash(input.desired)) return undefined;
      const b = failureBackoff(status, opts.now());
      return b ? { until: b.until, message: b.message } : undefined;
    },
    prepare: async (plan, input, status) => {
      if (status.status.deployPending && opts.hooks.deploy) pendingDeploys.push({ plan, status });
      if (plan.issuer.spec.type === 'acme') await applyAri(plan, input, status, opts, random, issuerFor);
    },
  };
  // The issuer factory of the run, shared with prepare() for ARI lookups.
  let issuerFor: IssueContext['issuerFor'] = async () => {
    throw new Error('issuer factory not ready');
  };

  const results = await runIssue(manifests, {
    ...opts,
    extend,
    onContext: (ctx) => {
      issuerFor = ctx.issuerFor;
    },
    beforeFirstIssue: opts.hooks.pre
      ? async () => {
          const r = await runHookOrRecord('pre', opts.hooks.pre!, opts.hooks.env);
          if (!r.ok) throw new Error(hookFailures[hookFailures.length - 1].message);
        }
      : undefined,
  });
  if (opts.dryRun) return { results, hookFailures };

  const deploy = opts.hooks.deploy;
  if (deploy) {
    const issued = results.filter((r) => r.action === 'issued');
    // Deploy hooks a crash cut short last time run now, for certificates not renewed again.
    for (const p of pendingDeploys) {
      const cert = p.plan.certificate;
      const result = results.find((r) => r.name === cert.metadata.name && r.namespace === cert.metadata.namespace);
      if (result && result.action !== 'issued') issued.push({ ...result, reason: 'DeployPending' });
    }
    for (const r of issued) {
      const hook = await runHookOrRecord('deploy', deploy, { ...opts.hooks.env, ...deployHookEnv(r) }, `${r.namespace}/${r.name}`);
      if (hook.ok) {
        const target = { namespace: r.namespace, secretName: r.secretName };
        const stored = await opts.store.read(target).catch(() => undefined);
        if (stored?.status?.deployPending) {
          const { deployPending: _done, ...rest } = stored.status;
          await opts.store.writeStatus(target, rest);
        }
      }
    }
  }
  const somethingDue = results.some((r) => r.action === 'issued' || r.action === 'failed');
  if (opts.hooks.post && somethingDue) await runHookOrRecord('post', opts.hooks.post, opts.hooks.env);
  return { results, hookFailures };
}

/**
 * Adds the CA's renewal window to the decision. The window is fetched at most once per
 * Retry-After (stored with the certificate); a failure to fetch never blocks renewal: the
 * lifetime rule applies instead.
 */
async function applyAri(
  plan: PlannedCertificate,
  input: PolicyInput,
  status: StatusWriter,
  opts: RenewOptions,
  random: () => number,
  issuerFor: IssueContext['issuerFor'],
): Promise<void> {
  const leaf = input.cert!;
  const now = opts.now();
  if (leaf.notAfter.getTime() <= now.getTime()) return; // expired: renew anyway, the CA's window no longer matters
  const emit = (reason: string, message: string, level: 'info' | 'warning' = 'info'): void =>
    opts.emit({ name: plan.certificate.metadata.name, namespace: plan.certificate.metadata.namespace, reason, message, level });
  let state: AriState | undefined = status.status.ari?.serial === leaf.serialHex ? status.status.ari : undefined;
  if (!state || !state.nextCheck || Date.parse(state.nextCheck) <= now.getTime()) {
    try {
      const issuer = await issuerFor(plan);
      const info = await issuer.renewalInfo?.(leaf, now, opts.signal);
      if (!info) return;
      const nextCheck = new Date(info.retryAfter?.getTime() ?? now.getTime() + DEFAULT_ARI_RETRY_MS).toISOString();
      const changed = !state || state.windowStart !== info.window.start.toISOString() || state.windowEnd !== info.window.end.toISOString();
      state = {
        serial: leaf.serialHex,
        windowStart: info.window.start.toISOString(),
        windowEnd: info.window.end.toISOString(),
        chosen: changed ? '' : state!.chosen,
        ...(info.explanationURL ? { explanationURL: info.explanationURL } : {}),
        nextCheck,
      };
      if (changed && info.explanationURL) emit('ARI', `the CA changed its renewal window: ${info.explanationURL}`, 'warning');
    } catch (err) {
      emit('ARI', `renewal information unavailable (${(err as Error).message}); using the certificate's lifetime`, 'warning');
      if (!state) return;
    }
  }
  const window = { start: new Date(state.windowStart), end: new Date(state.windowEnd) };
  const d = ariDecision({
    window,
    chosen: state.chosen ? new Date(state.chosen) : undefined,
    chosenWindow: window,
    now,
    nextRunAt: opts.nextRunAt,
    fallback: renewalTime(leaf.notBefore, leaf.notAfter, plan.certificate.spec),
    random,
  });
  const final: AriState = { ...state, chosen: (d.chosen ?? d.at).toISOString() };
  if (JSON.stringify(final) !== JSON.stringify(status.status.ari)) await status.update((s) => ({ ...s, ari: final }));
  input.ari = { at: d.at, renewBy: d.renew ? new Date(Math.max(d.at.getTime(), now.getTime())) : now };
}
