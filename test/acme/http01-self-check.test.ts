/**
 * The HTTP-01 self-check against real servers: names resolved through a real BIND (CNAMEs,
 * missing records), certctl's own challenge server, and plain node:http servers standing in for
 * a user's web server (redirects, wrong bodies, silence). Bounded by its timeout, stopped at
 * once by the run's signal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resolver } from '../../src/dns/resolver.js';
import { addressesVia } from '../../src/issuers/acme/http01/resolve-addresses.js';
import { fetchChallenge, selfCheck, type FetchOptions } from '../../src/issuers/acme/http01/self-check.js';
import { ChallengeServer } from '../../src/issuers/acme/http01/standalone-server.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startBind, type BindServer } from '../helpers/bind.js';
import { freePort } from '../helpers/ports.js';

const TOKEN = 'tok_EN-1';
const KEY_AUTH = `${TOKEN}.thumbprint`;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('HTTP-01 self-check', { skip: skipUnlessInstalled(['named'], 'bind9') }, () => {
  let bind: BindServer;
  let challenge: ChallengeServer;
  let port: number;
  let opts: FetchOptions;
  before(async () => {
    bind = await startBind({
      recursion: true,
      zones: [{ name: 'web.test', records: ['a A 127.0.0.1', 'alias CNAME a', 'both AAAA ::1', 'both A 127.0.0.1', 'txt TXT "x"'] }],
    });
    port = await freePort();
    challenge = await ChallengeServer.listen({ host: '127.0.0.1', port });
    challenge.serve(TOKEN, KEY_AUTH);
    opts = { resolve: addressesVia(new Resolver({ nameservers: [bind.endpoint], timeoutMs: 2000 })), httpPort: port };
  });
  after(async () => {
    await challenge?.close();
    await bind?.stop();
  });

  const target = (identifier: string, token = TOKEN) => ({ identifier, token, keyAuthorization: KEY_AUTH });

  test('passes by name, through a CNAME, by IP address, and falls back from IPv6 to IPv4', async () => {
    for (const name of ['a.web.test', 'alias.web.test', '127.0.0.1', 'both.web.test']) {
      assert.deepEqual(await fetchChallenge(target(name), opts), { ok: true, url: `http://${name}/.well-known/acme-challenge/${TOKEN}` }, name);
    }
  });

  test('says what the CA would get instead: 404, another body, no record, nothing listening', async () => {
    assert.deepEqual(await fetchChallenge(target('a.web.test', 'other'), opts), { ok: false, problem: `GET http://a.web.test/.well-known/acme-challenge/other (127.0.0.1:${port}): HTTP 404` });
    const page = await listen((_req, res) => res.end('<html>Welcome to nginx!</html>\n'));
    try {
      const r = await fetchChallenge(target('a.web.test'), { ...opts, httpPort: page.port });
      assert.deepEqual(r, { ok: false, problem: `GET http://a.web.test/.well-known/acme-challenge/${TOKEN} (127.0.0.1:${page.port}): HTTP 200 but the body is "<html>Welcome to nginx!</html>", not the key authorization` });
    } finally {
      page.server.close();
    }
    assert.deepEqual(await fetchChallenge(target('txt.web.test'), opts), { ok: false, problem: `GET http://txt.web.test/.well-known/acme-challenge/${TOKEN}: txt.web.test has no A or AAAA record` });
    assert.deepEqual(await fetchChallenge(target('missing.web.test'), opts), { ok: false, problem: `GET http://missing.web.test/.well-known/acme-challenge/${TOKEN}: missing.web.test has no A or AAAA record` });
    const dead = await freePort();
    assert.deepEqual(await fetchChallenge(target('a.web.test'), { ...opts, httpPort: dead }), { ok: false, problem: `GET http://a.web.test/.well-known/acme-challenge/${TOKEN} (127.0.0.1:${dead}): no answer: connection refused (nothing listens there)` });
  });

  test('follows redirects as the CA does, at most 10', async () => {
    let hops = 0;
    const redirector = await listen((req, res) => {
      hops++;
      if (req.url?.startsWith('/loop')) res.writeHead(302, { Location: `/loop${hops}` }).end();
      else res.writeHead(301, { Location: `http://alias.web.test:${port}${req.url}` }).end();
    });
    try {
      assert.deepEqual(await fetchChallenge(target('a.web.test'), { ...opts, httpPort: redirector.port }), { ok: true, url: `http://alias.web.test:${port}/.well-known/acme-challenge/${TOKEN}` });
      const loop = await listen((req, res) => res.writeHead(302, { Location: `/loop${req.url}` }).end());
      const r = await fetchChallenge(target('a.web.test'), { ...opts, httpPort: loop.port });
      loop.server.close();
      assert.deepEqual(r, { ok: false, problem: `GET http://a.web.test/.well-known/acme-challenge/${TOKEN}: more than 10 redirects` });
    } finally {
      redirector.server.close();
    }
  });

  test('gives up after its timeout with the last problem', async () => {
    const started = Date.now();
    const log: string[] = [];
    await assert.rejects(selfCheck(target('a.web.test', 'nope'), { ...opts, timeoutMs: 1200, intervalMs: 200, log: (m) => log.push(m) }), (err: Error) => {
      assert.match(err.message, new RegExp(`^GET http://a\\.web\\.test/\\.well-known/acme-challenge/nope \\(127\\.0\\.0\\.1:${port}\\): HTTP 404 \\(self-check, \\d+ attempts in 1 s\\)$`));
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 1000 && took < 2500, `took ${took} ms`);
    assert.ok(log.length >= 3, `${log.length} attempts logged`);
    assert.match(log[0]!, /^attempt 1: GET http:\/\/a\.web\.test/);
  });

  test('a server that never answers costs one attempt budget, not forever', async () => {
    const silent = await listen(() => undefined);
    try {
      const started = Date.now();
      await assert.rejects(selfCheck(target('a.web.test'), { ...opts, httpPort: silent.port, timeoutMs: 800, intervalMs: 100 }), /no answer: timed out \(self-check, 1 attempt in 1 s\)$/);
      assert.ok(Date.now() - started < 2000);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  test('the run\'s signal stops it at once', async () => {
    const silent = await listen(() => undefined);
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('interrupted by SIGTERM')), 200);
      const started = Date.now();
      await assert.rejects(selfCheck(target('a.web.test'), { ...opts, httpPort: silent.port, timeoutMs: 30_000, intervalMs: 1000, signal: controller.signal }), { message: 'interrupted by SIGTERM' });
      assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });
});
