/**
 * OCSP in `certctl check`: stapled responses made by `openssl ocsp` and served by s_server
 * (good, revoked, expired, wrong signer, delegated responders, a response for another
 * certificate), Must-Staple, and a live `openssl ocsp` responder when nothing is stapled.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { freePort } from '../helpers/ports.js';
import { checkJson, codes } from './check-cli.js';
import { ocspResponse, writeIndex } from './ocsp-fixture.js';
import { makeCheckPki, type CheckPki, type Pair } from './pki-fixture.js';
import { startOcspResponder, startSServer, type Running } from './servers.js';

const skip = skipUnlessInstalled(['openssl', 'faketime'], 'openssl faketime');

describe('check: OCSP', { skip }, () => {
  let dir: string;
  let pki: CheckPki;
  const servers: Running[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-check-ocsp-'));
    pki = await makeCheckPki(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  /** Serves `leaf` with the intermediate, stapling `status` if given; checks it against the fixture root. */
  async function check(leaf: Pair, status: string | undefined, extra: string[] = []): Promise<Awaited<ReturnType<typeof checkJson>>> {
    const s = await startSServer({ cert: leaf.cert, key: leaf.key, chain: pki.int.cert, ...(status ? { status } : {}) });
    servers.push(s);
    return checkJson([`127.0.0.1:${s.port}`, '--servername', 'localhost', '--ca-file', pki.root.cert, ...extra]);
  }

  async function staple(name: string, o: { revoked?: boolean; signer?: Pair; ago?: string; about?: string } = {}): Promise<string> {
    const cert = o.about ?? pki.leaf.cert;
    const index = await writeIndex(dir, name, [{ cert, ...(o.revoked ? { revoked: { reason: 'keyCompromise' } } : {}) }]);
    return ocspResponse({ dir, name, index, issuer: pki.int.cert, cert, signer: o.signer ?? pki.int, ...(o.ago ? { ago: o.ago } : {}) });
  }

  test('a good response signed by the issuer: OK, with its times and signer', async () => {
    const der = await staple('good');
    const { code, target: t, report } = await check(pki.leaf, der);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(report.state, 'OK');
    const r = t.revocation;
    assert.equal(r.source, 'stapled-ocsp');
    assert.equal(r.status, 'good');
    assert.equal(r.staple.signer, 'issuer CN=certctl Test Intermediate');
    assert.deepEqual(r.staple.problems, []);
    // The times are the response's own, as openssl prints them.
    const text = await import('../helpers/run-cli.js').then((m) => m.openssl(['ocsp', '-respin', der, '-resp_text', '-noverify']));
    const produced = /Produced At: (.*)/.exec(text)![1]!;
    assert.equal(Date.parse(r.staple.producedAt), Date.parse(produced));
    assert.equal(Date.parse(r.staple.nextUpdate) - Date.parse(r.staple.thisUpdate), 86_400_000);
  });

  test('the same response stapled over TLS 1.2', async () => {
    const der = await staple('good12');
    const s = await startSServer({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert, status: der, extra: ['-tls1_2'] });
    servers.push(s);
    const { code, target: t } = await checkJson([`127.0.0.1:${s.port}`, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 0);
    assert.equal(t.connection.protocol, 'TLSv1.2');
    assert.equal(t.revocation.status, 'good');
  });

  test('revoked: CRITICAL Revoked with the time and reason', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('revoked', { revoked: true }));
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'Revoked');
    assert.match(t.findings[0].message, /revoked since \d{4}-.* \(keyCompromise\), says the stapled OCSP response/);
    assert.equal(t.revocation.staple.revocationReason, 'keyCompromise');
  });

  test('an expired response (nextUpdate passed): CRITICAL OCSPStapleExpired', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('expired', { ago: '-3d' }));
    assert.equal(code, 2);
    assert.deepEqual(codes(t).slice(0, 1), ['OCSPStapleExpired']);
    assert.match(t.findings[0].message, /stapled OCSP response: the OCSP response expired at .* \(its nextUpdate\)/);
    assert.equal(t.revocation.staple.status, 'good');
    assert.equal(t.revocation.status, 'unchecked', 'a stale "good" proves nothing');
  });

  test('a revoked response that is merely stale still proves the revocation', async () => {
    const { target: t } = await check(pki.leaf, await staple('stale-revoked', { revoked: true, ago: '-3d' }));
    assert.deepEqual(codes(t).slice(0, 2).sort(), ['OCSPStapleExpired', 'Revoked']);
    assert.equal(t.revocation.status, 'revoked');
  });

  test('signed by another CA using the issuer\'s name: CRITICAL, the signature does not verify with the issuer\'s key', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('lookalike', { signer: pki.stranger }));
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'OCSPStapleInvalid');
    assert.match(t.findings[0].message, /signature does not verify with the issuer's key/);
  });

  test('signed by a certificate of the issuer without the OCSP signing EKU: CRITICAL, not authorized', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('noeku', { signer: pki.noEku }));
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'OCSPStapleInvalid');
    assert.match(t.findings[0].message, /signed by CN=certctl Test Not A Responder, which lacks the OCSP signing extended key usage/);
  });

  test('a delegated responder (id-kp-OCSPSigning, issued by the issuer): OK', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('delegated', { signer: pki.responder }));
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.revocation.staple.signer, 'delegated responder CN=certctl Test OCSP Responder');
  });

  test('a response about another certificate: CRITICAL', async () => {
    const { code, target: t } = await check(pki.leaf, await staple('other', { about: pki.other.cert }));
    assert.equal(code, 2);
    assert.match(t.findings[0].message, /about another certificate/);
  });

  test('Must-Staple without a staple: CRITICAL MustStapleMissing; with one: OK', async () => {
    const without = await check(pki.mustStaple, undefined, ['--no-fetch']);
    assert.equal(without.code, 2);
    assert.equal(without.target.findings[0].code, 'MustStapleMissing');
    const der = await staple('muststaple', { about: pki.mustStaple.cert });
    const withStaple = await check(pki.mustStaple, der);
    assert.equal(withStaple.code, 0, JSON.stringify(withStaple.target.findings));
    assert.equal(withStaple.target.revocation.status, 'good');
  });

  test('no staple: the responder named in the certificate is asked (good, then revoked); --no-fetch asks nothing', async () => {
    // The URL goes into the certificates before the responder starts, so its port is fixed first.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const good = await pki.withOcsp(url, 'ocspgood');
    const revoked = await pki.withOcsp(url, 'ocsprevoked');
    const index = await writeIndex(dir, 'live', [{ cert: good.cert }, { cert: revoked.cert, revoked: { reason: 'superseded' } }]);
    servers.push(await startOcspResponder({ index, ca: pki.int.cert, signer: pki.int.cert, signerKey: pki.int.key, port }));

    const ok = await check(good, undefined);
    assert.equal(ok.code, 0, JSON.stringify(ok.target.findings));
    assert.equal(ok.target.revocation.source, 'ocsp');
    assert.equal(ok.target.revocation.ocsp.url, url);
    assert.equal(ok.target.revocation.status, 'good');
    assert.equal(ok.target.revocation.ocsp.signer, 'issuer CN=certctl Test Intermediate');
    const bad = await check(revoked, undefined);
    assert.equal(bad.code, 2);
    assert.match(bad.target.findings[0].message, /revoked .*\(superseded\), says the OCSP responder/);
    const offline = await check(revoked, undefined, ['--no-fetch']);
    assert.equal(offline.code, 0);
    assert.deepEqual(codes(offline.target), ['RevocationNotChecked']);
  });

  test('a responder that does not answer: WARNING RevocationUnchecked naming the URL', async () => {
    const port = await freePort();
    const leaf = await pki.withOcsp(`http://127.0.0.1:${port}/`, 'ocspdown');
    const { code, target: t } = await check(leaf, undefined);
    assert.equal(code, 1);
    assert.equal(t.findings[0].code, 'RevocationUnchecked');
    assert.match(t.findings[0].message, new RegExp(`OCSP http://127\\.0\\.0\\.1:${port}/: .*ECONNREFUSED`));
  });
});
