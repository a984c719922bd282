/**
 * User hooks of a run, with certbot's semantics: `--pre-hook` once before the first renewal,
 * `--post-hook` once after, only when something was due, and `--deploy-hook` once per renewed
 * certificate. A deploy hook a crash cut short runs on the next run (the certificate stays marked
 * until its hook succeeds).
 */
import type { CommandRunner } from '../shared/command-runner.js';
import { describeFailure } from '../shared/command-runner.js';
import type { CertificateStore } from '../stores/store.js';
import { deployHookEnv } from './hooks.js';
import type { Processed } from './process-certificate.js';

export interface HookSettings {
  pre?: string;
  post?: string;
  deploy?: string;
  timeoutMs: number;
  /** Base environment of hooks (the CLI's own). */
  env: Record<string, string>;
}

export interface HookFailure {
  hook: 'pre' | 'post' | 'deploy';
  certificate?: string;
  message: string;
}

/** Runs one hook; returns its failure, or undefined when it exited 0 in time. */
export async function runHook(
  run: CommandRunner,
  hook: HookFailure['hook'],
  command: string,
  env: Record<string, string>,
  settings: Pick<HookSettings, 'timeoutMs'>,
  signal?: AbortSignal,
  certificate?: string,
): Promise<HookFailure | undefined> {
  const r = await run({ shell: command, env, timeoutMs: settings.timeoutMs, signal });
  if (r.ok) return undefined;
  return { hook, ...(certificate ? { certificate } : {}), message: `${hook}-hook ${describeFailure(r, settings.timeoutMs)}` };
}

/** Deploy hooks for what this run issued, and for what an earlier run issued but never deployed. */
export async function runDeployHooks(
  deps: { store: CertificateStore; runCommand: CommandRunner; signal?: AbortSignal },
  hooks: HookSettings,
  processed: Processed[],
): Promise<HookFailure[]> {
  const failures: HookFailure[] = [];
  const todo = processed
    .filter((p) => p.result.action === 'issued' || (p.deployPending && p.result.action !== 'failed'))
    .map((p) => (p.result.action === 'issued' ? p.result : { ...p.result, reason: 'DeployPending' }));
  for (const r of todo) {
    const id = `${r.namespace}/${r.name}`;
    const failure = await runHook(deps.runCommand, 'deploy', hooks.deploy!, { ...hooks.env, ...deployHookEnv(r) }, hooks, deps.signal, id);
    if (failure) {
      failures.push(failure);
      continue;
    }
    const target = { namespace: r.namespace, secretName: r.secretName };
    const stored = await deps.store.read(target).catch(() => undefined);
    if (stored?.status?.deployPending) {
      const { deployPending: _done, ...rest } = stored.status;
      await deps.store.writeStatus(target, rest).catch(() => undefined);
    }
  }
  return failures;
}
