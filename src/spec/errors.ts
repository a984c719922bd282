import type { SourcePos } from './types.js';

/** One problem in the input, located precisely. Messages never contain secret values. */
export interface SpecIssue {
  pos: SourcePos;
  /** Field path, e.g. `spec.privateKey.size` or `spec.dnsNames[2]`; empty for document-level problems. */
  path: string;
  message: string;
  /** A suggestion such as `did you mean "renewBefore"?`. */
  hint?: string;
}

/** `file:line:col: path: message (hint)` — the one format every input error uses. */
export function formatIssue(issue: SpecIssue): string {
  const where = `${issue.pos.file}:${issue.pos.line}:${issue.pos.col}`;
  const path = issue.path ? `${issue.path}: ` : '';
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${where}: ${path}${issue.message}${hint}`;
}

/** Thrown when the input is invalid; the CLI maps it to exit code 2. */
export class SpecError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'SpecError';
    this.issues = issues;
  }
}
