/**
 * Bad inputs (reliability.md §5): every case is rejected with exactly the listed messages, and
 * the YAML-level limits hold under hostile input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpecError } from '../../src/spec/errors.js';
import { loadManifests, MAX_ISSUES } from '../../src/spec/load.js';
import { CERTIFICATES_CASES } from './bad-cases/certificates.js';
import { DOCUMENTS_CASES } from './bad-cases/documents.js';
import { ISSUERS_CASES } from './bad-cases/issuers.js';
import { acmeSolver, cert, issuesOf, messagesOf } from './util.js';

const CASES = [...DOCUMENTS_CASES, ...CERTIFICATES_CASES, ...ISSUERS_CASES];

describe('bad-input catalogue', () => {
  it('has at least 40 cases with unique names', () => {
    assert.ok(CASES.length >= 40);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(messagesOf(c.text, c.namespace === undefined ? undefined : { namespace: c.namespace }), c.expected);
    });
  }
});

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('parser limits', () => {
  // The time bounds below are far above the normal few milliseconds (a loaded CI machine must not
  // fail them) and far below what expanding or recursing would take (minutes, or a crash).
  it('rejects a billion-laughs document without expanding it', () => {
    let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i <= 9; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const heapBefore = process.memoryUsage().heapUsed;
    let issues: string[] = [];
    const ms = timed(() => {
      issues = messagesOf(text);
    });
    assert.equal(issues.length, 1);
    assert.match(issues[0], /^in\.yaml:1:9: a0: anchor "&a0" is not supported/);
    assert.ok(ms < 2000, `took ${ms.toFixed(1)} ms`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 10 * 1024 * 1024, 'heap grew by more than 10 MB');
  });

  for (const [name, text] of [
    ['flow sequences', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['flow mappings', `a: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['block sequences', `${'- '.repeat(10_000)}x\n`],
    ['half a MiB of brackets', `${'['.repeat(500_000)}${']'.repeat(500_000)}`],
  ] as const) {
    it(`rejects 10,000+ levels of ${name} fast, without a stack overflow`, () => {
      let issues: string[] = [];
      const ms = timed(() => {
        issues = messagesOf(text);
      });
      assert.equal(issues.length, 1);
      assert.match(issues[0], /^in\.yaml:1:\d+: nesting too deep \(more than 64 levels\)$/);
      assert.ok(ms < 2000, `took ${ms.toFixed(1)} ms`);
    });
  }

  it('accepts 60 levels of nesting inside a free-form webhook config', () => {
    const deep = `${'{a: '.repeat(50)}1${'}'.repeat(50)}`;
    const m = loadManifests([{ name: 'in.yaml', text: acmeSolver(`    - dns01: {webhook: {groupName: g, solverName: s, config: ${deep}}}`) }]);
    assert.equal(m.issuers.size, 1);
  });

  it('rejects inputs over 1 MiB before parsing', () => {
    assert.deepEqual(messagesOf(`# ${'x'.repeat(1024 * 1024)}\n`), ['in.yaml:1:1: input is larger than 1 MiB']);
  });

  it('never changes Object.prototype', () => {
    const hostile = [
      cert('  commonName: a.com\n  __proto__: {polluted: 1}'),
      cert('  commonName: a.com', '{name: c, labels: {__proto__: x}, annotations: {constructor: y}}'),
      acmeSolver('    - dns01: {webhook: {groupName: g, solverName: s, config: {__proto__: {polluted: 1}, a: {prototype: {polluted: 1}}}}}'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {__proto__: x}\ndata: {constructor: YQ==}\n',
      '{"__proto__": {"polluted": 1}, "apiVersion": "v1", "kind": "ConfigMap"}',
    ];
    for (const text of hostile) {
      const issues = issuesOf(text);
      assert.ok(issues.some((i) => /^unknown field "(__proto__|constructor|prototype)"$/.test(i.message)), text);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.deepEqual(Object.keys(Object.prototype), []);
  });

  it('never echoes Secret values', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: "hunter2-is-secret!"\n  token: 12345\n';
    const messages = messagesOf(text);
    assert.equal(messages.length, 2);
    for (const m of messages) assert.doesNotMatch(m, /hunter2|12345/);
  });

  it(`reports at most ${MAX_ISSUES} issues and says how many more there are`, () => {
    const text = cert(`  dnsNames: [${Array.from({ length: 70 }, (_, i) => `bad_${i}.example.com`).join(', ')}]`);
    const issues = issuesOf(text);
    assert.equal(issues.length, MAX_ISSUES + 1);
    assert.equal(issues[MAX_ISSUES].message, '... and 20 more issues not shown');
  });

  it('gives every issue a position and a path', () => {
    const [issue] = issuesOf(cert('  commonName: a.com\n  duration: 90d'));
    assert.deepEqual(issue, {
      pos: { file: 'in.yaml', line: 8, col: 13 },
      path: 'spec.duration',
      message: 'invalid duration "90d": unknown unit "d"',
      hint: 'use hours, e.g. 2160h for 90 days',
    });
  });

  it('collects issues from every source into one SpecError', () => {
    const err = (() => {
      try {
        loadManifests([
          { name: 'a.yaml', text: cert('  duration: 1d').replace(/---[\s\S]*/, '') },
          { name: 'b.yaml', text: 'a: &x 1\n' },
        ]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof SpecError);
    assert.deepEqual(
      err.issues.map((i) => `${i.pos.file}:${i.pos.line}`),
      ['a.yaml:5', 'a.yaml:7', 'b.yaml:1'],
    );
  });
});
