/**
 * `v1 Secret`: credentials and CA keypairs given inline. Values are never echoed in messages.
 */
import { fail, mapEntries, readString, typeError } from './cursor.js';
import type { MapReader } from './cursor.js';
import type { SourcePos } from './types.js';
import { decodeBase64Strict } from './encoding.js';
import { checkDataKey } from './names.js';

/** Top-level fields of a Secret (besides apiVersion, kind, metadata). */
export const SECRET_FIELDS = ['type', 'data', 'stringData', 'immutable'];

export interface SecretBody {
  type: string;
  data: Record<string, Buffer>;
  /** Where each data key was written (stringData wins, as its value does): errors about a value point there. */
  keyPos: Record<string, SourcePos>;
}

/** Reads `type`, `data` (base64) and `stringData`, merged as the API server does (stringData wins). */
export function readSecretBody(root: MapReader): SecretBody {
  const out: SecretBody = { type: root.str('type') || 'Opaque', data: {}, keyPos: {} };
  const written = new Set<string>();
  root.bool('immutable'); // meaningful only in a cluster; checked for type only
  for (const field of ['data', 'stringData'] as const) {
    const cur = root.get(field);
    for (const [key, c] of (cur && mapEntries(cur)) ?? []) {
      const problem = checkDataKey(key);
      written.add(key);
      if (problem) {
        fail({ ...c, pos: c.keyPos }, problem.message, problem.hint);
        continue;
      }
      out.keyPos[key] = c.keyPos;
      if (field === 'stringData') {
        const s = readString(c);
        if (s !== undefined) out.data[key] = Buffer.from(s, 'utf8');
        continue;
      }
      const node = c.node as { value?: unknown } | null;
      if (typeof node?.value !== 'string') {
        typeError(c, 'a base64 string');
        continue;
      }
      const bytes = decodeBase64Strict(node.value);
      if (bytes) out.data[key] ??= bytes;
      else fail(c, 'is not valid base64', 'data values are base64-encoded; use stringData for plain text');
    }
  }
  if (out.type === 'kubernetes.io/tls') {
    // The API server refuses a TLS Secret without both keys; so do we, before anything uses it.
    const missing = ['tls.crt', 'tls.key'].filter((k) => !written.has(k));
    if (missing.length > 0) fail(root.get('type') ?? root.cur, `a Secret of type kubernetes.io/tls needs the data key${missing.length > 1 ? 's' : ''} ${missing.map((k) => JSON.stringify(k)).join(' and ')}`);
  }
  return out;
}
