/**
 * Converts a checked YAML subtree to plain JSON values, for free-form fields (`webhook.config`).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { mapEntries, readList } from './cursor.js';
import type { Cur } from './cursor.js';

/**
 * Recursion is safe: documents are at most MAX_DEPTH deep (yaml.ts). Keys come from mapEntries,
 * which drops `__proto__`, `constructor` and `prototype`, so no prototype can be reached.
 */
export function toPlainJson(cur: Cur): unknown {
  const node = cur.node;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of mapEntries(cur) ?? []) out[key] = toPlainJson(child);
    return out;
  }
  if (isSeq(node)) return (readList(cur) ?? []).map(toPlainJson);
  if (isScalar(node)) return node.value;
  return null;
}
