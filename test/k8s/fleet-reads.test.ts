/**
 * Reads at fleet scale against a real kube-apiserver: paginated LISTs instead of a GET per
 * Certificate, the per-namespace fallback when RBAC forbids listing the whole cluster, names-only
 * LISTs for first issuance, cheap RBAC preflight, and 429/Retry-After from the API server (a proxy
 * in front of the real server turns chosen requests away as API Priority and Fairness does).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { staticAuth } from '../../src/stores/kubernetes/auth.js';
import { KubeClient } from '../../src/stores/kubernetes/client.js';
import { KubernetesStore } from '../../src/stores/kubernetes/store.js';
import { KubernetesLease } from '../../src/stores/kubernetes/lease.js';
import type { SecretTarget } from '../../src/stores/store.js';
import { skipUnlessApiServer, startApiServer, type ApiServer, type PolicyRule } from '../helpers/kube-apiserver.js';
import { record, tls } from './records.js';

const HOME = 'fleet-home';
const NAMESPACES = ['fleet-a', 'fleet-b', 'fleet-c', 'fleet-d', 'fleet-e'];
const RW_LIST: PolicyRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'update'] };
const RW: PolicyRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] };
const LEASES: PolicyRule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] };

describe('Kubernetes store reads at fleet scale (real API server)', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let token: string;
  before(async () => {
    k8s = await startApiServer();
    // A ServiceAccount with Roles (not a ClusterRole) in each namespace: listing all namespaces is forbidden.
    token = await k8s.createServiceAccountToken(HOME, 'certctl', [RW_LIST, LEASES]);
    for (const ns of NAMESPACES) await bind(ns, ns === 'fleet-e' ? [RW] : [RW_LIST]);
  });
  after(async () => {
    await k8s?.stop();
  });

  async function bind(ns: string, rules: PolicyRule[]): Promise<void> {
    await k8s.ensureNamespace(ns);
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
    await k8s.admin('POST', `${rbac}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'certctl' }, rules });
    await k8s.admin('POST', `${rbac}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'certctl' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'certctl' },
      subjects: [{ kind: 'ServiceAccount', name: 'certctl', namespace: HOME }],
    });
  }

  const clientOf = (server: string, t = token, opts: { qps?: number } = {}) =>
    new KubeClient({ server, ca: k8s.caPem, auth: staticAuth({ token: t }, 'test token'), source: 'test' }, { qps: opts.qps ?? 0 });
  const targets = (ns: string, prefix: string, n: number): SecretTarget[] => Array.from({ length: n }, (_, i) => ({ namespace: ns, secretName: `${prefix}-${i}` }));
  async function seed(ts: SecretTarget[]): Promise<void> {
    const c = clientOf(k8s.url);
    const s = new KubernetesStore({ client: c, adopt: false });
    for (const t of ts) await s.write(t, tls(t.secretName), record());
    c.close();
  }

  test('12 Secrets in pages of 5: three LIST requests, then every read is answered without a request', async () => {
    const ts = targets(HOME, 'paged', 12);
    await seed(ts);
    const client = clientOf(k8s.url);
    const store = new KubernetesStore({ client, adopt: false, pageSize: 5 });
    const missing = targets(HOME, 'never', 2);
    await store.prefetch([...ts, ...missing]);
    assert.deepEqual(store.lastPrefetch, { requests: 3, scope: 'namespaces', found: 12, absent: 0, unknown: 2 });
    const before = client.requests;
    for (const t of ts) assert.deepEqual((await store.read(t))?.data, tls(t.secretName));
    assert.equal(client.requests, before, 'no request for a Secret read ahead');
    for (const t of missing) assert.equal(await store.read(t), undefined);
    assert.equal(client.requests, before + 2, 'one GET each for what the LIST could not vouch for');
    // A write merges into what was read (its resourceVersion) without reading again.
    await store.write(ts[0], tls('v2'), record({ revision: 2 }));
    assert.equal(client.requests, before + 3);
    const raw = (await k8s.admin('GET', `/api/v1/namespaces/${HOME}/secrets/paged-0`)).body;
    assert.equal(Buffer.from(raw.data['tls.crt'], 'base64').toString(), tls('v2').tlsCrt);
    client.close();
  });

  test('listing all namespaces forbidden: one LIST per namespace instead; a namespace without "list" is read Secret by Secret', async () => {
    const ts = NAMESPACES.flatMap((ns) => targets(ns, 'spread', 4));
    await seed(ts);
    const client = clientOf(k8s.url);
    const notes: string[] = [];
    const store = new KubernetesStore({ client, adopt: false, debug: (m) => notes.push(m) });
    await store.prefetch(ts);
    // 1 forbidden cluster-wide LIST, 4 namespaces listed, fleet-e forbidden (1).
    assert.deepEqual(store.lastPrefetch, { requests: 6, scope: 'namespaces', found: 16, absent: 0, unknown: 4 });
    assert.ok(notes.some((n) => /all namespaces is forbidden/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /namespace "fleet-e" is forbidden.*add "list"/.test(n)), notes.join('\n'));
    for (const t of ts) assert.deepEqual((await store.read(t))?.data, tls(t.secretName));
    client.close();

    // With a ClusterRole (here system:masters): one cluster-wide LIST for all of them.
    const admin = clientOf(k8s.url, k8s.adminToken);
    const wide = new KubernetesStore({ client: admin, adopt: false });
    await wide.prefetch(ts);
    assert.deepEqual(wide.lastPrefetch, { requests: 1, scope: 'cluster', found: 20, absent: 0, unknown: 0 });
    admin.close();
  });

  test('first issuance: a names-only LIST finds which Secrets are missing; a foreign Secret with a target name is still refused', async () => {
    const ns = 'fleet-a';
    await k8s.admin('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'new-3' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
    const ts = targets(ns, 'new', 5);
    const client = clientOf(k8s.url);
    const store = new KubernetesStore({ client, adopt: false });
    await store.prefetch(ts);
    assert.deepEqual(store.lastPrefetch, { requests: 2, scope: 'namespaces', found: 0, absent: 4, unknown: 1 });
    const before = client.requests;
    for (const t of ts.filter((t) => t.secretName !== 'new-3')) assert.equal(await store.read(t), undefined);
    assert.equal(client.requests, before, 'absent ones need no GET');
    await assert.rejects(store.read({ namespace: ns, secretName: 'new-3' }), /new-3 exists but was not created by certctl/);
    client.close();
  });

  test('preflight checks namespace-wide permissions once per namespace, not each Secret', async () => {
    const ts = ['fleet-a', 'fleet-b', 'fleet-c', 'fleet-d'].flatMap((ns) => targets(ns, 'pre', 10));
    const client = clientOf(k8s.url);
    const store = new KubernetesStore({ client, adopt: false });
    await store.preflight(ts, { lease: { namespace: HOME, name: 'certctl-renew-0-of-4' } });
    // LISTs (4 namespaces: certctl's Secrets, then names only) + SSARs (3 cluster-wide, 12
    // namespace-wide, 3 for the Lease) + dry-run creates for the 4 namespaces with no Secret of this
    // run and the Lease's; not 2 reviews per Secret (80).
    assert.equal(client.requests, 8 + 18 + 5);
    client.close();
  });

  test('reads ahead before the lock are read again when another run held the Lease since', async () => {
    const ts = targets(HOME, 'relock', 3);
    await seed(ts);
    const client = clientOf(k8s.url);
    const store = new KubernetesStore({ client, adopt: false });
    await store.prefetch(ts);
    // Another run of the same shard renews relock-0 and releases the Lease.
    const other = new KubernetesStore({ client: clientOf(k8s.url), adopt: false });
    await other.write(ts[0], tls('by-the-other-run'), record({ revision: 2 }));
    const lease = new KubernetesLease({ client, namespace: HOME, name: 'relock' });
    const theirs = await new KubernetesLease({ client: clientOf(k8s.url), namespace: HOME, name: 'relock' }).acquire({ waitMs: 0, holder: 'the other run' });
    await theirs!.release();
    const ours = await lease.acquire({ waitMs: 0, holder: 'this run' });
    assert.ok(ours?.previousHolderActiveAt, 'the Lease tells when its last holder was active');
    const before = client.requests;
    await store.prefetch(ts, { staleBefore: new Date(ours.previousHolderActiveAt.getTime() + 5000) });
    assert.ok(client.requests > before, 'read again');
    assert.deepEqual((await store.read(ts[0]))?.data, tls('by-the-other-run'));
    // Reads newer than the last holder's activity are kept.
    const again = client.requests;
    await store.prefetch(ts, { staleBefore: new Date(Date.now() - 60_000) });
    assert.equal(client.requests, again);
    await ours.release();
    client.close();
  });

  test('createSecretData: of two shards creating the same account key Secret, one wins and the other is told', async () => {
    const t = { namespace: HOME, secretName: 'acme-account' };
    const [a, b] = [clientOf(k8s.url), clientOf(k8s.url)];
    const [sa, sb] = [new KubernetesStore({ client: a, adopt: false }), new KubernetesStore({ client: b, adopt: false })];
    await sb.prefetch([t]);
    const results = await Promise.all([sa.createSecretData(t, { 'tls.key': Buffer.from('a') }), sb.createSecretData(t, { 'tls.key': Buffer.from('b') })]);
    assert.deepEqual([...results].sort(), [false, true]);
    const winner = results[0] ? 'a' : 'b';
    // The loser forgot what it had read ahead (absent) and reads the winner's key.
    assert.equal((await (results[0] ? sb : sa).readSecretData(t))?.['tls.key'].toString(), winner);
    a.close();
    b.close();
  });

  test('429 with Retry-After: the request is sent again after the wait, writes too, and other requests wait with it', async () => {
    const ts = targets(HOME, 'throttled', 3);
    await seed(ts);
    const proxy = await throttlingProxy(k8s, (req, n) => (n <= 2 && req.method === 'GET' && (req.url ?? '').includes('labelSelector')) || (n === 1 && req.method === 'PUT'));
    let other: Promise<unknown> | undefined;
    // Sent the moment the first 429 comes back: it must wait out the Retry-After like the LIST.
    const onThrottle = (): void => void (other ??= store.readSecretData({ namespace: HOME, secretName: 'throttled-2' }));
    const client = new KubeClient({ server: proxy.url, auth: staticAuth({ token }, 'test token'), source: 'test' }, { qps: 0, onThrottle });
    const store = new KubernetesStore({ client, adopt: false });
    const started = Date.now();
    await store.prefetch(ts.slice(0, 2));
    await other;
    assert.ok(Date.now() - started >= 1900, `waited ${Date.now() - started} ms for two Retry-After: 1`);
    assert.equal(client.throttled, 2);
    const first429 = proxy.log.find((l) => l.status === 429)!;
    const getOther = proxy.log.find((l) => l.url.endsWith('/throttled-2'))!;
    assert.ok(getOther.at - first429.at >= 900, `a request sent after the 429 waited for its Retry-After (${getOther.at - first429.at} ms)`);
    assert.equal(store.lastPrefetch?.found, 2);
    await store.write(ts[0], tls('after-429'), record({ revision: 2 }));
    assert.deepEqual(proxy.log.filter((l) => l.method === 'PUT').map((l) => l.status), [429, 200], 'the rejected write was sent again');
    client.close();
    await proxy.close();
  });
});

/**
 * A plain-HTTP proxy to the real API server (requests logged with their arrival time) that answers chosen requests with the 429 API Priority
 * and Fairness sends (Retry-After: 1, a Status body); everything else goes through unchanged.
 */
async function throttlingProxy(k8s: ApiServer, reject: (req: IncomingMessage, nth: number) => boolean): Promise<{ url: string; log: { method: string; url: string; status: number; at: number }[]; close: () => Promise<void> }> {
  const log: { method: string; url: string; status: number; at: number }[] = [];
  const seen = new Map<string, number>();
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}${(req.url ?? '').includes('labelSelector') ? '?list' : ''}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const at = Date.now();
    req.on('end', () => {
      if (reject(req, n)) {
        log.push({ method: req.method ?? '', url: req.url ?? '', status: 429, at });
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 1 } }));
        return;
      }
      const up = httpsRequest(new URL(req.url ?? '/', k8s.url), { method: req.method, headers: { ...req.headers, host: new URL(k8s.url).host }, ca: k8s.caPem }, (r) => {
        log.push({ method: req.method ?? '', url: req.url ?? '', status: r.statusCode ?? 0, at });
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, log, close: () => new Promise((r) => srv.close(() => r())) };
}
