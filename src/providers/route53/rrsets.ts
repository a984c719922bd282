/**
 * Route 53 TXT record sets as certctl reads and changes them: the plans that add or remove one
 * value without touching the others (values quoted as in src/providers/rest/txt.ts). Pure
 * functions, no SDK.
 *
 * Every plan is a compare-and-swap: a set is replaced by DELETE (with its exact current TTL and
 * values) plus CREATE in one change batch, which Route 53 applies atomically. If another writer
 * changed the set after we read it, the DELETE no longer matches and the whole batch fails with
 * InvalidChangeBatch instead of silently dropping the other writer's value, as UPSERT would.
 */
import { quoteTxt, unquoteTxt } from '../rest/txt.js';

/** One TXT record set at a name, as listed by ListResourceRecordSets. */
export interface TxtSet {
  /** Lower-case, absolute, trailing dot. */
  name: string;
  ttl: number;
  /** Values exactly as Route 53 returned them (quoted), so a DELETE matches. */
  raw: string[];
  /** Set by routing-policy records: cert-manager's MultiValueAnswer sets use the quoted value. */
  setIdentifier?: string;
  multiValueAnswer?: boolean;
  /** Kept so a DELETE of someone's multivalue set matches exactly. */
  healthCheckId?: string;
  /** Name of another routing policy (weighted, latency, ...) on this set; certctl never writes those. */
  otherPolicy?: string;
}

/** One change of a batch. */
export interface TxtChange {
  action: 'CREATE' | 'DELETE';
  set: TxtSet;
}

/** What to do: nothing (already in the wanted state), or this batch. */
export type TxtPlan = { done: true } | { done: false; changes: TxtChange[] };

/** Route 53 escapes bytes in octal (`\052`), not in RFC 1035's decimal. */
const unquote = (raw: string): string => unquoteTxt(raw, 'octal');

/** Route 53 returns some characters of names as octal escapes (`\052` for `*`); compare names in their plain form. */
export function plainName(name: string): string {
  const unescaped = name.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
  return (unescaped.endsWith('.') ? unescaped : `${unescaped}.`).toLowerCase();
}

function holds(set: TxtSet, value: string): boolean {
  return set.raw.some((r) => unquote(r) === value);
}

/** A plan that replaces `set` by a copy with `raw` values (DELETE + CREATE, or only DELETE when empty). */
function replace(set: TxtSet, raw: string[]): TxtPlan {
  const changes: TxtChange[] = [{ action: 'DELETE', set }];
  if (raw.length > 0) changes.push({ action: 'CREATE', set: { ...set, raw } });
  return { done: false, changes };
}

/**
 * Adds `value` at `name`. Already there (in any set) → nothing to do. If the name holds
 * cert-manager's MultiValueAnswer sets, Route 53 refuses a simple set beside them, so our value
 * gets its own MultiValueAnswer set the way cert-manager writes it (SetIdentifier = quoted value).
 * Otherwise the value joins the simple set, or starts one.
 */
export function planPresent(sets: TxtSet[], name: string, value: string, ttl: number): TxtPlan {
  if (sets.some((s) => holds(s, value))) return { done: true };
  const foreign = sets.find((s) => s.otherPolicy);
  if (foreign) {
    throw new Error(`the TXT records at ${name} use the ${foreign.otherPolicy} routing policy (set ${JSON.stringify(foreign.setIdentifier)}); certctl only writes simple or multivalue answer records there`);
  }
  const quoted = quoteTxt(value);
  if (sets.some((s) => s.multiValueAnswer)) {
    return { done: false, changes: [{ action: 'CREATE', set: { name, ttl, raw: [quoted], setIdentifier: quoted, multiValueAnswer: true } }] };
  }
  const simple = sets.find((s) => s.setIdentifier === undefined);
  if (!simple) return { done: false, changes: [{ action: 'CREATE', set: { name, ttl, raw: [quoted] } }] };
  return replace(simple, [...simple.raw, quoted]);
}

/**
 * Removes `value` from whichever set holds it (ours, or a MultiValueAnswer set), keeping every
 * other value of that set; the set is deleted, with its exact contents, when ours was the last.
 * Sets without our value, including cert-manager's, are never touched.
 */
export function planCleanUp(sets: TxtSet[], value: string): TxtPlan {
  const set = sets.find((s) => holds(s, value));
  if (!set) return { done: true };
  return replace(
    set,
    set.raw.filter((r) => unquote(r) !== value),
  );
}

/** A stable fingerprint of what was read, to tell a concurrent change from a persistent error. */
export function fingerprint(sets: TxtSet[]): string {
  return JSON.stringify(sets.map((s) => [s.setIdentifier ?? '', s.ttl, [...s.raw].sort()]).sort());
}
