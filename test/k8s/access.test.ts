/**
 * Reaching a real kube-apiserver: RBAC preflight, Leases, in-cluster token rotation, kubeconfig
 * TLS/exec paths, and the errors a user sees.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubernetesStore } from '../../src/stores/kubernetes/index.js';
import { staticAuth } from '../../src/stores/kubernetes/auth.js';
import { KubeClient } from '../../src/stores/kubernetes/client.js';
import { KubernetesLease, microTime } from '../../src/stores/kubernetes/lease.js';
import { skipUnlessApiServer, startApiServer } from '../helpers/kube-apiserver.js';
import type { ApiServer, PolicyRule } from '../helpers/kube-apiserver.js';
import { buildCertificate, encodePrivateKey, generatePrivateKey } from '../../src/pki/index.js';
import { record, tls } from './records.js';

const SECRETS: PolicyRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] };
const LEASES: PolicyRule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] };

describe('access to a real API server', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let dir: string;
  let fullToken: string;
  before(async () => {
    k8s = await startApiServer();
    dir = await mkdtemp(join(tmpdir(), 'certctl-k8s-access-'));
    await writeFile(join(dir, 'ca.crt'), k8s.caPem);
    fullToken = await k8s.createServiceAccountToken('certs', 'certctl', [SECRETS, LEASES]);
  });
  after(async () => {
    await k8s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const kubeconfig = async (name: string, cluster: object, user: object): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'c', cluster: { server: k8s.url, ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'test', context: { cluster: 'c', user: 'u', namespace: 'certs' } }],
    }));
    return path;
  };
  const clientFor = (token: string) => new KubeClient({ server: k8s.url, ca: k8s.caPem, auth: staticAuth({ token }, 'test token'), source: 'test' });

  test('preflight: a Role without update fails fast with the rule to add; a complete Role passes', async () => {
    const token = await k8s.createServiceAccountToken('shop', 'limited', [{ ...SECRETS, verbs: ['get', 'create'] }, LEASES]);
    const { store, leaseName } = await createKubernetesStore({
      env: {}, adopt: false, kubeconfigPath: await kubeconfig('limited', { 'certificate-authority': join(dir, 'ca.crt') }, { token }),
    });
    const targets = [{ namespace: 'shop', secretName: 'web-tls' }, { namespace: 'shop', secretName: 'api-tls' }];
    const err = await store.preflight(targets, { lease: { namespace: 'shop', name: leaseName } }).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'preflight must fail');
    assert.match(err.message, /as system:serviceaccount:shop:limited.*nothing was ordered/);
    assert.match(err.message, /- update secrets "web-tls" in namespace "shop"\n {2}- update secrets "api-tls" in namespace "shop"/);
    assert.match(err.message, /In namespace "shop", add to the rules of a Role bound to the ServiceAccount "limited" of namespace "shop":\n- apiGroups: \[""\]\n {2}resources: \["secrets"\]\n {2}verbs: \["update"\]/);
    assert.doesNotMatch(err.message, /leases/);
    assert.doesNotMatch(err.message, new RegExp(token.slice(-20)));
    assert.equal((await k8s.admin('GET', '/api/v1/namespaces/shop/secrets/web-tls')).status, 404, 'preflight writes nothing');

    const full = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('full', { 'certificate-authority': join(dir, 'ca.crt') }, { token: fullToken }) });
    await full.store.preflight([{ namespace: 'certs', secretName: 'web-tls' }], { lease: { namespace: 'certs', name: full.leaseName } });
    await assert.rejects(full.store.preflight([{ namespace: 'other', secretName: 'x' }]), /- get secrets "x" in namespace "other"/);
    const admin = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('admin', { 'certificate-authority-data': Buffer.from(k8s.caPem).toString('base64') }, { token: k8s.adminToken }) });
    await assert.rejects(admin.store.preflight([{ namespace: 'missing-ns', secretName: 'x' }]), /namespace "missing-ns" does not exist; create it first/);
  });

  test('two Lease acquirers at once: exactly one wins; released, the other gets it', async () => {
    const client = clientFor(fullToken);
    const lease = () => new KubernetesLease({ client, namespace: 'certs', name: 'race' });
    const [a, b] = await Promise.all([lease().acquire({ waitMs: 0, holder: 'pod-a' }), lease().acquire({ waitMs: 0, holder: 'pod-b' })]);
    assert.equal([a, b].filter(Boolean).length, 1, 'exactly one holder');
    const winner = a ? 'pod-a' : 'pod-b';
    const loser = a ? 'pod-b' : 'pod-a';
    assert.match((await lease().describeHolder()) ?? '', new RegExp(`^${winner} \\(Lease certs/race, since .*, valid until .* unless renewed\\)$`));
    assert.equal(await lease().acquire({ waitMs: 300, holder: loser }), undefined, 'waits, then gives up');
    const waiting = lease().acquire({ waitMs: 5000, holder: loser });
    await (a ?? b)!.release();
    const next = await waiting;
    assert.ok(next, 'the waiting run gets the Lease once released');
    assert.match((await lease().describeHolder()) ?? '', new RegExp(`^${loser} `));
    await next.release();
    assert.equal(await lease().describeHolder(), undefined);
    client.close();
  });

  test('an expired Lease (its holder died) is taken over; a live one is not', async () => {
    const client = clientFor(fullToken);
    const old = new Date(Date.now() - 120_000);
    const put = (name: string, renew: Date) =>
      k8s.admin('POST', '/apis/coordination.k8s.io/v1/namespaces/certs/leases', {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name },
        spec: { holderIdentity: 'dead-pod', leaseDurationSeconds: 60, acquireTime: microTime(renew), renewTime: microTime(renew), leaseTransitions: 3 },
      });
    assert.equal((await put('stale', old)).status, 201);
    assert.equal((await put('live', new Date())).status, 201);
    const stale = new KubernetesLease({ client, namespace: 'certs', name: 'stale' });
    assert.match((await stale.describeHolder()) ?? '', /dead-pod .*expired at/);
    const held = await stale.acquire({ waitMs: 0, holder: 'new-pod' });
    assert.ok(held);
    const lease = (await k8s.admin('GET', '/apis/coordination.k8s.io/v1/namespaces/certs/leases/stale')).body;
    assert.equal(lease.spec.holderIdentity, 'new-pod');
    assert.equal(lease.spec.leaseTransitions, 4);
    await held.release();
    assert.equal(await new KubernetesLease({ client, namespace: 'certs', name: 'live' }).acquire({ waitMs: 0, holder: 'new-pod' }), undefined);
    client.close();
  });

  test('a held Lease is renewed past its duration; a holder that lost it is told', async () => {
    const client = clientFor(fullToken);
    const lost: string[] = [];
    const lease = new KubernetesLease({ client, namespace: 'certs', name: 'renewed', leaseDurationSeconds: 1, onLost: (m) => lost.push(m) });
    const held = await lease.acquire({ waitMs: 0, holder: 'long-run' });
    assert.ok(held);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(await new KubernetesLease({ client, namespace: 'certs', name: 'renewed' }).acquire({ waitMs: 0, holder: 'other' }), undefined, 'still renewed, not expired');
    const cur = (await k8s.admin('GET', '/apis/coordination.k8s.io/v1/namespaces/certs/leases/renewed')).body;
    cur.spec.holderIdentity = 'usurper';
    assert.equal((await k8s.admin('PUT', '/apis/coordination.k8s.io/v1/namespaces/certs/leases/renewed', cur)).status, 200);
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(lost, ['Lease certs/renewed was taken over by another holder']);
    await held.release();
    assert.match((await lease.describeHolder()) ?? '', /^usurper /, 'release does not free a Lease that is no longer ours');
    client.close();
  });

  test('in-cluster: the token file is re-read on every request', async () => {
    const paths = { tokenPath: join(dir, 'token'), caPath: join(dir, 'ca.crt'), namespacePath: join(dir, 'namespace') };
    await writeFile(paths.namespacePath, 'certs');
    await writeFile(paths.tokenPath, fullToken);
    const u = new URL(k8s.url);
    const h = await createKubernetesStore({ env: { KUBERNETES_SERVICE_HOST: u.hostname, KUBERNETES_SERVICE_PORT: u.port }, adopt: false, inCluster: paths });
    assert.equal(h.defaultNamespace, 'certs');
    assert.equal(h.source, 'in-cluster service account');
    const t = { namespace: 'certs', secretName: 'pod-tls' };
    await h.store.write(t, tls('v1'), record());
    await writeFile(paths.tokenPath, 'revoked-token');
    // Another Secret: the store remembers what this run already read or wrote.
    const other = { namespace: 'certs', secretName: 'other-tls' };
    await assert.rejects(h.store.read(other), /rejected the credentials \(401 Unauthorized\) from the pod's service account token .*\/token/);
    await writeFile(paths.tokenPath, `${await k8s.createServiceAccountToken('certs', 'certctl', [SECRETS, LEASES])}\n`);
    assert.equal(await h.store.read(other), undefined);
    await h.store.write(t, tls('v2'), record());
    assert.deepEqual((await h.store.read(t))?.data, tls('v2'));
    h.close();
  });

  test('kubeconfig: an untrusted server certificate, insecure-skip-tls-verify, and an exec plugin', async () => {
    const untrusted = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('untrusted', {}, { token: fullToken }) });
    await assert.rejects(untrusted.store.read({ namespace: 'certs', secretName: 'x' }), /TLS certificate of the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ is not trusted .*certificate-authority/);
    const insecure = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('insecure', { 'insecure-skip-tls-verify': true }, { token: fullToken }) });
    assert.equal(await insecure.store.read({ namespace: 'certs', secretName: 'nothing' }), undefined);
    await writeFile(join(dir, 'plugin.cjs'), `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.T } }))`);
    const viaExec = await createKubernetesStore({
      env: { PATH: process.env.PATH, T: fullToken }, adopt: false,
      kubeconfigPath: await kubeconfig('exec', { 'certificate-authority': 'ca.crt' }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [join(dir, 'plugin.cjs')] } }),
    });
    assert.equal(await viaExec.store.read({ namespace: 'certs', secretName: 'nothing' }), undefined);
    const denied = await createKubernetesStore({
      env: { PATH: process.env.PATH, T: 'wrong' }, adopt: false,
      kubeconfigPath: await kubeconfig('exec-bad', { 'certificate-authority': 'ca.crt' }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [join(dir, 'plugin.cjs')] } }),
    });
    await assert.rejects(denied.store.read({ namespace: 'certs', secretName: 'nothing' }), /401 Unauthorized\) from the exec credential plugin/);
  });

  test('kubeconfig client certificates: accepted when signed by the client CA, 401 otherwise', async () => {
    const { certPem, keyPem } = await k8s.createClientCertificate('ops', ['system:masters']);
    const user = { 'client-certificate-data': Buffer.from(certPem).toString('base64'), 'client-key-data': Buffer.from(keyPem).toString('base64') };
    const ok = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('cert', { 'certificate-authority': 'ca.crt' }, user) });
    await ok.store.preflight([{ namespace: 'certs', secretName: 'cert-tls' }]);
    await ok.store.write({ namespace: 'certs', secretName: 'cert-tls' }, tls('v1'), record());
    await writeFile(join(dir, 'client.crt'), certPem);
    await writeFile(join(dir, 'client.key'), keyPem);
    const files = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('cert-files', { 'certificate-authority': 'ca.crt' }, { 'client-certificate': 'client.crt', 'client-key': 'client.key' }) });
    assert.deepEqual((await files.store.read({ namespace: 'certs', secretName: 'cert-tls' }))?.data, tls('v1'));
    const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
    const rogue = buildCertificate(
      { subject: { commonName: 'admin', organizations: ['system:masters'] }, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000), isCA: false, usages: ['client auth'], publicKey: key },
      { privateKey: key },
    );
    const forged = await createKubernetesStore({
      env: {}, adopt: false,
      kubeconfigPath: await kubeconfig('forged', { 'certificate-authority': 'ca.crt' }, { 'client-certificate-data': Buffer.from(rogue).toString('base64'), 'client-key-data': Buffer.from(encodePrivateKey(key, 'PKCS8')).toString('base64') }),
    });
    await assert.rejects(forged.store.read({ namespace: 'certs', secretName: 'cert-tls' }), /rejected the credentials \(401 Unauthorized\) from the client certificate of user "u" in kubeconfig .*forged/);
    ok.close();
    files.close();
  });

  test('a write the Role does not allow names the verb, resource, namespace and rule', async () => {
    const token = await k8s.createServiceAccountToken('ro', 'reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const { store } = await createKubernetesStore({ env: {}, adopt: false, kubeconfigPath: await kubeconfig('ro', { 'certificate-authority': 'ca.crt' }, { token }) });
    await assert.rejects(
      store.write({ namespace: 'ro', secretName: 'web-tls' }, tls('v1'), record()),
      /forbidden to create secrets in namespace "ro": .*User "system:serviceaccount:ro:reader" cannot create resource "secrets".*\n.*\n- apiGroups: \[""\]\n {2}resources: \["secrets"\]\n {2}verbs: \["create"\]/,
    );
  });
});
