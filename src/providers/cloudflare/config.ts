/**
 * cert-manager's `dns01.cloudflare` block, read at load time with cert-manager's webhook rules
 * (ValidateACMEChallengeSolverDNS01): exactly one of `apiTokenSecretRef` (an API token) or
 * `apiKeySecretRef` (the Global API Key, which needs `email`), each with `name` and `key`.
 */
import { readMap, report } from '../../spec/cursor.js';
import { optSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface CloudflareConfig {
  /** The account e-mail for the Global API Key (sent as X-Auth-Email). */
  email?: string;
  /** The Global API Key (X-Auth-Key). */
  apiKeySecretRef?: SecretKeySelector;
  /** An API token (Authorization: Bearer). */
  apiTokenSecretRef?: SecretKeySelector;
  /** Where the block is, for messages. */
  path: string;
}

const FIELDS = ['email', 'apiKeySecretRef', 'apiTokenSecretRef'];

/** Reads `dns01.cloudflare`. */
export function parseCloudflare(input: ParseInput): CloudflareConfig | undefined {
  const cur = input.cur;
  const m = cur && readMap(cur, FIELDS);
  if (!cur || !m) return undefined;
  const out: CloudflareConfig = { path: cur.path };
  const email = m.str('email');
  if (email) out.email = email;
  const key = optSecretRef(m, 'apiKeySecretRef', { keyRequired: true });
  const token = optSecretRef(m, 'apiTokenSecretRef', { keyRequired: true });
  if (key) out.apiKeySecretRef = key;
  if (token) out.apiTokenSecretRef = token;
  const keyCur = m.get('apiKeySecretRef');
  const tokenCur = m.get('apiTokenSecretRef');
  if (keyCur && tokenCur) report(cur, cur.pos, 'apiKeySecretRef and apiTokenSecretRef cannot both be specified', 'use an API token (apiTokenSecretRef) with Zone:Read and DNS:Edit; see docs/providers/cloudflare.md');
  if (!keyCur && !tokenCur) report(cur, cur.pos, 'apiKeySecretRef or apiTokenSecretRef is required', 'an API token with Zone:Read and DNS:Edit in apiTokenSecretRef is recommended');
  if (keyCur && !email) report({ ctx: cur.ctx, path: `${cur.path}.email` }, cur.pos, 'required field is missing', 'the Global API Key (apiKeySecretRef) is used with the account e-mail');
  return out;
}
