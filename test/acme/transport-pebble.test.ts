import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AcmeHttp } from '../../src/issuers/acme/acme-http.js';
import { AcmeProblem } from '../../src/issuers/acme/problem.js';
import { AcmeServerClient } from '../../src/issuers/acme/transport/server-client.js';
import type { AcmeRequestTrace } from '../../src/issuers/acme/transport/trace.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, type AcmeEnv } from '../helpers/acme-env.js';
import { orderCertificate, verifyIssued } from './pebble-order.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

const ec = (curve: string): KeyObject => generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
const rsa = (bits: number): KeyObject => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;

/** The problem an operation rejected with (fails the test when it resolved or threw something else). */
async function problemOf(p: Promise<unknown>): Promise<AcmeProblem> {
  const err = await p.then(
    () => assert.fail('expected an AcmeProblem'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AcmeProblem, `expected an AcmeProblem, got ${String(err)}`);
  assert.ok(!err.message.includes('\n'), 'one line');
  return err;
}

/** Path of a URL with the random id parts reduced to their resource kind. */
const kind = (t: AcmeRequestTrace): string => `${t.method} ${new URL(t.url).pathname.split('/')[1]}`;

describe('the ACME transport against Pebble (no nonce rejection)', { skip }, () => {
  let env: AcmeEnv;
  const client = (key: KeyObject, extra: Partial<ConstructorParameters<typeof AcmeHttp>[0]> = {}): AcmeHttp =>
    new AcmeHttp({ directoryUrl: env.pebble.directoryUrl, accountKeyPem: key, caBundle: env.pebble.caCertPem, ...extra });
  before(async () => {
    env = await startAcmeEnv({ nonceReject: 0, env: { PEBBLE_AUTHZREUSE: '0' } });
  });
  after(async () => {
    await env?.stop();
  });

  test('accounts with every key type Pebble accepts: RSA 2048 (RS256), P-256, P-384, P-521; found again by key', async () => {
    for (const [name, key] of [['RSA-2048', rsa(2048)], ['P-256', ec('P-256')], ['P-384', ec('P-384')], ['P-521', ec('P-521')]] as const) {
      const http = client(key);
      const created = await http.newAccount({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.test'] });
      assert.equal(created.status, 201, name);
      assert.match(http.accountUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+\/my-account\//, name);
      assert.equal(created.data.status, 'valid');
      // A new session with the same key finds the same account without creating one.
      const again = client(key);
      const found = await again.newAccount({ onlyReturnExisting: true });
      assert.equal(found.status, 200, name);
      assert.equal(again.accountUrl, http.accountUrl, name);
      // kid-signed requests work: POST-as-GET of the account.
      assert.deepEqual((await again.post(again.accountUrl!, null)).data.contact, ['mailto:ops@example.test']);
    }
  });

  test('an Ed25519 account key: refused locally unless asked for, then Pebble refuses it as a typed problem', async () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    assert.throws(() => client(key), /Ed25519 account keys \(JWS alg EdDSA\) are refused by most ACME CAs/);
    const p = await problemOf(client(key, { allowEdDsa: true }).newAccount({ termsOfServiceAgreed: true }));
    assert.equal(p.status, 400);
    assert.ok(p.is('badPublicKey') || p.is('malformed') || p.is('badSignatureAlgorithm'), p.message);
  });

  test('problem documents are typed errors: accountDoesNotExist, unauthorized, malformed', async () => {
    const stranger = client(ec('P-256'));
    const missing = await problemOf(stranger.newAccount({ onlyReturnExisting: true }));
    assert.ok(missing.is('accountDoesNotExist'), missing.message);
    assert.equal(missing.status, 400);
    assert.match(missing.message, /^ACME server: accountDoesNotExist: .* \(HTTP 400 from https:\/\/127\.0\.0\.1:\d+\/sign-me-up\)$/);

    const a = client(ec('P-256'));
    await a.newAccount({ termsOfServiceAgreed: true });
    const order = await a.post<{ status: string }>(await a.resourceUrl('newOrder'), { identifiers: [{ type: 'dns', value: 'typed.example.test' }] });
    assert.equal(order.status, 201);
    const b = client(ec('P-256'));
    await b.newAccount({ termsOfServiceAgreed: true });
    const foreign = await problemOf(b.post(order.location!, null));
    assert.ok(foreign.is('unauthorized'), foreign.message);
    assert.equal(foreign.status, 403);

    const bad = await problemOf(a.post(await a.resourceUrl('newOrder'), { identifiers: [{ type: 'ip', value: 'not-an-ip' }] }));
    assert.ok(bad.is('malformed'), bad.message);
    assert.equal(bad.status, 400);
    assert.match(bad.detail, /malformed IP type identifier value: "[^"\n]*"$/, 'the detail is kept, on one line');
  });

  test('a 1-name DNS-01 order with an existing account: at most 10 requests in all, none wasted, one newNonce', async () => {
    const key = ec('P-256');
    await client(key).newAccount({ termsOfServiceAgreed: true });
    // A new run: its own server client, so directory and nonce are fetched again as a CLI run would.
    const trace: AcmeRequestTrace[] = [];
    const http = client(key, { onRequest: (t) => trace.push(t) });
    await http.newAccount({ onlyReturnExisting: true });
    const { chainPem, key: certKey } = await orderCertificate(env, http, ['count.example.test']);
    await verifyIssued(env, chainPem, certKey, ['count.example.test']);

    const kinds = trace.map(kind);
    assert.ok(trace.length <= 10, `${trace.length} requests: ${kinds.join(', ')}`);
    assert.equal(http.requests, trace.length);
    assert.deepEqual(kinds.slice(0, 7), ['GET dir', 'GET nonce-plz', 'POST sign-me-up', 'POST order-plz', 'POST authZ', 'POST chalZ', 'POST finalize-order']);
    assert.equal(kinds.at(-1), 'POST certZ');
    // Between finalize and the certificate only order polls, and only while the order was processing.
    assert.ok(kinds.slice(7, -1).every((k) => k === 'POST my-order'), kinds.join(', '));
    assert.equal(kinds.filter((k) => k === 'GET nonce-plz').length, 1, 'nonces come from the answers, not from newNonce');
    assert.ok(trace.every((t) => t.attempt === 1 && t.status !== undefined && t.status < 300), JSON.stringify(trace));
    assert.ok(trace.every((t) => t.ms >= 0 && t.url.startsWith('https://127.0.0.1:')));
  });

  test('sessions sharing one server client fetch the directory once and share its nonces', async () => {
    const trace: AcmeRequestTrace[] = [];
    const server = new AcmeServerClient({ directoryUrl: env.pebble.directoryUrl, caBundle: env.pebble.caCertPem, onRequest: (t) => trace.push(t) });
    const one = client(ec('P-256'), { server });
    const two = client(ec('P-384'), { server });
    await one.newAccount({ termsOfServiceAgreed: true });
    await two.newAccount({ termsOfServiceAgreed: true });
    await one.post(one.accountUrl!, null);
    await two.post(two.accountUrl!, null);
    const kinds = trace.map(kind);
    assert.equal(kinds.filter((k) => k === 'GET dir').length, 1, kinds.join(', '));
    assert.equal(kinds.filter((k) => k === 'GET nonce-plz').length, 1, kinds.join(', '));
    assert.equal(one.requests + two.requests, trace.length);
    assert.equal(server.requests, trace.length);
  });

  test('revocation by the account and by the certificate key; a second revocation is alreadyRevoked', async () => {
    const http = client(ec('P-256'));
    await http.newAccount({ termsOfServiceAgreed: true });
    const byAccount = await orderCertificate(env, http, ['revoke1.example.test']);
    const der = (pem: string): Buffer => new X509Certificate(pem).raw;
    await http.revokeCertificate(der(byAccount.chainPem), { reason: 4 });
    const twice = await problemOf(http.revokeCertificate(der(byAccount.chainPem)));
    assert.ok(twice.is('alreadyRevoked'), twice.message);

    const byKey = await orderCertificate(env, http, ['revoke2.example.test']);
    // No account needed when the certificate's own key signs (jwk in the header).
    const anonymous = client(ec('P-256'));
    await anonymous.revokeCertificate(der(byKey.chainPem), { certificateKey: byKey.key });
    assert.ok((await problemOf(http.revokeCertificate(der(byKey.chainPem)))).is('alreadyRevoked'));
  });

  test('account key roll-over: the new key finds the same account, the old key none', async () => {
    const oldKey = ec('P-256');
    const newKey = rsa(2048);
    const http = client(oldKey);
    await http.newAccount({ termsOfServiceAgreed: true });
    const account = http.accountUrl;
    const before = http.thumbprint;
    await http.changeKey(newKey);
    assert.notEqual(http.thumbprint, before);
    assert.equal((await http.post(account!, null)).status, 200, 'the session signs with the new key');
    const withNew = client(newKey);
    await withNew.newAccount({ onlyReturnExisting: true });
    assert.equal(withNew.accountUrl, account);
    assert.ok((await problemOf(client(oldKey).newAccount({ onlyReturnExisting: true }))).is('accountDoesNotExist'));
  });
});

describe('the ACME transport against Pebble with External Account Binding required', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({ eab: true, nonceReject: 0 });
  });
  after(async () => {
    await env?.stop();
  });
  const client = (eab?: { kid: string; hmacKey: string; alg?: 'HS256' | 'HS384' | 'HS512' }): AcmeHttp =>
    new AcmeHttp({ directoryUrl: env.pebble.directoryUrl, accountKeyPem: ec('P-256'), caBundle: env.pebble.caCertPem, eab });

  test('without EAB: externalAccountRequired; with EAB HS256/HS384/HS512: registered', async () => {
    const none = await problemOf(client().newAccount({ termsOfServiceAgreed: true }));
    assert.ok(none.is('externalAccountRequired'), none.message);
    assert.equal((await client().directory()).meta?.externalAccountRequired, true);
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const http = client({ ...env.pebble.eab, alg });
      const r = await http.newAccount({ termsOfServiceAgreed: true });
      assert.equal(r.status, 201, alg);
      assert.ok(http.accountUrl, alg);
    }
  });

  test('the MAC key as padded standard base64 works too; a wrong MAC key is a typed problem', async () => {
    const std = Buffer.from(env.pebble.eab.hmacKey, 'base64url').toString('base64');
    assert.equal((await client({ kid: env.pebble.eab.kid, hmacKey: std }).newAccount({ termsOfServiceAgreed: true })).status, 201);
    const wrong = Buffer.alloc(32, 7).toString('base64url');
    const p = await problemOf(client({ kid: env.pebble.eab.kid, hmacKey: wrong }).newAccount({ termsOfServiceAgreed: true }));
    assert.ok(p.status >= 400 && p.status < 500, p.message);
    assert.ok(!p.message.includes(wrong), 'the MAC key is not in the error');
    assert.throws(() => client({ kid: 'k', hmacKey: 'not base64!' }), (e: Error) => /External Account Binding k: the EAB MAC key is not base64url/.test(e.message) && !e.message.includes('not base64!'));
  });
});

describe('the ACME transport against Pebble rejecting 50% of nonces', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({ nonceReject: 50 });
  });
  after(async () => {
    await env?.stop();
  });

  test('a full order completes; every badNonce is retried at once with the nonce that came with it', async () => {
    const trace: AcmeRequestTrace[] = [];
    const http = new AcmeHttp({ directoryUrl: env.pebble.directoryUrl, accountKeyPem: ec('P-256'), caBundle: env.pebble.caCertPem, onRequest: (t) => trace.push(t) });
    await http.newAccount({ termsOfServiceAgreed: true });
    // Twenty signed requests first: at 50% the chance that none is rejected is 1e-6.
    for (let i = 0; i < 20; i++) await http.post(http.accountUrl!, null);
    const { chainPem, key } = await orderCertificate(env, http, ['nonce.example.test', '*.nonce.example.test']);
    await verifyIssued(env, chainPem, key, ['nonce.example.test', '*.nonce.example.test']);

    const retries = trace.filter((t) => t.retryReason === 'badNonce');
    assert.ok(retries.length > 0, 'Pebble rejected some nonces');
    for (const r of retries) {
      // Authorizations are fetched concurrently: the attempt before is the last one to the same URL.
      const prev = trace.slice(0, trace.indexOf(r)).findLast((t) => t.url === r.url)!;
      assert.equal(prev.status, 400);
      assert.equal(r.attempt, prev.attempt + 1);
    }
    // Concurrent requests may each need a first nonce, but rejections never cost a newNonce request.
    assert.ok(trace.filter((t) => kind(t) === 'GET nonce-plz').length <= 2, trace.map(kind).join(', '));
    assert.equal(http.requests, trace.length);
  });
});
