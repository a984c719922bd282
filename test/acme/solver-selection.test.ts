import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectSolver } from '../../src/issuers/acme/solver-selection.js';
import type { AcmeSolver } from '../../src/spec/types.js';

const pos = { file: 'x.yaml', line: 1, col: 1 };
const solver = (index: number, selector?: AcmeSolver['selector']): AcmeSolver => ({
  index,
  selector,
  dns01: { cnameStrategy: 'None', provider: { kind: 'provider', provider: 'exec', config: {}, secretRefs: [] } },
  path: `spec.acme.solvers[${index}]`,
  pos,
});
const pick = (solvers: AcmeSolver[], id: string, labels: Record<string, string> = {}): number | undefined => selectSolver(solvers, id, labels)?.index;

test('dnsNames (exact, wildcard literal) beats dnsZones, which beats matchLabels, which beats no selector', () => {
  const solvers = [
    solver(0),
    solver(1, { matchLabels: { team: 'web' } }),
    solver(2, { dnsZones: ['example.com'] }),
    solver(3, { dnsZones: ['shop.example.com'] }),
    solver(4, { dnsNames: ['*.shop.example.com'] }),
  ];
  assert.equal(pick(solvers, 'other.org'), 0, 'nothing else matches: the selector-less solver');
  assert.equal(pick(solvers, 'other.org', { team: 'web' }), 1, 'labels beat no selector');
  assert.equal(pick(solvers, 'www.example.com', { team: 'web' }), 2, 'a zone beats labels');
  assert.equal(pick(solvers, 'a.shop.example.com'), 3, 'the longest zone wins');
  assert.equal(pick(solvers, '*.shop.example.com'), 4, 'an exact name (with *.) beats every zone');
  assert.equal(pick(solvers, 'shop.example.com'), 3, 'the wildcard name does not match its apex');
});

test('ties go to the earlier solver; a selector naming other domains never matches', () => {
  const solvers = [solver(0, { dnsZones: ['example.com'] }), solver(1, { dnsZones: ['example.com'] }), solver(2, { dnsNames: ['a.example.org'] })];
  assert.equal(pick(solvers, 'x.example.com'), 0);
  assert.equal(pick(solvers, 'b.example.org'), undefined);
});

test('more matching labels win; a label mismatch excludes the solver', () => {
  const solvers = [solver(0, { matchLabels: { a: '1' } }), solver(1, { matchLabels: { a: '1', b: '2' } }), solver(2, { matchLabels: { c: '3' } })];
  assert.equal(pick(solvers, 'x.example.com', { a: '1', b: '2' }), 1);
  assert.equal(pick(solvers, 'x.example.com', { a: '1' }), 0);
  assert.equal(pick(solvers, 'x.example.com', {}), undefined);
});

test('zones match on label boundaries and ignore a trailing dot', () => {
  const solvers = [solver(0, { dnsZones: ['example.com.'] })];
  assert.equal(pick(solvers, 'www.example.com'), 0);
  assert.equal(pick(solvers, 'example.com'), 0);
  assert.equal(pick(solvers, 'badexample.com'), undefined);
});
