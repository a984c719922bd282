/**
 * A positional cursor over the YAML AST. Validators read typed values through it, and every
 * problem is recorded with the file:line:col of the offending node and its field path, so that
 * one pass reports every issue instead of stopping at the first.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { LineCounter, ParsedNode, YAMLMap } from 'yaml';
import type { SpecIssue } from './errors.js';
import { closest, quoteList, suggestionHint } from './suggest.js';
import type { SourcePos } from './types.js';

/** Per-source state shared by all validators of one file. */
export interface Ctx {
  readonly file: string;
  readonly lc: LineCounter;
  readonly issues: SpecIssue[];
}

/** A value in the document, where it is, and how to name it. */
export interface Cur {
  readonly ctx: Ctx;
  /** `null` when a pair has no value node at all (`? key`); `key:` gives a null Scalar. */
  readonly node: ParsedNode | null;
  readonly path: string;
  /** Position of the value (used for bad values). */
  readonly pos: SourcePos;
  /** Position of the key (used for unknown fields and references); the value's for list items. */
  readonly keyPos: SourcePos;
}

/** Keys that must never become object properties (prototype pollution). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function posAt(ctx: Ctx, offset: number): SourcePos {
  const { line, col } = ctx.lc.linePos(offset);
  return { file: ctx.file, line, col };
}

export function nodePos(ctx: Ctx, node: ParsedNode | null, fallback: SourcePos): SourcePos {
  return node?.range ? posAt(ctx, node.range[0]) : fallback;
}

/** `spec.dnsNames` for identifier-like keys, `metadata.labels["app.kubernetes.io/name"]` otherwise. */
export function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function report(cur: Pick<Cur, 'ctx' | 'path'>, pos: SourcePos, message: string, hint?: string): void {
  cur.ctx.issues.push(hint ? { pos, path: cur.path, message, hint } : { pos, path: cur.path, message });
}

/** Records a problem with the value at `cur`. */
export function fail(cur: Cur, message: string, hint?: string): undefined {
  report(cur, cur.pos, message, hint);
  return undefined;
}

export function isNull(node: ParsedNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** The key of a pair as Kubernetes would see it (`1: x` is the key "1"); undefined for non-scalar keys. */
export function keyString(key: unknown): string | undefined {
  if (!isScalar(key) || key.value === null || typeof key.value === 'object') return undefined;
  return String(key.value);
}

/** "a string", "a number", "a list"... for type errors; never the value itself (it may be secret). */
export function describe(node: ParsedNode | null): string {
  if (isNull(node)) return 'null';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const t = typeof node.value;
    return t === 'string' ? 'a string' : t === 'number' || t === 'bigint' ? 'a number' : t === 'boolean' ? 'a boolean' : 'a scalar';
  }
  return 'an alias';
}

function quoteHint(node: ParsedNode | null): string | undefined {
  if (!isScalar(node) || (typeof node.value !== 'number' && typeof node.value !== 'boolean')) return undefined;
  const src = (node as { source?: string }).source ?? String(node.value);
  return `quote it: "${src}"`;
}

export function typeError(cur: Cur, expected: string, hint?: string): undefined {
  return fail(cur, `expected ${expected}, got ${describe(cur.node)}`, hint);
}

export function readString(cur: Cur): string | undefined {
  if (isScalar(cur.node) && typeof cur.node.value === 'string') return cur.node.value;
  return typeError(cur, 'a string', quoteHint(cur.node));
}

export function readBool(cur: Cur): boolean | undefined {
  if (isScalar(cur.node) && typeof cur.node.value === 'boolean') return cur.node.value;
  const hint = isScalar(cur.node) && typeof cur.node.value === 'string' ? 'write true or false without quotes' : undefined;
  return typeError(cur, 'a boolean (true or false)', hint);
}

export interface IntRange {
  min?: number;
  max?: number;
}

const INT32_MAX = 2147483647;

/** An int32, the type of every integer field in these APIs. */
export function readInt(cur: Cur, range: IntRange = {}): number | undefined {
  const v = isScalar(cur.node) ? cur.node.value : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    const hint = typeof v === 'string' && /^-?\d+$/.test(v) ? 'remove the quotes' : undefined;
    return typeError(cur, 'an integer', hint);
  }
  const min = range.min ?? -INT32_MAX - 1;
  const max = range.max ?? INT32_MAX;
  if (v < min || v > max) {
    const bounds = range.min !== undefined && range.max !== undefined ? `between ${min} and ${max}` : v < min ? `at least ${min}` : `at most ${max}`;
    return fail(cur, `must be ${bounds}, got ${v}`);
  }
  return v;
}

/** One of `allowed`; `ignoreCase` returns the canonical spelling. */
export function readEnum<T extends string>(cur: Cur, allowed: readonly T[], ignoreCase = false): T | undefined {
  const v = readString(cur);
  if (v === undefined) return undefined;
  const hit = allowed.find((a) => a === v || (ignoreCase && a.toLowerCase() === v.toLowerCase()));
  if (hit !== undefined) return hit;
  const near = allowed.find((a) => a.toLowerCase() === v.toLowerCase()) ?? closest(v, allowed);
  return fail(cur, `unsupported value ${JSON.stringify(v.slice(0, 80))}: must be ${quoteList(allowed)}`, near ? `did you mean "${near}"?` : undefined);
}

/** The items of a list, each with its own path (`spec.dnsNames[2]`) and position. */
export function readList(cur: Cur): Cur[] | undefined {
  if (!isSeq(cur.node)) {
    const hint = isScalar(cur.node) && typeof cur.node.value === 'string' ? `use a list: [${JSON.stringify(cur.node.value.slice(0, 60))}]` : undefined;
    return typeError(cur, 'a list', hint);
  }
  return cur.node.items.map((item, i) => {
    const node = item as ParsedNode | null;
    const pos = nodePos(cur.ctx, node, cur.pos);
    return { ctx: cur.ctx, node, path: `${cur.path}[${i}]`, pos, keyPos: pos };
  });
}

export function readStringList(cur: Cur): string[] | undefined {
  if (!isSeq(cur.node)) {
    const hint = isScalar(cur.node) && typeof cur.node.value === 'string' ? `use a list: [${JSON.stringify(cur.node.value.slice(0, 60))}]` : undefined;
    return typeError(cur, 'a list of strings', hint);
  }
  const out: string[] = [];
  let ok = true;
  for (const item of readList(cur) ?? []) {
    const s = readString(item);
    if (s === undefined) ok = false;
    else out.push(s);
  }
  return ok ? out : undefined;
}

/** The entries of a mapping in source order; keys are strings, forbidden keys are skipped. */
export function mapEntries(cur: Cur): Array<[string, Cur]> | undefined {
  if (!isMap(cur.node)) return typeError(cur, 'a mapping');
  const out: Array<[string, Cur]> = [];
  const seen = new Set<string>();
  for (const pair of (cur.node as YAMLMap.Parsed).items) {
    const key = keyString(pair.key);
    // Bad, duplicate and forbidden keys were reported by the structural check (yaml.ts).
    if (key === undefined || FORBIDDEN_KEYS.has(key) || seen.has(key)) continue;
    seen.add(key);
    const node = pair.value as ParsedNode | null;
    const keyPos = nodePos(cur.ctx, pair.key as ParsedNode, cur.pos);
    out.push([key, { ctx: cur.ctx, node, path: childPath(cur.path, key), pos: nodePos(cur.ctx, node, keyPos), keyPos }]);
  }
  return out;
}

/** A `map[string]string`. */
export function readStringMap(cur: Cur): Record<string, string> | undefined {
  const entries = mapEntries(cur);
  if (!entries) return undefined;
  const out: Record<string, string> = {};
  let ok = true;
  for (const [k, c] of entries) {
    const s = readString(c);
    if (s === undefined) ok = false;
    else out[k] = s;
  }
  return ok ? out : undefined;
}

/** Field access on a mapping with a fixed set of known fields; unknown fields are reported. */
export class MapReader {
  readonly cur: Cur;
  private readonly fields = new Map<string, Cur>();

  constructor(cur: Cur, entries: Array<[string, Cur]>, known: readonly string[], ignored: readonly string[] = []) {
    this.cur = cur;
    for (const [key, c] of entries) {
      if (known.includes(key)) this.fields.set(key, c);
      else if (!ignored.includes(key)) report(c, c.keyPos, `unknown field "${key}"`, suggestionHint(key, known));
    }
  }

  get path(): string {
    return this.cur.path;
  }

  /** The key is written, even with a null value. */
  has(name: string): boolean {
    return this.fields.has(name);
  }

  /** The value if present and not null (Kubernetes drops null optional fields). */
  get(name: string): Cur | undefined {
    const c = this.fields.get(name);
    return c && !isNull(c.node) ? c : undefined;
  }

  /** Reports a required field that is absent (at the parent mapping) or null (at the value). */
  required(name: string, expected: string): Cur | undefined {
    const c = this.fields.get(name);
    if (!c) {
      report({ ctx: this.cur.ctx, path: childPath(this.path, name) }, this.cur.pos, 'required field is missing');
      return undefined;
    }
    if (isNull(c.node)) return typeError(c, expected);
    return c;
  }

  str(name: string): string | undefined {
    const c = this.get(name);
    return c && readString(c);
  }

  reqStr(name: string): string | undefined {
    const c = this.required(name, 'a string');
    return c && readString(c);
  }

  bool(name: string): boolean | undefined {
    const c = this.get(name);
    return c && readBool(c);
  }

  int(name: string, range?: IntRange): number | undefined {
    const c = this.get(name);
    return c && readInt(c, range);
  }

  strList(name: string): string[] | undefined {
    const c = this.get(name);
    return c && readStringList(c);
  }

  strMap(name: string): Record<string, string> | undefined {
    const c = this.get(name);
    return c && readStringMap(c);
  }

  list(name: string): Cur[] | undefined {
    const c = this.get(name);
    return c && readList(c);
  }

  enumOf<T extends string>(name: string, allowed: readonly T[], ignoreCase = false): T | undefined {
    const c = this.get(name);
    return c && readEnum(c, allowed, ignoreCase);
  }

  map(name: string, known: readonly string[], ignored?: readonly string[]): MapReader | undefined {
    const c = this.get(name);
    return c && readMap(c, known, ignored);
  }

  reqMap(name: string, known: readonly string[]): MapReader | undefined {
    const c = this.required(name, 'a mapping');
    return c && readMap(c, known);
  }
}

export function readMap(cur: Cur, known: readonly string[], ignored?: readonly string[]): MapReader | undefined {
  const entries = mapEntries(cur);
  return entries && new MapReader(cur, entries, known, ignored);
}
