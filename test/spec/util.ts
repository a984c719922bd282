/** Helpers for the spec tests (not a test file itself). */
import { SpecError, formatIssue } from '../../src/spec/errors.js';
import type { SpecIssue } from '../../src/spec/errors.js';
import { loadManifests } from '../../src/spec/load.js';
import type { LoadOptions } from '../../src/spec/load.js';
import type { Manifests } from '../../src/spec/types.js';

export const FILE = 'in.yaml';

export function load(text: string, opts?: LoadOptions): Manifests {
  return loadManifests([{ name: FILE, text }], opts);
}

/** The issues loading `text` reports; fails if it loads. */
export function issuesOf(text: string, opts?: LoadOptions): SpecIssue[] {
  try {
    load(text, opts);
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  throw new Error('expected a SpecError, but the input loaded');
}

export function messagesOf(text: string, opts?: LoadOptions): string[] {
  return issuesOf(text, opts).map(formatIssue);
}

/** A selfSigned Issuer `ca` in namespace `default`, so Certificates referring to it resolve. */
export const ISSUER = `---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ca}
spec:
  selfSigned: {}
`;

/**
 * A Certificate `c` (line 1) with secretName and issuerRef set; `spec` lines start at line 7,
 * indented by two spaces. Followed by ISSUER.
 */
export function cert(spec: string, metadata = '{name: c}'): string {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: ${metadata}
spec:
  secretName: s
  issuerRef: {name: ca}
${spec}
${ISSUER}`;
}

/** An Issuer `i` whose `spec` lines start at line 5. */
export function issuer(spec: string, kind = 'Issuer'): string {
  return `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata: {name: i}
spec:
${spec}
`;
}

/** An ACME Issuer with one solver; `solver` lines start at line 9 (`    - ` list item). */
export function acmeSolver(solver: string): string {
  return issuer(`  acme:
    server: https://acme.example/dir
    privateKeySecretRef: {name: k}
    solvers:
${solver}`);
}

/** One entry of the bad-input catalogue: an input and the exact messages it must produce. */
export interface BadCase {
  name: string;
  text: string;
  /** `--namespace`, when the case is about it. */
  namespace?: string;
  expected: string[];
}
