/**
 * The one HTTP client of the vendor API clients (src/shared/http-client.ts), against real local
 * servers: plain HTTP, HTTPS with a throwaway CA, and servers that stall, reset or answer too much.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extraCaFromEnv, NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../src/shared/http-client.js';
import { freePort } from '../helpers/ports.js';
import { loopbackTls } from '../fakes/loopback-tls.js';
import type { LoopbackTls } from '../fakes/loopback-tls.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const rejectsWith = async (p: Promise<unknown>, code: string, message: RegExp): Promise<NetworkError> => {
  const err = await p.then(
    () => assert.fail('resolved'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetworkError, String(err));
  assert.equal(err.code, code);
  assert.match(err.message, message);
  assert.ok(!err.message.includes('\n'), 'one line');
  return err;
};

describe('sendHttp against a local HTTP server', () => {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body });
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/json') return void res.writeHead(200, { 'content-type': 'application/json', 'X-Quota': '7' }).end('{"ok":true,"n":1}');
      if (path === '/fail') return void res.writeHead(503, { 'retry-after': '2' }).end('<html>down</html>');
      if (path === '/empty') return void res.writeHead(204).end();
      if (path === '/stall') return; // never answers
      if (path === '/big') return void res.writeHead(200).end('x'.repeat(5000));
      if (path === '/reset') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.writeHead(404).end();
    });
  });
  let host: string;
  before(async () => (host = await listen(server)));
  after(() => new Promise<void>((r) => server.close(() => r())));
  after(() => server.closeAllConnections());

  it('sends JSON with its headers and reads status, lower-case headers, text and JSON', async () => {
    const res = await sendHttp({ method: 'POST', url: new URL(`http://${host}/json?q=1`), headers: { Accept: 'application/json', 'X-Api-Key': 'k' }, json: { txt: 'v' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-quota'], '7');
    assert.equal(res.text, '{"ok":true,"n":1}');
    assert.deepEqual(res.json, { ok: true, n: 1 });
    const req = seen.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/json?q=1');
    assert.equal(req.body, '{"txt":"v"}');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['content-length'], String(Buffer.byteLength('{"txt":"v"}')));
    assert.equal(req.headers['user-agent'], 'certctl');
    assert.equal(req.headers['x-api-key'], 'k');
    assert.equal(req.headers.accept, 'application/json');
  });

  it('sends a body as it is, and a header given in any case replaces the default once', async () => {
    await sendHttp({ method: 'PUT', url: new URL(`http://${host}/json`), headers: { 'User-Agent': 'other', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=%C3%A9' });
    const req = seen.at(-1)!;
    assert.equal(req.body, 'a=1&b=%C3%A9');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const agents = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'user-agent');
    assert.equal(agents.length, 1, 'one user-agent header');
    assert.equal(req.headers['user-agent'], 'other');
  });

  it('returns HTTP error statuses as answers; json is undefined for an empty or non-JSON body', async () => {
    const failed = await sendHttp({ method: 'GET', url: new URL(`http://${host}/fail`) });
    assert.equal(failed.status, 503);
    assert.equal(failed.headers['retry-after'], '2');
    assert.equal(failed.text, '<html>down</html>');
    assert.equal(failed.json, undefined);
    const empty = await sendHttp({ method: 'DELETE', url: new URL(`http://${host}/empty`) });
    assert.equal(empty.status, 204);
    assert.equal(empty.json, undefined);
  });

  it('gives up on a server that does not answer in time: Timeout, a transient failure', async () => {
    const started = Date.now();
    const err = await rejectsWith(sendHttp({ method: 'GET', url: new URL(`http://${host}/stall`), timeoutMs: 200 }), 'Timeout', new RegExp(`^GET http://${host}: Timeout: no answer within 0\\.2 s$`));
    assert.ok(Date.now() - started < 2000);
    assert.ok(TRANSIENT_NETWORK_CODES.has(err.code));
  });

  it('cuts off an answer larger than maxBytes: E2BIG, not transient', async () => {
    const err = await rejectsWith(sendHttp({ method: 'GET', url: new URL(`http://${host}/big`), maxBytes: 1000 }), 'E2BIG', /: E2BIG: the answer is larger than 1000 bytes$/);
    assert.ok(!TRANSIENT_NETWORK_CODES.has(err.code));
    assert.equal((await sendHttp({ method: 'GET', url: new URL(`http://${host}/big`), maxBytes: 5000 })).text.length, 5000);
  });

  it('reports a connection reset in the middle of the answer as ECONNRESET, a transient failure', async () => {
    const err = await rejectsWith(sendHttp({ method: 'GET', url: new URL(`http://${host}/reset`) }), 'ECONNRESET', new RegExp(`^GET http://${host}: ECONNRESET: `));
    assert.ok(TRANSIENT_NETWORK_CODES.has(err.code));
  });

  it('ends with the signal: the reason is thrown, before or during the exchange', async () => {
    const ac = new AbortController();
    const reason = new Error('run interrupted');
    const pending = sendHttp({ method: 'GET', url: new URL(`http://${host}/stall`), signal: ac.signal, timeoutMs: 10_000 });
    setTimeout(() => ac.abort(reason), 50);
    await assert.rejects(pending, (e) => e === reason);
    const before = seen.length;
    await assert.rejects(sendHttp({ method: 'GET', url: new URL(`http://${host}/json`), signal: ac.signal }), (e) => e === reason);
    assert.equal(seen.length, before, 'an aborted signal sends nothing');
  });
});

describe('sendHttp failures before any answer', () => {
  it('names the method and origin, never the path or query, and keeps the errno code', async () => {
    const port = await freePort();
    const err = await rejectsWith(sendHttp({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v1/secret-path?token=hunter2-secret`) }), 'ECONNREFUSED', new RegExp(`^GET http://127\\.0\\.0\\.1:${port}: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
    assert.ok(!err.message.includes('hunter2') && !err.message.includes('secret-path'));
    assert.equal(err.detail, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.ok(!TRANSIENT_NETWORK_CODES.has(err.code), 'a refused connection is a configuration problem');
  });

  it('refuses other schemes', async () => {
    await rejectsWith(sendHttp({ method: 'GET', url: new URL('ftp://127.0.0.1/x') }), 'EPROTO', /^GET ftp:\/\/127\.0\.0\.1: EPROTO: unsupported URL scheme ftp:$/);
  });
});

describe('sendHttp over HTTPS', () => {
  let tls: LoopbackTls;
  let server: Server;
  let host: string;
  before(async () => {
    tls = loopbackTls();
    server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":true}'));
    host = await listen(server);
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    tls.remove();
  });

  it('trusts an extra CA given per request (NODE_EXTRA_CA_CERTS from the env passed in), and only then', async () => {
    const extraCa = extraCaFromEnv({ NODE_EXTRA_CA_CERTS: tls.caFile });
    assert.equal(extraCa, tls.certPem);
    assert.deepEqual((await sendHttp({ method: 'GET', url: new URL(`https://${host}/`), extraCa })).json, { tls: true });
    const err = await sendHttp({ method: 'GET', url: new URL(`https://${host}/`) }).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.match(err.code, /SELF_SIGNED|UNABLE_TO_VERIFY/);
    assert.ok(!TRANSIENT_NETWORK_CODES.has(err.code));
  });

  it('ignores an unreadable NODE_EXTRA_CA_CERTS, as Node does', () => {
    assert.equal(extraCaFromEnv({ NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' }), undefined);
    assert.equal(extraCaFromEnv({}), undefined);
  });
});
