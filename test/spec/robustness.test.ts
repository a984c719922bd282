/**
 * Robustness: random edits of valid manifests never crash or hang the loader (reliability.md
 * R-V1, seeded so failures reproduce), and loading 1,000 Certificates stays fast (the time is
 * printed; the bound is loose on purpose, it only catches accidental quadratic behaviour).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { SpecError } from '../../src/spec/errors.js';
import { loadManifests } from '../../src/spec/load.js';

const CORPUS = new URL('./corpus/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, CORPUS), 'utf8');
// Self-contained inputs (every issuerRef resolves), so that unmutated parts still load.
const texts = [read('issuers.yaml'), read('bundle.yaml'), `${read('certificates.yaml')}---\n${read('issuers.yaml')}`];

/** mulberry32: a tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = ['', ' ', '\n', ':', '- ', '{', '}', '[', ']', '&a ', '*a', '!!str ', '"', "'", '#', '~', 'null', '-1', '1e9', '__proto__: ', '\t', '? ', '|', '>', '%YAML 1.1\n', '---\n', 'ü', '*.'];

function mutate(text: string, next: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * s.length);
    const op = next();
    if (op < 0.4) s = s.slice(0, at) + SNIPPETS[Math.floor(next() * SNIPPETS.length)] + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(next() * 8));
    else {
      // Move a line elsewhere: changes indentation structure, not just characters.
      const lines = s.split('\n');
      const [line] = lines.splice(Math.floor(next() * lines.length), 1);
      lines.splice(Math.floor(next() * lines.length), 0, line);
      s = lines.join('\n');
    }
  }
  return s;
}

const RUNS = 100;

it(`survives ${RUNS} random mutations of the corpus`, (t) => {
  const next = rng(20261129);
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < RUNS; i++) {
    const text = mutate(texts[i % texts.length], next);
    const t0 = performance.now();
    try {
      loadManifests([{ name: 'fuzz.yaml', text }]);
      loaded++;
    } catch (err) {
      if (!(err instanceof SpecError)) assert.fail(`mutation ${i} threw ${String(err)}\n${text}`);
      assert.ok(err.issues.length > 0 && err.issues.every((x) => x.pos.line >= 1 && x.pos.col >= 1), `mutation ${i}: bad positions`);
      rejected++;
    }
    assert.ok(performance.now() - t0 < 1000, `mutation ${i} took too long`);
  }
  assert.equal(loaded + rejected, RUNS);
  t.diagnostic(`${loaded} mutations loaded, ${rejected} were rejected with a SpecError`);
});

function bundle(n: number): string {
  const certs = Array.from(
    { length: n },
    (_, i) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c${i}, namespace: apps}
spec:
  secretName: tls-${i}
  commonName: h${i}.example.com
  dnsNames: [h${i}.example.com, "*.h${i}.example.com"]
  duration: 2160h
  renewBefore: 360h
  privateKey: {algorithm: ECDSA, size: 256}
  usages: [server auth, client auth]
  issuerRef: {name: ca, kind: ClusterIssuer}
`,
  );
  return `${certs.join('---\n')}---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ca}\nspec: {selfSigned: {}}\n`;
}

it('loads 1,000 Certificates quickly', (t) => {
  loadManifests([{ name: 'warm-up.yaml', text: bundle(100) }]);
  const text = bundle(1000);
  const times: number[] = [];
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const m = loadManifests([{ name: 'bundle.yaml', text }]);
    times.push(performance.now() - t0);
    assert.equal(m.certificates.length, 1000);
  }
  const ms = Math.min(...times);
  t.diagnostic(`loaded 1,000 Certificates (${(text.length / 1024).toFixed(0)} KiB) in ${ms.toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')} ms)`);
  assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
});
