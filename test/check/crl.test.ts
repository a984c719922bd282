/**
 * The CRL fallback of `certctl check`: certificates naming no OCSP responder (as Let's Encrypt's
 * since 2025) are checked against the CRL of their distribution point, made by `openssl ca
 * -gencrl` and served over HTTP by the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/run-cli.js';
import { checkJson, codes } from './check-cli.js';
import { makeCrl } from './crl-fixture.js';
import { makeCheckPki, type CheckPki, type Pair } from './pki-fixture.js';
import { startFileServer, startSServer, type Running } from './servers.js';

const skip = skipUnlessInstalled(['openssl', 'faketime'], 'openssl faketime');

describe('check: CRL', { skip }, () => {
  let dir: string;
  let pki: CheckPki;
  let crlServer: Running & { requests: () => number };
  let good: Pair;
  let revoked: Pair;
  let base: string;
  const servers: Running[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-check-crl-'));
    pki = await makeCheckPki(dir);
    // The distribution point URL is in the certificates, so the server's port is chosen first.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    good = await pki.withCrl(`${base}/int.crl`, 'crlgood');
    revoked = await pki.withCrl(`${base}/int.crl`, 'crlrevoked');
    await makeCrl(dir, 'int', { signer: pki.int, revoked: [revoked.cert] });
    await makeCrl(dir, 'stale', { signer: pki.int, revoked: [revoked.cert], ago: '-3d' });
    await makeCrl(dir, 'forged', { signer: pki.stranger, revoked: [revoked.cert] });
    crlServer = await startFileServer({ '/int.crl': join(dir, 'int.crl'), '/stale.crl': join(dir, 'stale.crl'), '/forged.crl': join(dir, 'forged.crl'), '/int-crl.pem': join(dir, 'int-crl.pem') }, port);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await crlServer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function check(leaf: Pair, extra: string[] = []): Promise<Awaited<ReturnType<typeof checkJson>>> {
    const s = await startSServer({ cert: leaf.cert, key: leaf.key, chain: pki.int.cert });
    servers.push(s);
    return checkJson([`127.0.0.1:${s.port}`, '--servername', 'localhost', '--ca-file', pki.root.cert, ...extra]);
  }

  test('not on the CRL: OK; the report says there is no OCSP responder and which CRL answered', async () => {
    const { code, target: t } = await check(good);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.revocation.source, 'crl');
    assert.equal(t.revocation.status, 'good');
    assert.equal(t.revocation.crl.url, `${base}/int.crl`);
    assert.equal(t.revocation.crl.entries, 1);
    assert.deepEqual(t.revocation.pointers.ocspUrls, []);
    const text = await runCli(['check', t.target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.match(text.stdout, /revocation +no stapled OCSP response; the certificate names no OCSP responder \(as Let's Encrypt certificates since 2025\); CRL http:\/\/127\.0\.0\.1:\d+\/int\.crl: good, 1 revoked entries/);
  });

  test('on the CRL: CRITICAL Revoked with the reason', async () => {
    const { code, target: t } = await check(revoked);
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'Revoked');
    assert.match(t.findings[0].message, /\(keyCompromise\), says the CRL/);
  });

  test('--no-fetch does not download the CRL', async () => {
    const before = crlServer.requests();
    const { code, target: t } = await check(revoked, ['--no-fetch']);
    assert.equal(code, 0);
    assert.deepEqual(codes(t), ['RevocationNotChecked']);
    assert.equal(crlServer.requests(), before);
  });

  test('a stale CRL, a CRL not signed by the issuer, a missing CRL: WARNING RevocationUnchecked saying why', async () => {
    const stale = await pki.withCrl(`${base}/stale.crl`, 'crlstale');
    const s = await check(stale);
    assert.equal(s.code, 1);
    assert.match(s.target.findings[0].message, /is stale: its nextUpdate .* has passed/);
    const forged = await pki.withCrl(`${base}/forged.crl`, 'crlforged');
    const f = await check(forged);
    assert.equal(f.code, 1);
    assert.match(f.target.findings[0].message, /forged\.crl is not signed by CN=certctl Test Intermediate/);
    const missing = await pki.withCrl(`${base}/missing.crl`, 'crlmissing');
    const m = await check(missing);
    assert.equal(m.code, 1);
    assert.match(m.target.findings[0].message, /missing\.crl: HTTP 404/);
  });

  test('a PEM-encoded CRL is read too', async () => {
    const pem = await pki.withCrl(`${base}/int-crl.pem`, 'crlpem');
    const { code, target: t } = await check(pem);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.revocation.status, 'good');
  });
});
