import { spawn } from 'node:child_process';
import type { WebhookConfig } from '../spec/types.js';
import type { DnsProvider, TxtRecord } from './provider.js';

export interface ExecConfig {
  /** argv of the hook; certctl appends `present|cleanup <fqdn> <value>`. */
  command: string[];
  /** Extra environment for the hook (never put secrets in manifests: use the hook's own environment). */
  env: Record<string, string>;
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Reads `dns01.webhook.config` for `solverName: exec`: `command` (list of strings, required),
 * `env` (string map), `timeoutSeconds` (number). Throws a message naming the field.
 */
export function parseExecConfig(webhook: WebhookConfig): ExecConfig {
  const c = webhook.config;
  const where = webhook.configPath;
  for (const key of Object.keys(c)) {
    if (!['command', 'env', 'timeoutSeconds'].includes(key)) throw new Error(`${where}.${key}: unknown field for the exec solver (fields: command, env, timeoutSeconds)`);
  }
  const command = c.command;
  if (!Array.isArray(command) || command.length === 0 || !command.every((x) => typeof x === 'string' && x.length > 0)) {
    throw new Error(`${where}.command: expected a non-empty list of strings, e.g. [/usr/local/bin/dns-hook, --zone-file, /etc/dns]`);
  }
  const env = c.env ?? {};
  if (typeof env !== 'object' || Array.isArray(env) || !Object.values(env as object).every((v) => typeof v === 'string')) {
    throw new Error(`${where}.env: expected a map of strings`);
  }
  const t = c.timeoutSeconds;
  if (t !== undefined && (typeof t !== 'number' || !(t > 0) || t > 3600)) throw new Error(`${where}.timeoutSeconds: expected a number of seconds between 1 and 3600`);
  return { command: command as string[], env: env as Record<string, string>, timeoutMs: t !== undefined ? t * 1000 : DEFAULT_TIMEOUT_MS };
}

/**
 * The exec provider: runs `<command> present|cleanup <fqdn> <value>` (lego's exec convention) with
 * the same values in `CERTCTL_ACTION`, `CERTCTL_FQDN`, `CERTCTL_ZONE`, `CERTCTL_VALUE` and
 * `CERTCTL_TTL`, for any DNS without a built-in provider. The hook must be idempotent: present
 * twice leaves one value, cleanup of a missing value succeeds, other values stay.
 */
export function createExecProvider(cfg: ExecConfig, baseEnv: Record<string, string | undefined>): DnsProvider {
  const run = (action: 'present' | 'cleanup', r: TxtRecord, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const [file, ...args] = cfg.command;
      const child = spawn(file, [...args, action, r.fqdn, r.value], {
        env: { ...baseEnv, ...cfg.env, CERTCTL_ACTION: action, CERTCTL_FQDN: r.fqdn, CERTCTL_ZONE: r.zone, CERTCTL_VALUE: r.value, CERTCTL_TTL: String(r.ttl) },
        stdio: ['ignore', 'ignore', 'pipe'],
        signal,
        timeout: cfg.timeoutMs,
        killSignal: 'SIGKILL',
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 2000) stderr += d.toString('utf8');
      });
      child.on('error', (err) => reject(new Error(`exec: cannot run ${file}: ${err.message}`)));
      child.on('close', (code, sig) => {
        if (code === 0) return resolve();
        const why = sig ? `was killed by ${sig}${sig === 'SIGKILL' ? ` (timeout ${cfg.timeoutMs / 1000} s?)` : ''}` : `exited with code ${code}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`exec: ${file} ${action} ${r.fqdn} ${why}${tail ? `: ${tail}` : ''}`));
      });
    });
  return {
    name: 'exec',
    present: (r, signal) => run('present', r, signal),
    cleanUp: (r, signal) => run('cleanup', r, signal),
  };
}
