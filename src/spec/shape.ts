/**
 * Field-name checks for parts of the API that certctl parses but does not use (vault, venafi,
 * http01, DNS providers it does not implement): typos are still reported with a hint, but the
 * values are not interpreted.
 */
import { isMap, isSeq } from 'yaml';
import { readList, readMap } from './cursor.js';
import type { Cur } from './cursor.js';

/** Known fields and, for nested objects (or lists of objects), their own shape; `null` = any value. */
export interface Shape {
  readonly [field: string]: Shape | null;
}

/** Reports unknown fields in `cur` and below; does not check value types except mapping vs list. */
export function checkShape(cur: Cur, shape: Shape): void {
  const m = readMap(cur, Object.keys(shape));
  if (!m) return;
  for (const [field, sub] of Object.entries(shape)) {
    const c = m.get(field);
    if (!c || sub === null) continue;
    if (isSeq(c.node)) for (const item of readList(c) ?? []) checkShape(item, sub);
    else if (isMap(c.node)) checkShape(c, sub);
    else readMap(c, []); // reports the type error
  }
}

/** `{name, key}`: cert-manager's SecretKeySelector. */
export const SECRET_REF: Shape = { name: null, key: null };
