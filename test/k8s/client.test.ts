/**
 * The API client against an in-process fake (plain HTTP): error mapping, retries and deadlines.
 * TLS failures and real API answers are covered against the real kube-apiserver in apiserver.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { staticAuth } from '../../src/stores/kubernetes/auth.js';
import type { AuthProvider } from '../../src/stores/kubernetes/auth.js';
import { KubeClient } from '../../src/stores/kubernetes/client.js';
import { attributesOf } from '../../src/stores/kubernetes/errors.js';
import { freePort } from '../helpers/ports.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function fake(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(() => r())) };
}

function status(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
}

const client = (url: string, auth: AuthProvider = staticAuth({ token: 'sekret-token' }, 'the token of user "u"'), timeoutMs = 2000) =>
  new KubeClient({ server: url, auth, source: 'test' }, { timeoutMs });

test('attributesOf reads verb, group, resource, name and namespace from a request', () => {
  assert.deepEqual(attributesOf('PUT', '/apis/coordination.k8s.io/v1/namespaces/ops/leases/certctl-renew'), {
    verb: 'update', group: 'coordination.k8s.io', resource: 'leases', name: 'certctl-renew', namespace: 'ops', cluster: false,
  });
  assert.equal(attributesOf('GET', '/api/v1/namespaces/a/secrets').verb, 'list');
  assert.equal(attributesOf('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').resource, 'selfsubjectaccessreviews');
});

test('API errors: 401, 403 with the rule to add, 404 handed back, 409, 422 with the API message; never the token', async () => {
  const srv = await fake((req, res) => {
    const p = req.url ?? '';
    if (p.includes('/s401')) return status(res, 401, 'Unauthorized', 'Unauthorized');
    if (p.includes('/s403')) return status(res, 403, 'Forbidden', 'secrets "s403" is forbidden: User "system:serviceaccount:apps:certctl" cannot update resource "secrets" in API group "" in the namespace "apps"');
    if (p.includes('/s409')) return status(res, 409, 'Conflict', 'Operation cannot be fulfilled on secrets "s409": the object has been modified');
    if (p.includes('/s422')) return status(res, 422, 'Invalid', 'Secret "s422" is invalid: data[tls.key]: Required value');
    if (p.includes('/html')) return res.writeHead(200).end('<html>proxy login</html>');
    status(res, 404, 'NotFound', 'secrets "x" not found');
  });
  const c = client(srv.url);
  const base = '/api/v1/namespaces/apps/secrets';
  const errorOf = async (p: Promise<unknown>) => {
    const e = await p.then(() => undefined, (err: Error) => err);
    assert.ok(e, 'expected a rejection');
    assert.doesNotMatch(e.message, /sekret-token/);
    return e as Error & { status?: number };
  };
  const e401 = await errorOf(c.request({ method: 'GET', path: `${base}/s401` }));
  assert.match(e401.message, /rejected the credentials \(401 Unauthorized\) from the token of user "u"/);
  const e403 = await errorOf(c.request({ method: 'PUT', path: `${base}/s403`, body: {} }));
  assert.equal(e403.status, 403);
  assert.match(e403.message, /forbidden to update secrets "s403" in namespace "apps": secrets "s403" is forbidden: User "system:serviceaccount:apps:certctl" cannot update/);
  assert.match(e403.message, /- apiGroups: \[""\]\n {2}resources: \["secrets"\]\n {2}verbs: \["update"\]/);
  assert.equal(await c.get(`${base}/missing`), undefined);
  assert.match((await errorOf(c.request({ method: 'DELETE', path: `${base}/missing` }))).message, /not found: secrets "missing" in namespace "apps"/);
  assert.equal((await c.request({ method: 'PUT', path: `${base}/s409`, body: {}, accept: [409] })).status, 409);
  assert.match((await errorOf(c.request({ method: 'PUT', path: `${base}/s409`, body: {} }))).message, /conflict on update secrets "s409"/);
  assert.match((await errorOf(c.request({ method: 'POST', path: `${base}/s422`, body: {} }))).message, /rejected secrets "s422" in namespace "apps" as invalid: Secret "s422" is invalid: data\[tls.key\]: Required value/);
  assert.match((await errorOf(c.request({ method: 'GET', path: '/html' }))).message, /not JSON/);
  c.close();
  await srv.close();
});

test('GETs are retried on 429/503 (Retry-After honoured), writes only on 429', async () => {
  const hits = new Map<string, number>();
  const srv = await fake((req, res) => {
    const n = (hits.get(`${req.method} ${req.url}`) ?? 0) + 1;
    hits.set(`${req.method} ${req.url}`, n);
    if (req.url === '/busy' && n < 3) return status(res, 429, 'TooManyRequests', 'slow down', { 'Retry-After': '0' });
    if (req.url === '/down' && n < 3) return status(res, 503, 'ServiceUnavailable', 'etcd leader changed');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: n }));
  });
  const c = client(srv.url);
  assert.deepEqual((await c.request({ method: 'GET', path: '/busy' })).body, { ok: 3 });
  assert.deepEqual((await c.request({ method: 'GET', path: '/down' })).body, { ok: 3 });
  await assert.rejects(c.request({ method: 'PUT', path: '/down', body: {} }), /answered 503/);
  assert.equal(hits.get('PUT /down'), 1, 'a write that may have happened is not repeated');
  assert.deepEqual((await c.request({ method: 'POST', path: '/busy', body: {} })).body, { ok: 3 });
  c.close();
  await srv.close();
});

test('a 401 makes the credential source refresh once (exec plugin token expired early)', async () => {
  let refreshed = 0;
  const auth: AuthProvider = { source: 'plugin', get: async () => ({ token: `t${refreshed}` }), invalidate: () => (refreshed++, true) };
  const srv = await fake((req, res) => {
    if (req.url === '/deny' || req.headers.authorization !== 'Bearer t1') return status(res, 401, 'Unauthorized', 'Unauthorized');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  const c = client(srv.url, auth);
  await c.request({ method: 'GET', path: '/x' });
  assert.equal(refreshed, 1);
  await assert.rejects(c.request({ method: 'GET', path: '/deny' }), /401/);
  assert.equal(refreshed, 2, 'refreshed once more, then the 401 is reported');
  c.close();
  await srv.close();
});

test('unreachable server and a server that never answers fail with a clear message within the deadline', async () => {
  const port = await freePort();
  await assert.rejects(client(`https://127.0.0.1:${port}`).request({ method: 'POST', path: '/api/v1/namespaces/a/secrets', body: {} }), /cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  const sockets: Socket[] = [];
  const silent = createTcpServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port: p2 } = silent.address() as AddressInfo;
  const started = Date.now();
  await assert.rejects(client(`http://127.0.0.1:${p2}`, undefined, 300).request({ method: 'PUT', path: '/api/v1/namespaces/a/secrets/b', body: {} }), /no answer from the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ within 0.3 s \(PUT/);
  assert.ok(Date.now() - started < 3000);
  for (const s of sockets) s.destroy();
  silent.close();
  assert.throws(() => client('ftp://x'), /unsupported API server URL/);
});
