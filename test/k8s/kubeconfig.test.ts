import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../src/stores/kubernetes/kubeconfig.js';
import { resolveEndpoint } from '../../src/stores/kubernetes/index.js';
import { tokenSubject } from '../../src/stores/kubernetes/auth.js';

const now = () => new Date('2026-01-01T00:00:00Z');
const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'certctl-kubeconfig-'));
  dirs.push(d);
  return d;
}

function config(o: { current?: string; clusters?: unknown[]; users?: unknown[]; contexts?: unknown[] }): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': o.current, clusters: o.clusters ?? [], users: o.users ?? [], contexts: o.contexts ?? [] });
}

test('KUBECONFIG list: the first file to define a name or current-context wins; missing files are skipped', async () => {
  const d = await dir();
  await writeFile(join(d, 'a'), config({
    current: 'ctx-a',
    clusters: [{ name: 'c', cluster: { server: 'https://a.example:6443', 'certificate-authority-data': b64(CA) } }],
    users: [{ name: 'u', user: { token: 'token-a' } }],
    contexts: [{ name: 'ctx-a', context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
  }));
  await writeFile(join(d, 'b'), config({
    current: 'ctx-b',
    clusters: [{ name: 'c', cluster: { server: 'https://b.example' } }, { name: 'c2', cluster: { server: 'https://c2.example', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u2', user: { token: 'token-b' } }],
    contexts: [{ name: 'ctx-b', context: { cluster: 'c2', user: 'u2' } }],
  }));
  const env = { KUBECONFIG: [join(d, 'missing'), join(d, 'a'), join(d, 'b')].join(':'), HOME: d };
  const a = await loadKubeconfig({ env, now });
  assert.equal(a.server, 'https://a.example:6443');
  assert.equal(a.ca, CA);
  assert.equal(a.namespace, 'team-a');
  assert.equal((await a.auth.get()).token, 'token-a');
  assert.match(a.source, /context "ctx-a"/);
  const b = await loadKubeconfig({ env, context: 'ctx-b', now });
  assert.equal(b.server, 'https://c2.example');
  assert.equal(b.insecureSkipTlsVerify, true);
  assert.equal((await b.auth.get()).token, 'token-b');
  await assert.rejects(loadKubeconfig({ env, context: 'nope', now }), /context "nope" is not in kubeconfig .*contexts: ctx-a, ctx-b/);
});

test('--kubeconfig wins over KUBECONFIG and must exist; relative paths resolve against the file', async () => {
  const d = await dir();
  await mkdir(join(d, 'pki'));
  await writeFile(join(d, 'pki', 'ca.pem'), CA);
  await writeFile(join(d, 'pki', 'client.pem'), 'CLIENT-CERT');
  await writeFile(join(d, 'pki', 'client.key'), 'CLIENT-KEY');
  await writeFile(join(d, 'token'), 'file-token\n');
  await writeFile(join(d, 'config'), config({
    current: 'x',
    clusters: [{ name: 'c', cluster: { server: 'https://k.example', 'certificate-authority': 'pki/ca.pem', 'tls-server-name': 'kubernetes' } }],
    users: [{ name: 'u', user: { 'client-certificate': 'pki/client.pem', 'client-key': 'pki/client.key', tokenFile: 'token' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  }));
  const ep = await loadKubeconfig({ env: { KUBECONFIG: '/nonexistent' }, path: join(d, 'config'), now });
  assert.equal(ep.ca, CA);
  assert.equal(ep.tlsServerName, 'kubernetes');
  assert.deepEqual(await ep.auth.get(), { cert: 'CLIENT-CERT', key: 'CLIENT-KEY', token: 'file-token' });
  await assert.rejects(loadKubeconfig({ env: {}, path: join(d, 'absent'), now }), /cannot read kubeconfig .*absent: ENOENT/);
});

test('client certificate data, and clear refusals of what certctl does not support', async () => {
  const d = await dir();
  const base = {
    current: 'x',
    clusters: [{ name: 'c', cluster: { server: 'https://k.example' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  };
  const write = async (user: unknown, extra: object = {}) => {
    await writeFile(join(d, 'config'), config({ ...base, users: [{ name: 'u', user }], ...extra }));
    return loadKubeconfig({ env: {}, path: join(d, 'config'), now });
  };
  const ep = await write({ 'client-certificate-data': b64('-----BEGIN CERTIFICATE-----\nx\n'), 'client-key-data': b64('-----BEGIN EC PRIVATE KEY-----\ny\n') });
  assert.match((await ep.auth.get()).cert ?? '', /BEGIN CERTIFICATE/);
  assert.match(ep.auth.source, /client certificate of user "u"/);
  await assert.rejects(write({ 'auth-provider': { name: 'gcp' } }), /legacy auth-provider "gcp".*gke-gcloud-auth-plugin/);
  await assert.rejects(write({ username: 'a', password: 'b' }), /basic authentication/);
  await assert.rejects(write({ 'client-certificate-data': b64('-----BEGIN CERTIFICATE-----\n') }), /without a key/);
  await assert.rejects(write({ 'client-key-data': b64('not pem') }), /not base64 of a PEM block/);
  await writeFile(join(d, 'config'), config({ ...base, current: undefined, users: [{ name: 'u', user: {} }] }));
  await assert.rejects(loadKubeconfig({ env: {}, path: join(d, 'config'), now }), /no current-context; pass --context \(one of: x\)/);
  await writeFile(join(d, 'config'), 'clusters: [');
  await assert.rejects(loadKubeconfig({ env: {}, path: join(d, 'config'), now }), /not valid YAML/);
});

test('no kubeconfig anywhere says where it looked', async () => {
  const d = await dir();
  await assert.rejects(loadKubeconfig({ env: { HOME: d }, now }), new RegExp(`no kubeconfig found \\(looked at ${d}/.kube/config\\)`));
});

test('resolveEndpoint: in a pod without kubeconfig flags, the service account; --context forces kubeconfig', async () => {
  const d = await dir();
  const paths = { tokenPath: join(d, 'token'), caPath: join(d, 'ca.crt'), namespacePath: join(d, 'namespace') };
  await writeFile(paths.caPath, CA);
  await writeFile(paths.namespacePath, 'certs\n');
  await writeFile(paths.tokenPath, 'one');
  const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443', HOME: d };
  const ep = await resolveEndpoint({ env, adopt: false, inCluster: paths });
  assert.equal(ep.server, 'https://[fd00::1]:443');
  assert.equal(ep.namespace, 'certs');
  assert.equal(ep.source, 'in-cluster service account');
  assert.equal((await ep.auth.get()).token, 'one');
  await writeFile(paths.tokenPath, 'two\n');
  assert.equal((await ep.auth.get()).token, 'two', 'the token is re-read on every request');
  await assert.rejects(resolveEndpoint({ env, adopt: false, inCluster: paths, context: 'x' }), /no kubeconfig found/);
  await assert.rejects(
    resolveEndpoint({ env, adopt: false, inCluster: { ...paths, caPath: join(d, 'none') } }),
    /cannot read the service account CA .*automountServiceAccountToken/,
  );
  const gone = await resolveEndpoint({ env, adopt: false, inCluster: { ...paths, tokenPath: join(d, 'none') } });
  await assert.rejects(gone.auth.get(), /token file .* does not exist/);
});

test('tokenSubject reads the subject of a JWT for messages, and nothing from other tokens', () => {
  const jwt = `x.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:ns:sa' })).toString('base64url')}.sig`;
  assert.equal(tokenSubject(jwt), 'system:serviceaccount:ns:sa');
  assert.equal(tokenSubject('opaque-static-token'), undefined);
  assert.equal(tokenSubject('a.!!!.b'), undefined);
});
