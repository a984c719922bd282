/**
 * Planning at fleet scale: one CA Secret shared by many Certificates is looked up once, and when
 * it is missing the run says so once, not once per Certificate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planIssuance } from '../../src/core/plan.js';
import { SpecError } from '../../src/spec/errors.js';
import { loadManifests } from '../../src/spec/load.js';
import type { SecretTarget } from '../../src/stores/store.js';
import { MemoryStore } from '../../src/stores/memory.js';

function fleet(n: number): string {
  const docs = ['apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: fleet-ca}\nspec: {ca: {secretName: fleet-ca}}\n'];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c${i}, namespace: ns${i % 3}}
spec:
  secretName: c${i}-tls
  dnsNames: [c${i}.fleet.test]
  issuerRef: {name: fleet-ca, kind: ClusterIssuer}
`);
  }
  return docs.join('---\n');
}

/** The memory store, counting the Secret reads planning makes. */
class CountingStore extends MemoryStore {
  reads: string[] = [];
  override async readSecretData(target: SecretTarget): Promise<Record<string, Buffer> | undefined> {
    this.reads.push(`${target.namespace}/${target.secretName}`);
    return super.readSecretData(target);
  }
}

describe('planning a fleet', () => {
  it('a missing CA Secret used by 500 Certificates is one error naming three of them and the count, after one store read', async () => {
    const manifests = loadManifests([{ name: 'fleet.yaml', text: fleet(500) }]);
    const store = new CountingStore();
    const err = await planIssuance(manifests, store, { clusterResourceNamespace: 'cert-manager' }).then(
      () => assert.fail('planning should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SpecError);
    assert.equal(err.issues.length, 1);
    const [issue] = err.issues;
    assert.equal(`${issue!.pos.file}:${issue!.pos.line}:${issue!.pos.col}`, 'fleet.yaml:4:13');
    assert.equal(issue!.path, 'spec.ca.secretName');
    assert.match(issue!.message, /^Secret cert-manager\/fleet-ca not found: .* \(referenced by ClusterIssuer fleet-ca, used by Certificates ns0\/c0, ns1\/c1, ns2\/c2 and 497 more\)$/);
    assert.deepEqual(store.reads, ['cert-manager/fleet-ca']);
  });

  it('one Certificate is named as before', async () => {
    const manifests = loadManifests([{ name: 'one.yaml', text: fleet(1) }]);
    await assert.rejects(planIssuance(manifests, new MemoryStore(), { clusterResourceNamespace: 'cert-manager' }), (e: unknown) => {
      assert.ok(e instanceof SpecError);
      assert.match(e.issues[0]!.message, /used by Certificate ns0\/c0\)$/);
      return true;
    });
  });

  it('with the CA Secret in the store, 500 Certificates plan in dependency order after one read', async () => {
    const manifests = loadManifests([{ name: 'fleet.yaml', text: fleet(500) }]);
    const store = new CountingStore();
    await store.writeSecretData({ namespace: 'cert-manager', secretName: 'fleet-ca' }, { 'tls.crt': Buffer.from('x'), 'tls.key': Buffer.from('y') });
    const plan = await planIssuance(manifests, store, { clusterResourceNamespace: 'cert-manager' });
    assert.equal(plan.length, 500);
    assert.deepEqual(store.reads, ['cert-manager/fleet-ca']);
  });
});
