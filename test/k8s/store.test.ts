/** KubernetesStore against a real kube-apiserver, with a ServiceAccount holding exactly the example Role's Secret verbs. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { staticAuth } from '../../src/stores/kubernetes/auth.js';
import { KubeClient } from '../../src/stores/kubernetes/client.js';
import { KubernetesStore } from '../../src/stores/kubernetes/store.js';
import type { SecretTarget } from '../../src/stores/store.js';
import { skipUnlessApiServer, startApiServer } from '../helpers/kube-apiserver.js';
import type { ApiServer } from '../helpers/kube-apiserver.js';
import { record, tls } from './records.js';

const NS = 'apps';
const SECRET_RULES = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] }];

describe('KubernetesStore on a real API server', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let client: KubeClient;
  before(async () => {
    k8s = await startApiServer();
    const token = await k8s.createServiceAccountToken(NS, 'certctl', SECRET_RULES);
    client = new KubeClient({ server: k8s.url, ca: k8s.caPem, auth: staticAuth({ token }, 'test token'), source: 'test' });
  });
  after(async () => {
    client?.close();
    await k8s?.stop();
  });

  const store = (o: { adopt?: boolean; beforeWrite?: (t: SecretTarget, attempt: number) => Promise<void> } = {}) =>
    new KubernetesStore({ client, adopt: o.adopt ?? false, beforeWrite: o.beforeWrite });
  const secret = async (name: string, ns = NS) => (await k8s.admin('GET', `/api/v1/namespaces/${ns}/secrets/${name}`)).body;
  const dec = (s: { data?: Record<string, string> }, k: string) => Buffer.from(s.data?.[k] ?? '', 'base64').toString('utf8');
  const createForeign = async (body: object) => {
    const res = await k8s.admin('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  test('create, re-read and update a certificate Secret with every annotation cert-manager writes', async () => {
    const t = { namespace: NS, secretName: 'web-tls' };
    const s = store();
    assert.equal(await s.read(t), undefined);
    const r1 = record({ labels: { team: 'web', tier: 'old' }, annotations: { 'example.com/owner': 'ops' } });
    const res = await s.write(t, tls('v1', true), r1);
    assert.equal(res.location, 'Secret apps/web-tls');
    assert.deepEqual(Object.keys(res.files), ['tls.crt', 'tls.key', 'ca.crt']);
    const back = await s.read(t);
    assert.deepEqual(back?.data, tls('v1', true));
    assert.deepEqual(back?.record, r1);
    assert.equal(back?.status, undefined);

    const raw = await secret('web-tls');
    assert.equal(raw.type, 'kubernetes.io/tls');
    assert.deepEqual(raw.metadata.labels, { team: 'web', tier: 'old', 'controller.cert-manager.io/fao': 'true', 'certctl.io/managed-by': 'certctl' });
    for (const [k, v] of Object.entries(r1.secret.annotations)) assert.equal(raw.metadata.annotations[k], v, k);
    assert.equal(raw.metadata.annotations['cert-manager.io/ip-sans'], '', 'empty annotations are written as cert-manager does');
    assert.equal(raw.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], undefined);

    await s.writeStatus(t, { version: 1, failedIssuanceAttempts: 2, lastFailureTime: '2026-01-02T00:00:00Z' });
    const r2 = record({ revision: 2, labels: { team: 'web' } });
    await s.write(t, tls('v2'), r2);
    const again = await s.read(t);
    assert.deepEqual(again?.data, tls('v2'), 'ca.crt written by certctl before is dropped');
    assert.equal(again?.record?.revision, 2);
    assert.equal(again?.status?.failedIssuanceAttempts, 2, 'a write leaves the status alone');
    const raw2 = await secret('web-tls');
    assert.equal(raw2.metadata.labels.tier, undefined, 'a label removed from the secretTemplate is removed');
    assert.equal(raw2.metadata.annotations['example.com/owner'], undefined);
  });

  test('a foreign update between read and write: 409, re-read, retried; the foreign key, label and annotation are kept', async () => {
    const t = { namespace: NS, secretName: 'busy-tls' };
    await store().write(t, tls('v1'), record());
    const attempts: number[] = [];
    const s = store({
      async beforeWrite(_t, attempt) {
        attempts.push(attempt);
        if (attempt !== 1) return;
        const cur = await secret('busy-tls');
        cur.data['extra.pem'] = Buffer.from('foreign').toString('base64');
        cur.metadata.labels['foreign'] = 'yes';
        cur.metadata.annotations['foreign.io/note'] = 'keep me';
        assert.equal((await k8s.admin('PUT', `/api/v1/namespaces/${NS}/secrets/busy-tls`, cur)).status, 200);
      },
    });
    await s.write(t, tls('v2'), record({ revision: 2 }));
    assert.deepEqual(attempts, [1, 2]);
    const raw = await secret('busy-tls');
    assert.equal(dec(raw, 'tls.crt'), tls('v2').tlsCrt);
    assert.equal(dec(raw, 'tls.key'), tls('v2').tlsKey);
    assert.equal(dec(raw, 'extra.pem'), 'foreign');
    assert.equal(raw.metadata.labels.foreign, 'yes');
    assert.equal(raw.metadata.annotations['foreign.io/note'], 'keep me');
  });

  test('a Secret someone else creates between our read and create is not overwritten', async () => {
    const t = { namespace: NS, secretName: 'race-tls' };
    const s = store({
      async beforeWrite(_t, attempt) {
        if (attempt === 1) await createForeign({ metadata: { name: 'race-tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' } });
      },
    });
    await assert.rejects(s.write(t, tls('v1'), record()), /Secret apps\/race-tls exists but was not created by certctl/);
    assert.equal(dec(await secret('race-tls'), 'tls.crt'), 'x');
  });

  test('a Secret written by cert-manager is refused, then adopted with adopt:true keeping its other contents', async () => {
    const t = { namespace: NS, secretName: 'cm-tls' };
    await createForeign({
      metadata: { name: 'cm-tls', labels: { 'controller.cert-manager.io/fao': 'true', app: 'web' },
        annotations: { 'cert-manager.io/certificate-name': 'web', 'cert-manager.io/subject-organizations': 'Old', 'other.io/x': '1' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'b2xk', 'tls.key': 'b2xk', 'keystore.p12': 'cDEy' },
    });
    await assert.rejects(store().read(t), /written by cert-manager \(Certificate "web"\).*--adopt/);
    await assert.rejects(store().write(t, tls('v1'), record()), /--adopt/);
    const adopting = store({ adopt: true });
    assert.equal((await adopting.read(t))?.record, undefined);
    await adopting.write(t, tls('v1'), record());
    const raw = await secret('cm-tls');
    assert.equal(raw.metadata.labels['certctl.io/managed-by'], 'certctl');
    assert.equal(raw.metadata.labels.app, 'web');
    assert.equal(raw.metadata.annotations['other.io/x'], '1');
    assert.equal(raw.metadata.annotations['cert-manager.io/subject-organizations'], undefined, 'stale cert-manager detail dropped');
    assert.equal(dec(raw, 'keystore.p12'), 'p12');
    assert.deepEqual((await store().read(t))?.data, tls('v1'), 'once adopted, it is certctl\'s without adopt');
  });

  test('wrong type and immutable Secrets are refused with instructions', async () => {
    const mine = { 'certctl.io/managed-by': 'certctl' };
    await createForeign({ metadata: { name: 'opaque-tls', labels: mine }, type: 'Opaque', data: { a: 'eA==' } });
    await createForeign({ metadata: { name: 'frozen-tls', labels: mine }, type: 'kubernetes.io/tls', immutable: true, data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' } });
    const s = store({ adopt: true });
    await assert.rejects(s.write({ namespace: NS, secretName: 'opaque-tls' }, tls('v1'), record()), /type Opaque.*kubectl delete secret -n apps opaque-tls/);
    await assert.rejects(s.read({ namespace: NS, secretName: 'frozen-tls' }), /immutable/);
    await assert.rejects(s.writeStatus({ namespace: NS, secretName: 'frozen-tls' }, { version: 1 }), /immutable/);
  });

  test('status before the first certificate: a placeholder Secret that reads as empty, then filled', async () => {
    const t = { namespace: NS, secretName: 'first-tls' };
    const s = store();
    await s.writeStatus(t, { version: 1, issuer: { acme: { presentedChallenges: [{ solverPath: 'spec.acme.solvers[0]', fqdn: '_acme-challenge.web.example.com.', zone: 'example.com.', value: 'v' }] } } });
    const pending = await s.read(t);
    assert.deepEqual(pending?.data, {});
    assert.equal(pending?.status?.issuer?.acme?.presentedChallenges?.length, 1);
    await s.write(t, tls('v1'), record());
    const done = await s.read(t);
    assert.deepEqual(done?.data, tls('v1'));
    assert.equal(done?.status?.issuer?.acme?.presentedChallenges?.length, 1);
  });

  test('readSecretData reads any Secret; writeSecretData makes an Opaque Secret marked as certctl\'s', async () => {
    await createForeign({ metadata: { name: 'ca-key-pair' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2E=', 'tls.key': 'a2V5' } });
    const s = store();
    const ca = await s.readSecretData({ namespace: NS, secretName: 'ca-key-pair' });
    assert.equal(ca?.['tls.key'].toString(), 'key');
    assert.equal(await s.readSecretData({ namespace: NS, secretName: 'absent' }), undefined);
    await s.writeSecretData({ namespace: NS, secretName: 'acme-account' }, { 'tls.key': Buffer.from('ACCOUNT') });
    const raw = await secret('acme-account');
    assert.equal(raw.type, 'Opaque');
    assert.equal(raw.metadata.labels['certctl.io/managed-by'], 'certctl');
    assert.equal(dec(raw, 'tls.key'), 'ACCOUNT');
    await s.writeSecretData({ namespace: NS, secretName: 'acme-account' }, { 'tls.key.next': Buffer.from('NEXT') });
    await s.writeSecretData({ namespace: NS, secretName: 'acme-account' }, { 'tls.key': Buffer.from('NEXT') }, { remove: ['tls.key.next'] });
    assert.deepEqual(Object.keys((await secret('acme-account')).data), ['tls.key']);
    assert.equal(dec(await secret('acme-account'), 'tls.key'), 'NEXT');
    await assert.rejects(s.writeSecretData({ namespace: NS, secretName: 'ca-key-pair' }, { x: Buffer.from('') }), /not created by certctl/);
  });

  test('a missing namespace and a forbidden namespace are reported as such', async () => {
    await assert.rejects(store().write({ namespace: 'nowhere', secretName: 'x' }, tls('v1'), record()), /forbidden to get secrets "x" in namespace "nowhere"/);
    const admin = new KubernetesStore({ client: new KubeClient({ server: k8s.url, ca: k8s.caPem, auth: staticAuth({ token: k8s.adminToken }, 'admin'), source: 't' }), adopt: false });
    await assert.rejects(admin.write({ namespace: 'nowhere', secretName: 'x' }, tls('v1'), record()), /not found: secrets in namespace "nowhere": namespaces "nowhere" not found/);
  });
});
