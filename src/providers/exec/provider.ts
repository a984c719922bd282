import type { CommandRunner } from '../../shared/command-runner.js';
import { describeFailure } from '../../shared/command-runner.js';
import type { DnsProvider, TxtRecord } from '../provider.js';

export interface ExecProviderOptions {
  /** argv of the hook; certctl appends `present|cleanup <fqdn> <value>`. */
  command: string[];
  /** The hook's whole environment, beyond the CERTCTL_* variables added per call. */
  env: Record<string, string>;
  /** Values in `env` that came from Secrets: never shown in output. */
  secrets: string[];
  timeoutMs: number;
  runCommand: CommandRunner;
}

/**
 * The exec provider: runs `<command> present|cleanup <fqdn> <value>` (lego's exec convention) with
 * the same values in `CERTCTL_ACTION`, `CERTCTL_FQDN`, `CERTCTL_ZONE`, `CERTCTL_VALUE` and
 * `CERTCTL_TTL`, for any DNS without a built-in provider. The hook must be idempotent: present
 * twice leaves one value, cleanup of a missing value succeeds, other values stay.
 */
export function createExecProvider(o: ExecProviderOptions): DnsProvider {
  const [file, ...args] = o.command;
  const run = async (action: 'present' | 'cleanup', r: TxtRecord, signal?: AbortSignal): Promise<void> => {
    const result = await o.runCommand({
      argv: [file, ...args, action, r.fqdn, r.value],
      env: { ...o.env, CERTCTL_ACTION: action, CERTCTL_FQDN: r.fqdn, CERTCTL_ZONE: r.zone, CERTCTL_VALUE: r.value, CERTCTL_TTL: String(r.ttl) },
      timeoutMs: o.timeoutMs,
      signal,
      secrets: o.secrets,
    });
    if (!result.ok) throw new Error(`exec: ${file} ${action} ${r.fqdn} ${describeFailure(result, o.timeoutMs)}`);
  };
  return {
    name: 'exec',
    present: (r, signal) => run('present', r, signal),
    cleanUp: (r, signal) => run('cleanup', r, signal),
  };
}
