/**
 * YAML → AST with the limits certctl's input dialect imposes: YAML 1.2 only, no anchors or
 * aliases (billion laughs), no explicit tags, bounded nesting, unique string keys. What passes
 * here is plain JSON-shaped data that validators can walk without further checks.
 */
import { Composer, Lexer, Parser, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { CST, ParsedNode } from 'yaml';
import { FORBIDDEN_KEYS, childPath, isNull, keyString, nodePos, posAt, report } from './cursor.js';
import type { Ctx, Cur } from './cursor.js';

/** Deeper than any real manifest (a Deployment is ~12), shallow enough for recursive consumers. */
export const MAX_DEPTH = 64;

/** The per-source size cap, also enforced before reading files (sources.ts). */
export const MAX_SOURCE_BYTES = 1024 * 1024;

function issueAt(ctx: Ctx, offset: number, message: string, hint?: string): void {
  report({ ctx, path: '' }, posAt(ctx, offset), message, hint);
}

/** For problems with the input as a whole, found before any line is counted. */
function inputIssue(ctx: Ctx, message: string): void {
  report({ ctx, path: '' }, { file: ctx.file, line: 1, col: 1 }, message);
}

/** Set when the token stream was cut short; the documents composed so far are then discarded. */
interface CstState {
  failed: boolean;
}

/**
 * Lexes and parses to CST tokens, streamed into the composer so that each document's CST can
 * be collected as soon as it is composed. Stops as soon as the parser's stack exceeds the depth
 * cap: yaml's composer recurses per level and its parser slows down quadratically with depth,
 * so a 10,000-deep `[[[[…` must be cut off here, after ~64 tokens.
 * `%YAML 1.1` would make `no`/`off` booleans and `<<` a merge key; `%TAG` only serves tags:
 * any directive other than `%YAML 1.2` is refused.
 */
function* parseCst(ctx: Ctx, text: string, state: CstState): Generator<CST.Token> {
  const parser = new Parser(ctx.lc.addNewLine);
  ctx.lc.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) {
      if (token.type === 'directive' && !/^%YAML[ \t]+1\.2[ \t]*(#.*)?$/.test(token.source)) {
        const what = JSON.stringify(token.source.trim().slice(0, 40));
        const why = token.source.startsWith('%YAML') ? ': certctl reads YAML 1.2 only' : '';
        issueAt(ctx, token.offset, `unsupported directive ${what}${why}`, 'remove the directive');
        state.failed = true;
      }
      yield token;
    }
    if (parser.stack.length > MAX_DEPTH + 2) {
      issueAt(ctx, parser.offset, `nesting too deep (more than ${MAX_DEPTH} levels)`);
      state.failed = true;
      return;
    }
  }
  yield* parser.end();
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

const NO_ANCHORS = 'anchors (&) and aliases (*) are not supported; repeat the value';

/** Aliases, anchors and tags: YAML features outside certctl's JSON-shaped dialect. */
function propertyProblem(node: ParsedNode): [string, string] | undefined {
  if (isAlias(node)) return [`alias "*${node.source}" is not supported`, NO_ANCHORS];
  if (node.anchor) return [`anchor "&${node.anchor}" is not supported`, NO_ANCHORS];
  if (node.tag) return [`explicit tag "${shortTag(node.tag)}" is not supported`, 'remove the tag; write plain strings, numbers, lists and mappings'];
  return undefined;
}

/**
 * Walks a document iteratively (no recursion, so depth cannot overflow the stack). Returns false
 * when the document must not be validated further (aliases, tags, complex keys, depth).
 * Duplicate and forbidden keys are reported but do not stop validation: readers skip them.
 */
function checkStructure(ctx: Ctx, root: ParsedNode): boolean {
  // Paths and positions are built only for what is reported: a 1 MiB list of names must not
  // allocate a path string and a line lookup per item.
  interface Entry {
    node: ParsedNode;
    depth: number;
    parent?: Entry;
    key?: string | number;
  }
  const pathOf = (e: Entry | undefined): string => {
    const keys: (string | number)[] = [];
    for (let x = e; x?.parent; x = x.parent) keys.push(x.key!);
    let path = '';
    for (let i = keys.length - 1; i >= 0; i--) path = typeof keys[i] === 'number' ? `${path}[${keys[i]}]` : childPath(path, keys[i] as string);
    return path;
  };
  const stack: Entry[] = [{ node: root, depth: 1 }];
  const stop = (node: ParsedNode | null, at: Entry, message: string, hint?: string): false => {
    report({ ctx, path: pathOf(at) }, nodePos(ctx, node, posAt(ctx, 0)), message, hint);
    return false;
  };
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const { node, depth } = entry;
    if (depth > MAX_DEPTH) return stop(node, entry, `nesting too deep (more than ${MAX_DEPTH} levels)`);
    const problem = propertyProblem(node);
    if (problem) return stop(node, entry, ...problem);
    const children: Entry[] = [];
    if (isSeq(node)) {
      node.items.forEach((item, i) => children.push({ node: item as ParsedNode, depth: depth + 1, parent: entry, key: i }));
    } else if (isMap(node)) {
      const seen = new Map<string, ParsedNode>();
      for (const pair of node.items) {
        const keyNode = pair.key as ParsedNode;
        const keyProblem = keyNode ? propertyProblem(keyNode) : undefined;
        if (keyProblem) return stop(keyNode, entry, ...keyProblem);
        const key = keyString(keyNode);
        if (key === undefined) return stop(keyNode ?? node, entry, 'mapping keys must be plain strings');
        const child: Entry = { node: pair.value as ParsedNode, depth: depth + 1, parent: entry, key };
        if (FORBIDDEN_KEYS.has(key)) {
          report({ ctx, path: pathOf(child) }, nodePos(ctx, keyNode, posAt(ctx, 0)), `unknown field "${key}"`);
          continue;
        }
        const first = seen.get(key);
        if (first) {
          const keyPos = nodePos(ctx, keyNode, posAt(ctx, 0));
          const at = nodePos(ctx, first, keyPos);
          report({ ctx, path: pathOf(child) }, keyPos, `duplicate key "${key}"`, `first defined at line ${at.line}, column ${at.col}`);
          continue;
        }
        seen.set(key, keyNode);
        children.push(child);
      }
    } else if (!isScalar(node)) {
      return stop(node, entry, 'unsupported YAML node');
    }
    // Reversed, so that pop() visits children in document order: the first problem reported
    // is the first in the file.
    for (let i = children.length - 1; i >= 0; i--) if (children[i].node) stack.push(children[i]);
  }
  return true;
}

/**
 * Parses every document of one source. Returns the root of each non-empty document that passed
 * the structural checks; everything else is reported into `ctx.issues`.
 */
export function parseDocuments(ctx: Ctx, text: string): Cur[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SOURCE_BYTES) {
    inputIssue(ctx, 'input is larger than 1 MiB');
    return [];
  }
  if (text.includes('\0')) {
    inputIssue(ctx, 'input contains NUL bytes (binary or UTF-16 data?)');
    return [];
  }
  const state: CstState = { failed: false };
  const composer = new Composer({ version: '1.2', uniqueKeys: false, merge: false, strict: true, prettyErrors: false });
  const roots: Cur[] = [];
  // A UTF-8 BOM is not part of the content; editors do not count it as a column either.
  for (const doc of composer.compose(parseCst(ctx, text.startsWith('\uFEFF') ? text.slice(1) : text, state))) {
    if (state.failed) break;
    if (doc.errors.length > 0) {
      for (const err of doc.errors) issueAt(ctx, err.pos[0], `invalid YAML: ${err.message}`);
      continue;
    }
    const root = doc.contents as ParsedNode | null;
    // Comment-only and empty documents (`---` followed by nothing) are skipped like kubectl does.
    if (root === null || (isNull(root) && !root.anchor && !root.tag)) continue;
    if (!checkStructure(ctx, root)) continue;
    // Belt and braces: any tag the walk did not meet still leaves this warning behind.
    const tagWarning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (tagWarning) {
      issueAt(ctx, tagWarning.pos[0], 'explicit tags are not supported', 'remove the tag; write plain strings, numbers, lists and mappings');
      continue;
    }
    const pos = nodePos(ctx, root, posAt(ctx, 0));
    if (!isMap(root)) {
      report({ ctx, path: '' }, pos, 'a document must be a mapping with apiVersion and kind');
      continue;
    }
    roots.push({ ctx, node: root, path: '', pos, keyPos: pos });
  }
  // A bad directive or a cut-off stream poisons every document of the source.
  return state.failed ? [] : roots;
}
