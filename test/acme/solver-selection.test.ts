import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictedChallengeTypes, selectSolver } from '../../src/issuers/acme/solver-selection.js';
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

test('solvers of a type the authorization does not offer are skipped, as cert-manager skips them', () => {
  const http = (index: number, selector?: AcmeSolver['selector']): AcmeSolver => ({ index, selector, http01: { type: 'ingress' }, path: `spec.acme.solvers[${index}]`, pos });
  // The common split: http01 for the site's names, dns01 for its wildcard.
  const solvers = [http(0, { dnsZones: ['example.com'] }), solver(1)];
  assert.equal(pick(solvers, 'www.example.com'), 0, 'the zone beats no selector');
  assert.equal(selectSolver(solvers, '*.example.com', {}, ['dns-01'])?.index, 1, 'a wildcard authorization offers only dns-01');
  assert.equal(selectSolver(solvers, '*.example.com', {})?.index, 0, 'without the offer, the zone would win');
  assert.equal(selectSolver(solvers, 'www.example.com', {}, ['http-01', 'dns-01', 'tls-alpn-01'])?.index, 0);
  assert.equal(selectSolver([solver(0)], '192.0.2.1', {}, ['http-01', 'tls-alpn-01']), undefined, 'no dns-01 for an IP address');
  assert.equal(selectSolver([solver(0), http(1)], '192.0.2.1', {}, ['http-01'])?.index, 1);
});

test('the challenge types a CA can offer: dns-01 only for wildcards, http-01 only for IP addresses', () => {
  assert.deepEqual(predictedChallengeTypes({ type: 'dns', value: '*.example.com' }), ['dns-01']);
  assert.deepEqual(predictedChallengeTypes({ type: 'dns', value: 'example.com' }), ['http-01', 'dns-01']);
  assert.deepEqual(predictedChallengeTypes({ type: 'ip', value: '2001:db8::1' }), ['http-01']);
});
