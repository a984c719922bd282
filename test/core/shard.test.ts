/**
 * Shard assignment: a pure function of the manifests, so every pod of an Indexed Job computes the
 * same one. Stable (pinned values), CA-safe (a tree stays together), balanced, and moving little
 * when the shard count grows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignShards, jumpHash, manifestsOfShard } from '../../src/core/shard.js';
import { loadManifests } from '../../src/spec/load.js';

const ISSUERS = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: self}
spec: {selfSigned: {}}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: team-ca, namespace: team}
spec: {ca: {secretName: team-root}}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: sub-ca, namespace: team}
spec: {ca: {secretName: team-sub}}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: external-ca}
spec: {ca: {secretName: company-ca}}
`;

function cert(name: string, ns: string, issuer: string, kind = 'Issuer', extra = ''): string {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: ${ns}}
spec:
  secretName: ${name}
  commonName: ${name}
  issuerRef: {name: ${issuer}, kind: ${kind}}
${extra}`;
}

function manifests(docs: string[]) {
  return loadManifests([{ name: 'fleet.yaml', text: [ISSUERS, ...docs].join('---\n') }]);
}

test('jump consistent hash: pinned values, in range, and going from N to N+1 moves about 1/(N+1)', () => {
  // Pinned (checked against a C version of Lamping & Veach's function over the first 8 bytes of
  // SHA-256): a change here reshuffles every fleet's shards on upgrade.
  assert.deepEqual([jumpHash('a/web', 1), jumpHash('a/web', 4), jumpHash('b/api', 4), jumpHash('default/x', 7), jumpHash('a/web', 1000)], [0, 2, 3, 6, 712]);
  const keys = Array.from({ length: 4000 }, (_, i) => `ns${i % 50}/c${i}`);
  const four = keys.map((k) => jumpHash(k, 4));
  const five = keys.map((k) => jumpHash(k, 5));
  for (const b of [...four, ...five]) assert.ok(b >= 0 && b < 5);
  const moved = keys.filter((_, i) => four[i] !== five[i]).length / keys.length;
  assert.ok(moved > 0.15 && moved < 0.25, `moved ${moved}, expected about 0.2`);
  // Those that move go to the new shard only.
  for (let i = 0; i < keys.length; i++) if (four[i] !== five[i]) assert.equal(five[i], 4);
  const counts = [0, 0, 0, 0];
  for (const b of four) counts[b]++;
  for (const n of counts) assert.ok(n > 850 && n < 1150, `shard sizes ${counts}`);
});

test('a CA Certificate, the leaves its issuer signs, and a sub-CA tree share one shard; independent ones spread', () => {
  const docs = [
    cert('team-root', 'team', 'self', 'ClusterIssuer', '  isCA: true\n'),
    cert('team-sub', 'team', 'team-ca', 'Issuer', '  isCA: true\n'),
    ...Array.from({ length: 30 }, (_, i) => cert(`leaf${i}`, 'team', i % 2 ? 'team-ca' : 'sub-ca')),
    ...Array.from({ length: 60 }, (_, i) => cert(`ext${i}`, `ns${i % 6}`, 'external-ca', 'ClusterIssuer')),
  ];
  const m = manifests(docs);
  for (const count of [2, 3, 4, 7]) {
    const shards = assignShards(m, count, 'cert-manager');
    const tree = m.certificates.filter((c) => c.metadata.namespace === 'team').map((c) => shards.get(c));
    assert.equal(new Set(tree).size, 1, `the team tree is on one shard of ${count}`);
    const used = new Set(m.certificates.filter((c) => c.metadata.name.startsWith('ext')).map((c) => shards.get(c)));
    assert.equal(used.size, count, `independent Certificates reach every one of ${count} shards`);
    // Every Certificate is in exactly one shard.
    const union = Array.from({ length: count }, (_, index) => manifestsOfShard(m, { index, count }, 'cert-manager').certificates).flat();
    assert.equal(union.length, m.certificates.length);
    assert.equal(new Set(union).size, m.certificates.length);
  }
});

test('the assignment depends on the manifests only: order, other Certificates and added leaves do not move a tree', () => {
  const base = [cert('team-root', 'team', 'self', 'ClusterIssuer', '  isCA: true\n'), cert('leaf0', 'team', 'team-ca'), ...Array.from({ length: 20 }, (_, i) => cert(`ext${i}`, 'apps', 'external-ca', 'ClusterIssuer'))];
  const a = manifests(base);
  const b = manifests([...base].reverse().concat(cert('leaf-new', 'team', 'team-ca'), cert('aaa', 'team', 'team-ca')));
  const byName = (m: ReturnType<typeof manifests>) => {
    const s = assignShards(m, 5, 'cert-manager');
    return new Map(m.certificates.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, s.get(c)]));
  };
  const sa = byName(a);
  const sb = byName(b);
  for (const [k, v] of sa) assert.equal(sb.get(k), v, k);
  assert.equal(sb.get('team/aaa'), sa.get('team/team-root'), 'a new leaf joins its CA, whatever its name');
  assert.equal(sa.get('team/team-root'), jumpHash('team/team-root', 5), 'the tree goes where its root hashes');
});

test('a CA Secret given in the inputs is not a dependency: its leaves spread like independent Certificates', () => {
  const secret = `apiVersion: v1
kind: Secret
metadata: {name: team-root, namespace: team}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
`;
  const m = manifests([secret, cert('team-root', 'team', 'self', 'ClusterIssuer', '  isCA: true\n'), ...Array.from({ length: 40 }, (_, i) => cert(`leaf${i}`, 'team', 'team-ca'))]);
  const shards = assignShards(m, 4, 'cert-manager');
  assert.equal(new Set(m.certificates.map((c) => shards.get(c))).size, 4);
});
