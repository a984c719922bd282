/**
 * `dns01.webhook` with `solverName: exec`: certctl runs a program of the user's for each TXT value
 * (lego's exec convention). Read at load time, so a wrong shape is an input error with a position.
 *
 *   config:
 *     command: [/usr/local/bin/dns-hook, --zone-file, /etc/dns]   # required; a string is the program alone
 *     env: { DNS_SERVER: 10.0.0.53 }                               # optional, plain values
 *     secretEnv: { API_TOKEN: { name: dns-api, key: token } }      # optional, values from Secrets
 *     timeoutSeconds: 120                                          # optional, 1..3600
 */
import { isScalar } from 'yaml';
import { fail, mapEntries, readMap, readString, readList } from '../../spec/cursor.js';
import { readSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface ExecConfig {
  /** argv of the hook; certctl appends `present|cleanup <fqdn> <value>`. */
  command: string[];
  /** Extra environment for the hook (plain values: nothing secret belongs in a manifest). */
  env: Record<string, string>;
  /** Environment variables whose values come from Secrets; redacted from the hook's output. */
  secretEnv: Record<string, SecretKeySelector>;
  timeoutMs: number;
}

export const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the exec solver's `config`. */
export function parseExecConfig(input: ParseInput): ExecConfig | undefined {
  const cur = input.cur;
  if (!cur) {
    if (input.webhook) fail(input.webhook.cur, 'the exec solver needs config.command', 'e.g. config: {command: [/usr/local/bin/dns-hook]}');
    return undefined;
  }
  const m = readMap(cur, ['command', 'env', 'secretEnv', 'timeoutSeconds']);
  if (!m) return undefined;
  const out: ExecConfig = { command: [], env: {}, secretEnv: {}, timeoutMs: DEFAULT_EXEC_TIMEOUT_MS };
  const commandCur = m.required('command', 'a list of strings');
  // A single string is the program alone (never split on spaces: that would need a shell's quoting).
  const single = commandCur && isScalar(commandCur.node) && typeof commandCur.node.value === 'string';
  const items = commandCur && (single ? [commandCur] : readList(commandCur));
  if (commandCur && items) {
    if (items.length === 0) fail(commandCur, 'must not be empty', 'e.g. [/usr/local/bin/dns-hook, --zone-file, /etc/dns]');
    for (const item of items) {
      const s = readString(item);
      if (s === '') fail(item, 'must not be empty');
      else if (s !== undefined) out.command.push(s);
    }
  }
  const envCur = m.get('env');
  const env = m.strMap('env');
  if (envCur && env) {
    for (const k of Object.keys(env)) if (!ENV_NAME.test(k)) fail(envCur, `${JSON.stringify(k)} is not an environment variable name`);
    out.env = env;
  }
  const secretEnv = m.get('secretEnv');
  const entries = secretEnv && mapEntries(secretEnv);
  if (entries) {
    for (const [name, c] of entries) {
      if (!ENV_NAME.test(name)) fail(c, `${JSON.stringify(name)} is not an environment variable name`);
      const ref = readMap(c, ['name', 'key']);
      if (ref) out.secretEnv[name] = readSecretRef(c, ref, { keyRequired: true });
    }
  }
  const t = m.get('timeoutSeconds');
  if (t) {
    const n = m.int('timeoutSeconds', { min: 1, max: 3600 });
    if (n !== undefined) out.timeoutMs = n * 1000;
  }
  return out;
}
