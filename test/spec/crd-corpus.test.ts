/**
 * CRD corpus: valid cert-manager manifests (test/spec/corpus) are checked with ajv against
 * cert-manager's own openAPIV3Schema (shared/cert-manager-crds, v1.21.1), and must load with
 * certctl, or fail only with "not supported yet" at the paths listed below.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { SpecError } from '../../src/spec/errors.js';
import type { SpecIssue } from '../../src/spec/errors.js';
import { loadManifests } from '../../src/spec/load.js';
import type { Source } from '../../src/spec/sources.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * cert-manager's CRDs are test data kept outside the repository, in `shared/` beside it: beside
 * this checkout, or beside the checkout it was cloned from (a CI clone in /tmp), or where
 * CERTCTL_CRD_DIR says.
 */
function findCrdDir(): string {
  const beside = (repo: string): string => join(repo, '..', 'shared', 'cert-manager-crds');
  const candidates = [process.env.CERTCTL_CRD_DIR, beside(ROOT)];
  try {
    const origin = execFileSync('git', ['-C', ROOT, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const path = origin.startsWith('file://') ? fileURLToPath(origin) : origin;
    if (isAbsolute(path)) candidates.push(beside(resolve(path)));
  } catch {
    // not a git checkout, or no origin: only the other places
  }
  return candidates.find((d): d is string => Boolean(d) && existsSync(d!)) ?? beside(ROOT);
}

const CRD_DIR = findCrdDir();
const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
const CM_KINDS = ['Certificate', 'Issuer', 'ClusterIssuer'];

/** Certificate name → the one path certctl reports as "not supported yet" (unsupported.yaml). */
const NOT_SUPPORTED: Record<string, string> = {
  'literal-subject': 'spec.literalSubject',
  'other-names': 'spec.otherNames',
  'name-constraints': 'spec.nameConstraints',
  'signature-sha384': 'spec.signatureAlgorithm',
  'no-usages-in-csr': 'spec.encodeUsagesInRequest',
  'external-issuer': 'spec.issuerRef.group',
};

type Obj = Record<string, unknown>;
interface CorpusDoc {
  file: string;
  line: number;
  obj: Obj;
}

const sources: Source[] = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(CORPUS_DIR, f), 'utf8') }));

/** Every resource in the corpus (List items expanded), with the line it starts on. */
function corpusDocs(): CorpusDoc[] {
  const out: CorpusDoc[] = [];
  for (const s of sources) {
    for (const doc of parseAllDocuments(s.text)) {
      const obj = doc.toJS() as Obj | null;
      if (!obj) continue;
      const line = s.text.slice(0, doc.contents?.range?.[0] ?? 0).split('\n').length;
      const items = obj.kind === 'List' ? (obj.items as Obj[]) : [obj];
      for (const item of items) out.push({ file: s.name, line, obj: item });
    }
  }
  return out;
}

const isCertManager = (o: Obj): boolean => o.apiVersion === 'cert-manager.io/v1' && CM_KINDS.includes(String(o.kind));
const nameOf = (o: Obj): string => String((o.metadata as Obj).name);

/**
 * Kubernetes prunes unknown fields instead of rejecting them, so the raw schema accepts typos.
 * kubectl's strict field validation rejects them; mimic it with additionalProperties: false on
 * every object that lists its properties and does not preserve unknown fields.
 */
function strictSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(strictSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s as Obj)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Obj).map(([p, ps]) => [p, strictSchema(ps)])) : strictSchema(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function loadValidators(): Map<string, ValidateFunction> {
  // x-kubernetes-* keywords are unknown to ajv (strict: false ignores them); `format: byte` and
  // `int32` are not checked (validateFormats: false).
  const ajv = new AjvModule.default({ strict: false, allErrors: true, validateFormats: false });
  const out = new Map<string, ValidateFunction>();
  for (const f of readdirSync(CRD_DIR).filter((n) => n.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(CRD_DIR, f), 'utf8')) as { spec: { names: { kind: string }; versions: Array<{ schema: { openAPIV3Schema: unknown } }> } };
    out.set(crd.spec.names.kind, ajv.compile(strictSchema(crd.spec.versions[0].schema.openAPIV3Schema) as object));
  }
  return out;
}

function issuesOf(fn: () => unknown): SpecIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  return [];
}

const docs = corpusDocs();
const cmDocs = docs.filter((d) => isCertManager(d.obj));
const crdsAvailable = existsSync(CRD_DIR);

describe('CRD corpus', () => {
  it('has 25+ cert-manager documents and a mixed bundle', () => {
    assert.ok(cmDocs.length >= 25, `only ${cmDocs.length}`);
    assert.ok(docs.some((d) => d.obj.kind === 'Deployment'));
    assert.ok(docs.some((d) => d.obj.kind === 'Secret'));
  });

  it('is accepted by cert-manager\'s CRD schemas (ajv)', (t) => {
    if (!crdsAvailable) {
      if (process.env.CI === 'true') assert.fail(`cert-manager CRDs not found at ${CRD_DIR}`);
      t.skip(`cert-manager CRDs not found at ${CRD_DIR}`);
      return;
    }
    const validators = loadValidators();
    assert.deepEqual([...validators.keys()].sort(), ['Certificate', 'ClusterIssuer', 'Issuer']);
    const rejected: string[] = [];
    for (const d of cmDocs) {
      const validate = validators.get(String(d.obj.kind)) as ValidateFunction;
      if (!validate(d.obj)) rejected.push(`${d.file}:${d.line} ${nameOf(d.obj)}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
    }
    assert.deepEqual(rejected, []);
    // The strict schema is not vacuous: it rejects a typo and a bad enum.
    const bad = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' }, spec: { secretName: 's', issuerRef: { name: 'i' }, renewBefor: '1h' } };
    assert.equal(validators.get('Certificate')?.(bad), false);
    t.diagnostic(`ajv accepted ${cmDocs.length} of ${cmDocs.length} cert-manager documents`);
  });

  it('loads with certctl except for the features it does not support yet', (t) => {
    const issues = issuesOf(() => loadManifests(sources));
    const byName = new Map(cmDocs.filter((d) => d.file === 'unsupported.yaml').map((d) => [d.line, nameOf(d.obj)]));
    const found = issues.map((i) => {
      // The document an issue belongs to is the last one starting at or before its line.
      const line = Math.max(...[...byName.keys()].filter((l) => i.pos.file === 'unsupported.yaml' && l <= i.pos.line));
      return `${i.pos.file} ${byName.get(line)}: ${i.path}: ${i.message}`;
    });
    const expected = Object.entries(NOT_SUPPORTED).map(([name, path]) => `unsupported.yaml ${name}: ${path}: not supported yet`);
    assert.deepEqual(found, expected);
    t.diagnostic(`certctl loaded ${cmDocs.length - expected.length} documents and rejected ${expected.length} with "not supported yet"`);
  });

  it('loads everything else completely', () => {
    const m = loadManifests(sources.filter((s) => s.name !== 'unsupported.yaml'));
    assert.equal(m.certificates.length, docs.filter((d) => d.file !== 'unsupported.yaml' && d.obj.kind === 'Certificate').length);
    assert.equal(m.issuers.size, docs.filter((d) => ['Issuer', 'ClusterIssuer'].includes(String(d.obj.kind))).length);
    assert.deepEqual([...m.secrets.keys()], ['apps/imported-ca', 'apps/tsig-secret']);
    assert.deepEqual(m.notes, [
      'bundle.yaml:3:1: ignoring apps/v1 Deployment web',
      'bundle.yaml:60:1: ignoring v1 ConfigMap settings',
      'bundle.yaml:75:3: ignoring v1 Service web',
    ]);
    const types = [...m.issuers.values()].map((i) => (i.spec.type === 'unsupported' ? `unsupported:${i.spec.name}` : i.spec.type));
    assert.deepEqual(new Set(types), new Set(['selfSigned', 'ca', 'acme', 'vault', 'unsupported:venafi']));
  });

  it('agrees with the schema that unknown fields are errors, in every document', () => {
    const supported = docs.filter((d) => d.file !== 'unsupported.yaml');
    for (const [i, d] of supported.entries()) {
      if (!isCertManager(d.obj)) continue;
      const mutated = supported.map((o, j) => (j === i ? { ...o.obj, spec: { ...(o.obj.spec as Obj), bogusField: 1 } } : o.obj));
      const text = mutated.map((o) => JSON.stringify(o)).join('\n---\n');
      const issues = issuesOf(() => loadManifests([{ name: 'mutated.yaml', text }]));
      assert.deepEqual(issues.map((x) => `${x.path}: ${x.message}`), ['spec.bogusField: unknown field "bogusField"'], nameOf(d.obj));
    }
  });
});
