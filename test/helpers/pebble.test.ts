/**
 * Checks the pebble and BIND helpers together with a deliberately tiny ACME client (JWS by
 * hand): EAB enforcement, order counting, and a dns-01 issuance where pebble's VA reads the TXT
 * record from our BIND, i.e. the wiring the end-to-end tests rely on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { dns01TxtValue } from '../../src/dns/challenge-record.js';
import { createRfc2136Provider } from '../../src/providers/rfc2136/provider.js';
import { startBind } from './bind.js';
import type { BindServer } from './bind.js';
import { skipUnlessInstalled } from './binaries.js';
import { startPebble } from './pebble.js';
import type { PebbleServer } from './pebble.js';

const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Parsed JSON of whatever shape the endpoint returns; this tiny client trusts pebble.
  body: any;
}

function call(url: string, ca: string, method: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body ? { 'content-type': 'application/jose+json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = /json/.test(String(res.headers['content-type']));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: isJson && text ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Minimal RFC 8555 client: ES256 account key, kid after registration. */
class MiniAcme {
  private readonly key: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly jwk = this.key.publicKey.export({ format: 'jwk' });
  kid?: string;
  dir: Record<string, string> = {};
  constructor(private readonly pebble: PebbleServer) {}

  async init(): Promise<void> {
    this.dir = (await call(this.pebble.directoryUrl, this.pebble.caCertPem, 'GET')).body;
  }

  thumbprint(): string {
    const { crv, kty, x, y } = this.jwk;
    return b64u(createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest());
  }

  async post(url: string, payload: unknown): Promise<Reply> {
    const nonce = (await call(this.dir.newNonce, this.pebble.caCertPem, 'HEAD')).headers['replay-nonce'];
    const header = { alg: 'ES256', nonce, url, ...(this.kid ? { kid: this.kid } : { jwk: this.jwk }) };
    const p = b64u(JSON.stringify(header));
    const body = payload === '' ? '' : b64u(JSON.stringify(payload));
    const signature = b64u(sign('sha256', Buffer.from(`${p}.${body}`), { key: this.key.privateKey, dsaEncoding: 'ieee-p1363' }));
    return call(url, this.pebble.caCertPem, 'POST', JSON.stringify({ protected: p, payload: body, signature }));
  }

  async register(withEab: boolean): Promise<Reply> {
    const payload: Record<string, unknown> = { termsOfServiceAgreed: true };
    if (withEab) {
      const p = b64u(JSON.stringify({ alg: 'HS256', kid: this.pebble.eab.kid, url: this.dir.newAccount }));
      const body = b64u(JSON.stringify(this.jwk));
      const mac = createHmac('sha256', Buffer.from(this.pebble.eab.hmacKey, 'base64url')).update(`${p}.${body}`).digest();
      payload.externalAccountBinding = { protected: p, payload: body, signature: b64u(mac) };
    }
    const r = await this.post(this.dir.newAccount, payload);
    if (r.status === 201) this.kid = String(r.headers.location);
    return r;
  }

  async poll(url: string, until: string[]): Promise<any> {
    for (let i = 0; i < 50; i++) {
      const r = await this.post(url, '');
      if (until.includes(r.body.status)) return r.body;
      if (r.body.status === 'invalid') throw new Error(`${url} became invalid: ${JSON.stringify(r.body)}`);
      await sleep(100);
    }
    throw new Error(`${url} did not reach ${until.join('/')}`);
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 20 && !check(); i++) await sleep(50);
}

describe('pebble helper', { skip: skipUnlessInstalled(['pebble', 'named', 'openssl'], 'pebble bind9 openssl') }, () => {
  let bind: BindServer;
  let pebble: PebbleServer;
  let acme: MiniAcme;
  before(async () => {
    bind = await startBind();
    pebble = await startPebble({ dnsPort: bind.port, eab: true, nonceReject: 0 });
    acme = new MiniAcme(pebble);
    await acme.init();
  });
  after(async () => {
    await pebble?.stop();
    await bind?.stop();
  });

  it('serves a directory over TLS trusted via caCertPem and exposes the issuing root', async () => {
    assert.ok(acme.dir.newOrder && acme.dir.newAccount);
    assert.match(await pebble.rootPem(), /^-----BEGIN CERTIFICATE-----/);
  });

  it('requires external account binding when started with eab', async () => {
    const other = new MiniAcme(pebble);
    await other.init();
    const r = await other.register(false);
    assert.equal(r.status, 403);
    assert.match(JSON.stringify(r.body), /externalAccountRequired|externalAccountBinding/);
    assert.equal((await acme.register(true)).status, 201);
  });

  it('counts orders and issues a certificate validated through BIND', async () => {
    assert.equal(pebble.orderCount(), 0);
    const order = await acme.post(acme.dir.newOrder, { identifiers: [{ type: 'dns', value: 'example.test' }] });
    assert.equal(order.status, 201);
    await waitFor(() => pebble.orderCount() === 1);
    assert.equal(pebble.orderCount(), 1);

    const authz = (await acme.post(order.body.authorizations[0], '')).body;
    const challenge = authz.challenges.find((c: { type: string }) => c.type === 'dns-01');
    const record = { fqdn: '_acme-challenge.example.test.', zone: 'example.test.', value: dns01TxtValue(`${challenge.token}.${acme.thumbprint()}`), ttl: 60 };
    const provider = createRfc2136Provider({ nameserver: `127.0.0.1:${bind.port}`, ...bind.tsig });
    await provider.present(record);
    try {
      await acme.post(challenge.url, {});
      await acme.poll(order.headers.location as string, ['ready']);
    } finally {
      await provider.cleanUp(record);
    }
    const { stdout: csr } = await promisify(execFile)('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null',
      '-subj', '/CN=example.test', '-addext', 'subjectAltName=DNS:example.test', '-outform', 'DER'], { encoding: 'buffer' });
    await acme.post(order.body.finalize, { csr: b64u(csr) });
    const done = await acme.poll(order.headers.location as string, ['valid']);
    const cert = await acme.post(done.certificate, '');
    assert.match(String(cert.body), /-----BEGIN CERTIFICATE-----/);
    await waitFor(() => pebble.issuedCount() === 1);
    assert.equal(pebble.issuedCount(), 1);
  });
});
