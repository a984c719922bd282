/**
 * `loadManifests`: YAML sources → validated, defaulted cert-manager resources. Pure: no I/O.
 * Every problem in every source is collected and thrown as one SpecError.
 */
import { LineCounter } from 'yaml';
import { crossCheck } from './cross-check.js';
import type { Ctx } from './cursor.js';
import { SpecError } from './errors.js';
import type { SpecIssue } from './errors.js';
import { checkLabelName } from './names.js';
import { loadResource } from './resource.js';
import type { Collected } from './resource.js';
import type { Source } from './sources.js';
import { issuerKey } from './types.js';
import type { CertificateResource, IssuerResource, Manifests, SecretResource } from './types.js';
import { parseDocuments } from './yaml.js';

export interface LoadOptions {
  /** `--namespace`: overrides the namespace of every namespaced resource (default: as written, else `default`). */
  namespace?: string;
}

/** More would only scroll the first, most useful, ones away. */
export const MAX_ISSUES = 50;

function sortIssues(issues: SpecIssue[], files: string[]): SpecIssue[] {
  const rank = (f: string): number => {
    const i = files.indexOf(f);
    return i < 0 ? files.length : i;
  };
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => rank(a.issue.pos.file) - rank(b.issue.pos.file) || a.issue.pos.line - b.issue.pos.line || a.issue.pos.col - b.issue.pos.col || a.i - b.i)
    .map((x) => x.issue);
}

function cap(issues: SpecIssue[]): SpecIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const rest = issues.length - MAX_ISSUES;
  return [...issues.slice(0, MAX_ISSUES), { pos: issues[MAX_ISSUES].pos, path: '', message: `... and ${rest} more issue${rest === 1 ? '' : 's'} not shown` }];
}

/**
 * Parses and validates all sources. Throws SpecError with every issue found (at most
 * MAX_ISSUES, then a count). Documents of other kinds become `notes`.
 */
export function loadManifests(sources: Source[], opts: LoadOptions = {}): Manifests {
  const issues: SpecIssue[] = [];
  if (opts.namespace !== undefined) {
    const problem = checkLabelName(opts.namespace);
    if (problem) issues.push({ pos: { file: '--namespace', line: 1, col: 1 }, path: '', message: problem.message, ...(problem.hint ? { hint: problem.hint } : {}) });
  }
  const found: Collected = { certificates: [], issuers: [], secrets: [], notes: [] };
  for (const source of sources) {
    const ctx: Ctx = { file: source.name, lc: new LineCounter(), issues };
    for (const root of parseDocuments(ctx, source.text)) loadResource(root, found, { namespaceOverride: opts.namespace });
  }
  crossCheck(found, issues);
  if (issues.length > 0) throw new SpecError(cap(sortIssues(issues, sources.map((s) => s.name))));

  const certificates: CertificateResource[] = found.certificates.map((c) => c.resource);
  const issuers = new Map<string, IssuerResource>();
  for (const { resource: i } of found.issuers) issuers.set(issuerKey(i.kind, i.metadata.namespace, i.metadata.name), i);
  const secrets = new Map<string, SecretResource>();
  for (const { resource: s } of found.secrets) secrets.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  return { certificates, issuers, secrets, notes: found.notes };
}
