/**
 * cert-manager's `dns01.digitalocean` block: `tokenSecretRef`, with `name` and `key`, as the
 * webhook requires (ValidateSecretKeySelector).
 */
import { readMap } from '../../spec/cursor.js';
import { reqSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export interface DigitalOceanConfig {
  /** A DigitalOcean API token (personal access token, full or custom-scoped). */
  tokenSecretRef: SecretKeySelector;
  path: string;
}

/** Reads `dns01.digitalocean`. */
export function parseDigitalOcean(input: ParseInput): DigitalOceanConfig | undefined {
  const m = input.cur && readMap(input.cur, ['tokenSecretRef']);
  if (!input.cur || !m) return undefined;
  const token = reqSecretRef(m, 'tokenSecretRef', { keyRequired: true });
  return token && { tokenSecretRef: token, path: input.cur.path };
}
