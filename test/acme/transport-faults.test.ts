import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { AcmeHttp } from '../../src/issuers/acme/acme-http.js';
import { AcmeProblem, AcmeTransportError } from '../../src/issuers/acme/problem.js';
import { AcmeServerClient } from '../../src/issuers/acme/transport/server-client.js';
import type { AcmeRequestTrace } from '../../src/issuers/acme/transport/trace.js';
import { encodePrivateKey } from '../../src/pki/keys.js';
import { freePort } from '../helpers/ports.js';
import { startAcmeWireServer, type AcmeWireServer } from '../fakes/acme-wire-server.js';

const accountKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
let acme: AcmeWireServer;
before(async () => {
  acme = await startAcmeWireServer();
});
after(() => acme.stop());
beforeEach(() => {
  acme.requests.length = 0;
  acme.nonces.length = 0;
  acme.reply = () => undefined;
});

/** A session with a known account URL (no newAccount needed) and a trace. */
function session(o: Partial<ConstructorParameters<typeof AcmeHttp>[0]> = {}): { http: AcmeHttp; trace: AcmeRequestTrace[] } {
  const trace: AcmeRequestTrace[] = [];
  const http = new AcmeHttp({ directoryUrl: acme.directoryUrl, accountKeyPem: accountKey, caBundle: acme.caPem, accountUrl: `${acme.url}/acct/1`, onRequest: (t) => trace.push(t), ...o });
  return { http, trace };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e as Error,
  );
}

/** A raw TLS or TCP listener that misbehaves on every connection. */
async function listener(kind: 'tls-close' | 'tls-hang' | 'tcp-hang'): Promise<{ url: string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const onSocket = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => {});
    if (kind === 'tls-close') s.destroy();
  };
  const server: TcpServer =
    kind === 'tcp-hang' ? createTcpServer(onSocket) : createTlsServer({ key: encodePrivateKey(key, 'PKCS8'), cert: acmeCertFor(key) }, onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/dir`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// A self-signed certificate is enough: these listeners fail before any verification matters.
import { buildCertificate } from '../../src/pki/certificate.js';
import type { KeyObject } from 'node:crypto';
function acmeCertFor(key: KeyObject): string {
  const now = Date.now();
  return buildCertificate(
    { subject: { commonName: 'x' }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 3600_000), isCA: false, usages: ['digital signature', 'server auth'], publicKey: key },
    { privateKey: key },
  );
}

test('a server that closes every connection: retried with backoff, then one line naming method, URL and cause', async () => {
  const l = await listener('tls-close');
  try {
    const trace: AcmeRequestTrace[] = [];
    const server = new AcmeServerClient({ directoryUrl: l.url, skipTLSVerify: true, onRequest: (t) => trace.push(t) });
    const err = await rejection(server.directory());
    assert.ok(err instanceof AcmeTransportError, String(err));
    assert.ok(!err.message.includes('\n'));
    assert.match(err.message, new RegExp(`^cannot reach the ACME server: GET ${l.url.replace(/[.]/g, '\\.')}: ECONNRESET: .*\\(the server closed the connection\\)$`));
    assert.equal(trace.length, 5, 'first try and four retries');
    assert.deepEqual(trace.map((t) => t.retryReason), [undefined, 'connection reset', 'connection reset', 'connection reset', 'connection reset']);
    assert.ok(trace.every((t) => t.status === undefined && t.error));
  } finally {
    await l.stop();
  }
});

test('a server that never answers: the request times out once, as one line', async () => {
  for (const kind of ['tls-hang', 'tcp-hang'] as const) {
    const l = await listener(kind);
    try {
      const trace: AcmeRequestTrace[] = [];
      const server = new AcmeServerClient({ directoryUrl: l.url, skipTLSVerify: true, timeoutMs: 300, onRequest: (t) => trace.push(t) });
      const err = await rejection(server.directory());
      assert.ok(err instanceof AcmeTransportError);
      assert.equal(err.message, `cannot reach the ACME server: GET ${l.url}: no answer within 0.3 s`);
      assert.equal(trace.length, 1, 'a timeout is not retried');
    } finally {
      await l.stop();
    }
  }
});

test('nothing listening, an untrusted certificate, an http:// server: one line each, with the usual fix', async () => {
  const port = await freePort();
  const refused = await rejection(new AcmeServerClient({ directoryUrl: `https://127.0.0.1:${port}/dir` }).directory());
  assert.match(refused.message, new RegExp(`^cannot reach the ACME server: GET https://127\\.0\\.0\\.1:${port}/dir: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));

  const untrusted = await rejection(new AcmeServerClient({ directoryUrl: acme.directoryUrl }).directory());
  assert.match(untrusted.message, /: DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate \(the server's TLS certificate is not trusted: set spec\.acme\.caBundle to its CA, or skipTLSVerify for testing\)$/);
  assert.equal((await new AcmeServerClient({ directoryUrl: acme.directoryUrl, skipTLSVerify: true }).directory()).newOrder, `${acme.url}/order`);

  assert.throws(() => new AcmeServerClient({ directoryUrl: 'http://127.0.0.1/dir' }), /is not an https:\/\/ URL/);
});

test('directories: a redirect, a non-JSON body, a missing newNonce, an http:// resource are refused clearly', async () => {
  const cases: [unknown, RegExp][] = [
    ['<html>hello</html>', /is not an ACME directory: the answer is not a JSON object/],
    [{ newAccount: 'https://x/a', newOrder: 'https://x/o' }, /is not an ACME directory: it has no newNonce$/],
    [{ newNonce: 'http://x/n', newAccount: 'https://x/a', newOrder: 'https://x/o' }, /lists newNonce as "http:\/\/x\/n", not an https:\/\/ URL/],
  ];
  const saved = acme.directory;
  try {
    for (const [dir, re] of cases) {
      acme.directory = dir;
      assert.match((await rejection(session().http.directory())).message, re);
    }
  } finally {
    acme.directory = saved;
  }
  acme.reply = (r) => (r.path === '/moved' ? { status: 301, headers: { Location: 'http://127.0.0.1/dir' } } : undefined);
  const moved = await rejection(new AcmeServerClient({ directoryUrl: `${acme.url}/moved`, caBundle: acme.caPem }).directory());
  assert.match(moved.message, /redirected to http:\/\/127\.0\.0\.1\/dir; ACME requests are never redirected \(HTTP 301 from https:\/\/127\.0\.0\.1:\d+\/moved\)$/);
});

test('Retry-After is honoured: a 503 with Retry-After 1 is sent again after a second, with a new nonce', async () => {
  let n = 0;
  acme.reply = (r) => (r.path === '/order' && n++ === 0 ? { status: 503, headers: { 'Retry-After': '1' }, body: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'busy' } } : undefined);
  const { http, trace } = session();
  const resp = await http.post(`${acme.url}/order`, { identifiers: [] });
  assert.equal(resp.status, 200);
  const posts = acme.requests.filter((r) => r.path === '/order');
  assert.equal(posts.length, 2);
  assert.ok(posts[1]!.at - posts[0]!.at >= 900, `waited ${posts[1]!.at - posts[0]!.at} ms`);
  assert.notEqual(posts[0]!.jws?.nonce, posts[1]!.jws?.nonce, 'a retry is signed afresh');
  assert.deepEqual(trace.filter((t) => t.url.endsWith('/order')).map((t) => [t.status, t.attempt, t.retryReason]), [
    [503, 1, undefined],
    [200, 2, 'HTTP 503, Retry-After 1 s'],
  ]);
});

test('a long Retry-After is not waited out: a typed problem carrying retryAfter, after one request', async () => {
  acme.reply = (r) =>
    r.path === '/order'
      ? { status: 429, headers: { 'Retry-After': '3600' }, body: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new orders' } }
      : undefined;
  const started = Date.now();
  const err = await rejection(session().http.post(`${acme.url}/order`, {}));
  assert.ok(err instanceof AcmeProblem && err.is('rateLimited'));
  assert.equal(err.status, 429);
  assert.ok(err.retryAfter && Math.abs(err.retryAfter.getTime() - (started + 3600_000)) < 5000);
  assert.match(err.message, /^ACME server: rateLimited: too many new orders \(retry after \d{4}-.*Z\) \(HTTP 429 from https:/);
  assert.equal(acme.requests.filter((r) => r.path === '/order').length, 1);
});

test('429 without Retry-After is not retried; 5xx without it is retried with backoff', async () => {
  acme.reply = (r) => (r.path === '/order' ? { status: 429, body: { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'slow down' } } : undefined);
  assert.ok((await rejection(session().http.post(`${acme.url}/order`, {}))) instanceof AcmeProblem);
  assert.equal(acme.requests.filter((r) => r.path === '/order').length, 1);

  acme.requests.length = 0;
  let n = 0;
  acme.reply = (r) => (r.path === '/order' && n++ < 2 ? { status: 502, body: '<html>bad gateway</html>' } : undefined);
  const { http, trace } = session();
  assert.equal((await http.post(`${acme.url}/order`, {})).status, 200);
  const posts = acme.requests.filter((r) => r.path === '/order');
  assert.equal(posts.length, 3);
  assert.ok(posts[1]!.at - posts[0]!.at >= 200 && posts[2]!.at - posts[1]!.at >= 450, 'backoff 250 ms, then 500 ms');
  assert.deepEqual(trace.filter((t) => t.url.endsWith('/order')).map((t) => t.retryReason), [undefined, 'HTTP 502', 'HTTP 502']);
});

test('badNonce is retried at once with the nonce that came with the rejection, without newNonce, on one connection', async () => {
  let rejected = 0;
  acme.reply = (r) => (r.path === '/order' && rejected++ < 3 ? { status: 400, body: { type: 'urn:ietf:params:acme:error:badNonce', detail: 'JWS has an invalid anti-replay nonce' } } : undefined);
  const { http } = session();
  assert.equal((await http.post(`${acme.url}/order`, {})).status, 200);
  const seq = acme.requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(seq, ['GET /dir', 'GET /nonce', 'POST /order', 'POST /order', 'POST /order', 'POST /order']);
  assert.deepEqual(new Set(acme.requests.map((r) => r.connection)).size, 1, 'one kept-alive TLS connection for everything');
  // The server hands out a nonce with every answer; each retry uses the one from the rejection before it.
  const posts = acme.requests.filter((r) => r.method === 'POST');
  for (let i = 1; i < posts.length; i++) assert.equal(posts[i]!.jws?.nonce, acme.nonces[i], `retry ${i}`);
  assert.equal(http.requests, 6);
});

test('25 badNonce rejections in a row give up with the badNonce problem', async () => {
  acme.reply = (r) => (r.path === '/order' ? { status: 400, body: { type: 'urn:ietf:params:acme:error:badNonce', detail: 'nope' } } : undefined);
  const err = await rejection(session().http.post(`${acme.url}/order`, {}));
  assert.ok(err instanceof AcmeProblem && err.is('badNonce'));
  assert.equal(acme.requests.filter((r) => r.path === '/order').length, 26);
});

test('subproblems and the accepted algorithms of badSignatureAlgorithm are typed and shown', async () => {
  acme.reply = (r) =>
    r.path === '/order'
      ? {
          status: 400,
          body: {
            type: 'urn:ietf:params:acme:error:rejectedIdentifier',
            detail: 'Some identifiers were rejected',
            subproblems: [
              { type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: 'forbidden\nby policy', identifier: { type: 'dns', value: 'a.example' } },
              { type: 'urn:ietf:params:acme:error:caa', identifier: { type: 'dns', value: 'b.example' } },
              'junk',
            ],
          },
        }
      : r.path === '/account'
        ? { status: 400, body: { type: 'urn:ietf:params:acme:error:badSignatureAlgorithm', detail: 'no EdDSA here', algorithms: ['RS256', 'ES256'] } }
        : undefined;
  const { http } = session();
  const err = (await rejection(http.post(`${acme.url}/order`, {}))) as AcmeProblem;
  assert.ok(err.is('rejectedIdentifier'));
  assert.deepEqual(err.subproblems, [
    { type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: 'forbidden\nby policy', identifier: { type: 'dns', value: 'a.example' } },
    { type: 'urn:ietf:params:acme:error:caa', identifier: { type: 'dns', value: 'b.example' } },
  ]);
  assert.match(err.message, /Some identifiers were rejected \[a\.example: forbidden by policy; b\.example: urn:ietf:params:acme:error:caa\]/);
  const alg = (await rejection(http.newAccount({ termsOfServiceAgreed: true }))) as AcmeProblem;
  assert.deepEqual(alg.algorithms, ['RS256', 'ES256']);
  assert.match(alg.message, /no EdDSA here \(the server accepts: RS256, ES256\)/);
});

test('an answer over 4 MiB is refused', async () => {
  acme.reply = (r) => (r.path === '/cert' ? { status: 200, bytes: 5 * 1024 * 1024 } : undefined);
  const err = await rejection(session().http.post(`${acme.url}/cert`, null));
  assert.ok(err instanceof AcmeTransportError);
  assert.match(err.message, /^the ACME server's answer to POST https:\/\/127\.0\.0\.1:\d+\/cert is larger than 4096 KiB$/);
});

test('headers: User-Agent certctl or certctl/<version>, application/jose+json for JWS bodies', async () => {
  await session().http.post(`${acme.url}/order`, {});
  await session({ userAgent: 'certctl/9.9.9' }).http.post(`${acme.url}/order`, {});
  const posts = acme.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((p) => p.headers['user-agent']), ['certctl', 'certctl/9.9.9']);
  assert.ok(posts.every((p) => p.headers['content-type'] === 'application/jose+json'));
  assert.ok(acme.requests.filter((r) => r.method !== 'POST').every((r) => r.headers['content-type'] === undefined));
});

test('an abort ends a hanging request at once with the abort reason', async () => {
  acme.reply = (r) => (r.path === '/order' ? 'hang' : undefined);
  const ctl = new AbortController();
  const { http } = session({ signal: ctl.signal });
  const started = Date.now();
  setTimeout(() => ctl.abort(), 100);
  const err = await rejection(http.post(`${acme.url}/order`, {}));
  assert.equal(err.name, 'AbortError');
  assert.ok(Date.now() - started < 2000);
});

test('a kept-alive connection the server dropped is retried on a new one, transparently', async () => {
  const { http, trace } = session();
  await http.post(`${acme.url}/order`, {});
  // The next request reuses the idle connection; the server drops it unanswered, as a server
  // whose keep-alive timeout just fired does.
  acme.reply = (r) => (r.path === '/order' && r.onConnection > 0 ? 'close' : undefined);
  const noncesBefore = acme.requests.filter((r) => r.path === '/nonce').length;
  assert.equal((await http.post(`${acme.url}/order`, {})).status, 200);
  const last = trace.slice(-2);
  assert.equal(last[0]!.status, undefined);
  assert.deepEqual([last[1]!.status, last[1]!.attempt, last[1]!.retryReason], [200, 2, 'stale connection']);
  const posts = acme.requests.filter((r) => r.path === '/order');
  assert.notEqual(posts.at(-1)!.connection, posts.at(-2)!.connection);
  assert.equal(posts.at(-1)!.jws?.nonce, posts.at(-2)!.jws?.nonce, 'the unsent nonce is used for the retry, no newNonce request');
  assert.equal(acme.requests.filter((r) => r.path === '/nonce').length, noncesBefore, 'no newNonce for the retry');
});
