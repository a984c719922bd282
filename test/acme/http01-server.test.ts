/**
 * certctl's standalone HTTP-01 server on real loopback sockets: it answers only the tokens it
 * serves, with the right status and Content-Type, reports a port in use as what it is, and lets
 * go of the port (kept-alive connections included) when closed. The pool shares one server per
 * address and closes it with its last holder.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createServer, connect } from 'node:net';
import { ChallengeServer, ListenError } from '../../src/issuers/acme/http01/standalone-server.js';
import { RefCountedPool } from '../../src/issuers/acme/http01/ref-counted-pool.js';
import { freePort } from '../helpers/ports.js';

function get(port: number, path: string, opts: { method?: string; agent?: Agent; host?: string } = {}): Promise<{ status: number; type?: string; body: string; allow?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: opts.agent, headers: { Host: opts.host ?? 'a.example.test' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body, allow: res.headers.allow as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('standalone HTTP-01 server', () => {
  test('answers the tokens it serves, 404 for anything else, 405 for other methods', async () => {
    const port = await freePort();
    const log: string[] = [];
    const server = await ChallengeServer.listen({ host: '127.0.0.1', port }, (m) => log.push(m));
    assert.equal(server.address, `127.0.0.1:${port}`);
    server.serve('tok_1-A', 'tok_1-A.thumbprint');
    assert.deepEqual(await get(port, '/.well-known/acme-challenge/tok_1-A'), { status: 200, type: 'text/plain', body: 'tok_1-A.thumbprint', allow: undefined });
    assert.deepEqual(await get(port, '/.well-known/acme-challenge/tok_1-A', { method: 'HEAD' }), { status: 200, type: 'text/plain', body: '', allow: undefined });
    for (const path of ['/.well-known/acme-challenge/other', '/.well-known/acme-challenge/', '/', '/.well-known/acme-challenge/tok_1-A/x', '/index.html']) {
      const r = await get(port, path);
      assert.equal(r.status, 404, path);
      assert.equal(r.type, 'text/plain; charset=utf-8', path);
      assert.ok(!r.body.includes('thumbprint'), path);
    }
    const post = await get(port, '/.well-known/acme-challenge/tok_1-A', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.allow, 'GET, HEAD');
    server.withdraw('tok_1-A');
    assert.equal((await get(port, '/.well-known/acme-challenge/tok_1-A')).status, 404, 'withdrawn');
    assert.match(log[0]!, /^http01: GET \/\.well-known\/acme-challenge\/tok_1-A \(Host a\.example\.test\) from 127\.0\.0\.1 -> 200$/);
    await server.close();
    assert.ok(await refused(port), 'the port is free after close');
  });

  test('close() does not wait for a kept-alive connection', async () => {
    const port = await freePort();
    const server = await ChallengeServer.listen({ host: '127.0.0.1', port });
    const agent = new Agent({ keepAlive: true });
    server.serve('t', 't.v');
    assert.equal((await get(port, '/.well-known/acme-challenge/t', { agent })).status, 200);
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 500, `close took ${Date.now() - started} ms`);
    agent.destroy();
    assert.ok(await refused(port));
  });

  test('a port in use is a ListenError that says so and what to do', async () => {
    const port = await freePort();
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(ChallengeServer.listen({ host: '127.0.0.1', port }), (err: Error) => {
        assert.ok(err instanceof ListenError);
        assert.equal(err.code, 'EADDRINUSE');
        assert.equal(
          err.message,
          `cannot listen on 127.0.0.1:${port} for HTTP-01: the address is already in use (a web server?): stop it for the run, answer through it with --http01-webroot, or listen on another port (--http01-listen :8080) that port 80 forwards to`,
        );
        return true;
      });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('an address that is not this machine\'s is named', async () => {
    await assert.rejects(ChallengeServer.listen({ host: '192.0.2.1', port: await freePort() }), { message: /for HTTP-01: 192\.0\.2\.1 is not an address of this machine$/ });
  });
});

describe('one resource per key while held', () => {
  test('the second holder shares the first one\'s server; the last release closes it; a new holder binds again', async () => {
    const port = await freePort();
    let opened = 0;
    const pool = new RefCountedPool<ChallengeServer>((s) => s.close());
    const open = (): Promise<ChallengeServer> => {
      opened++;
      return ChallengeServer.listen({ host: '127.0.0.1', port });
    };
    const [a, b] = await Promise.all([pool.acquire('k', open), pool.acquire('k', open)]);
    assert.equal(a, b);
    assert.equal(opened, 1);
    await pool.release('k');
    assert.equal(await refused(port), false, 'still held by the second');
    await pool.release('k');
    assert.ok(await refused(port), 'closed with the last holder');
    assert.deepEqual(pool.keys(), []);
    const c = await pool.acquire('k', open);
    assert.notEqual(c, a);
    assert.equal(opened, 2);
    await pool.release('k');
  });

  test('a failed open is not kept: the next holder tries again', async () => {
    const pool = new RefCountedPool<string>(async () => undefined);
    await assert.rejects(pool.acquire('k', () => Promise.reject(new Error('busy'))), /busy/);
    assert.deepEqual(pool.keys(), []);
    assert.equal(await pool.acquire('k', async () => 'ok'), 'ok');
  });
});
