/**
 * `certctl revoke` against Pebble's real revokeCert: signed by the account and by the
 * certificate's own key, the reason as Pebble's management interface records it, the stored copy
 * marked so renew replaces it (with a new key after keyCompromise, even under rotationPolicy
 * Never), alreadyRevoked as its own exit code, and an account refused for another's certificate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificateChain } from '../../src/pki/parse.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { openssl, runCli, type CliResult } from '../helpers/run-cli.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'openssl'], 'bind9 pebble openssl');

/** No command output may carry key material. */
function assertNoSecrets(r: CliResult, keys: string[] = []): void {
  const all = r.stdout + r.stderr;
  assert.ok(!/PRIVATE KEY/.test(all), 'no PEM private key in the output');
  for (const k of keys) {
    const body = k.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    assert.ok(!all.includes(body.slice(20, 80)), 'no key material in the output');
  }
}

describe('certctl revoke against Pebble', { skip }, () => {
  let env: AcmeEnv;
  let dir: string;
  before(async () => {
    env = await startAcmeEnv({ nonceReject: 20 });
    dir = await mkdtemp(join(tmpdir(), 'certctl-revoke-'));
  });
  after(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A manifests file, an out dir, and the command line pieces for them. */
  async function setup(name: string, yaml: string): Promise<{ f: string[]; out: string; secretDir: (s: string) => string }> {
    const base = join(dir, name);
    const out = join(base, 'certs');
    const manifests = join(base, 'manifests.yaml');
    await rm(base, { recursive: true, force: true });
    await mkdir(base, { recursive: true });
    await writeFile(manifests, yaml);
    return { f: ['-f', manifests, '--out-dir', out], out, secretDir: (s) => join(out, 'default', s) };
  }

  async function leafOf(secretDir: string): Promise<{ serial: string; pem: string; key: string }> {
    const pem = await readFile(join(secretDir, 'tls.crt'), 'utf8');
    return { serial: parseCertificateChain(pem)[0].serialHex, pem, key: await readFile(join(secretDir, 'tls.key'), 'utf8') };
  }

  const pubkey = (file: string) => openssl(['pkey', '-in', file, '-pubout']);

  test('by the account: Pebble records keyCompromise; the Secret is marked; renew replaces it with a new key; revoking again is exit 6', async () => {
    const s = await setup('account', env.issuerYaml() + certificateYaml('www', ['www.example.test']));
    const issued = await runCli(['issue', ...s.f, ...env.dnsFlags]);
    assert.equal(issued.code, 0, issued.stderr);
    const before = await leafOf(s.secretDir('www-tls'));
    assert.equal((await env.pebble.certStatus(before.serial)).status, 'Valid');
    await writeFile(join(dir, 'account-old.pem'), before.pem);

    const r = await runCli(['revoke', ...s.f, 'www', '--reason', 'keyCompromise', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecrets(r, [before.key]);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'RevokeResult');
    assert.equal(doc.certificate.serial, before.serial);
    assert.deepEqual(doc.certificate.dnsNames, ['www.example.test']);
    assert.deepEqual(doc.reason, { name: 'keyCompromise', code: 1 });
    assert.equal(doc.signedWith, 'account');
    assert.match(doc.accountUrl, /^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    assert.equal(doc.alreadyRevoked, false);
    assert.deepEqual(doc.marked, { secret: 'default/www-tls', location: s.secretDir('www-tls') });
    const status = await env.pebble.certStatus(before.serial);
    assert.equal(status.status, 'Revoked');
    assert.equal(status.reason, 1, 'Pebble recorded keyCompromise (1)');

    // status: not Ready, reason Revoked; the store still holds the (revoked) pair.
    const st = await runCli(['status', ...s.f, '-o', 'json']);
    const row = JSON.parse(st.stdout).certificates[0];
    assert.equal(row.ready, false);
    assert.equal(row.reason, 'Revoked');
    // inspect, from the Secret alone (no manifests), says renew would replace it, and why.
    const inspected = await runCli(['inspect', 'default/www-tls', '--out-dir', s.out, '--no-fetch', '-o', 'json']);
    const renewal = JSON.parse(inspected.stdout).items[0].renewal;
    assert.equal(renewal.due, true, inspected.stderr);
    assert.equal(renewal.reason, 'Revoked');

    const renewed = await runCli(['renew', ...s.f, ...env.dnsFlags, '--no-jitter', '-o', 'json']);
    assert.equal(renewed.code, 0, renewed.stderr);
    const res = JSON.parse(renewed.stdout).certificates[0];
    assert.equal(res.action, 'issued');
    assert.equal(res.reason, 'Revoked');
    await verifyWithPebbleRoot(env, s.secretDir('www-tls'));
    const afterLeaf = await leafOf(s.secretDir('www-tls'));
    assert.notEqual(afterLeaf.serial, before.serial);
    assert.equal((await env.pebble.certStatus(afterLeaf.serial)).status, 'Valid');
    assert.notEqual(pubkey(join(s.secretDir('www-tls'), 'tls.key')), openssl(['x509', '-in', join(dir, 'account-old.pem'), '-noout', '-pubkey']), 'a new private key');
    const again = await runCli(['renew', ...s.f, ...env.dnsFlags, '--no-jitter', '-o', 'json']);
    assert.equal(JSON.parse(again.stdout).certificates[0].action, 'up-to-date', 'the mark went with the revoked certificate');

    // The old certificate again, as a file: the CA says alreadyRevoked → exit 6, nothing marked.
    const twice = await runCli(['revoke', ...s.f, '--cert-file', join(dir, 'account-old.pem'), '--issuer', 'pebble', '--reason', 'superseded']);
    assert.equal(twice.code, 6, twice.stderr);
    assert.match(twice.stdout, /^already revoked .*account-old\.pem: serial/m);
    assert.match(twice.stdout, /marked: {4}no \(a PEM file is not in the store\)/);
    assert.equal((await env.pebble.certStatus(before.serial)).reason, 1, 'the first reason stands');
  });

  test('by the certificate\'s own key (jwk): superseded keeps a rotationPolicy Never key; keyCompromise replaces it', async () => {
    const never = certificateYaml('api', ['api.example.test']).replace('privateKey: {algorithm: ECDSA}', 'privateKey: {algorithm: ECDSA, rotationPolicy: Never}');
    const s = await setup('certkey', env.issuerYaml() + never);
    assert.equal((await runCli(['issue', ...s.f, ...env.dnsFlags])).code, 0);
    const first = await leafOf(s.secretDir('api-tls'));

    const r = await runCli(['revoke', ...s.f, 'default/api', '--with-certificate-key', '--reason', 'superseded', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecrets(r, [first.key]);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.signedWith, 'certificate-key');
    assert.equal(doc.accountUrl, undefined);
    assert.deepEqual(await env.pebble.certStatus(first.serial).then((x) => [x.status, x.reason]), ['Revoked', 4]);

    const renewed = await runCli(['renew', ...s.f, ...env.dnsFlags, '--no-jitter', '-o', 'json']);
    assert.equal(JSON.parse(renewed.stdout).certificates[0].reason, 'Revoked', renewed.stderr);
    const second = await leafOf(s.secretDir('api-tls'));
    await verifyWithPebbleRoot(env, s.secretDir('api-tls'));
    assert.notEqual(second.serial, first.serial);
    assert.equal(second.key, first.key, 'superseded: rotationPolicy Never reuses the key');

    const compromised = await runCli(['revoke', ...s.f, 'api', '--with-certificate-key', '--reason', 'keyCompromise']);
    assert.equal(compromised.code, 0, compromised.stderr);
    assert.deepEqual(await env.pebble.certStatus(second.serial).then((x) => [x.status, x.reason]), ['Revoked', 1]);
    const replaced = await runCli(['renew', ...s.f, ...env.dnsFlags, '--no-jitter']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stderr, /KeyCompromised: not reusing the stored private key despite rotationPolicy: Never/);
    const third = await leafOf(s.secretDir('api-tls'));
    await verifyWithPebbleRoot(env, s.secretDir('api-tls'));
    assert.notEqual(third.key, first.key, 'keyCompromise: a new key whatever rotationPolicy says');
  });

  test('a Secret in the store, without manifests: --with-certificate-key at --server, reason cessationOfOperation', async () => {
    const s = await setup('nomanifests', env.issuerYaml() + certificateYaml('mail', ['mail.example.test']));
    assert.equal((await runCli(['issue', ...s.f, ...env.dnsFlags])).code, 0);
    const leaf = await leafOf(s.secretDir('mail-tls'));
    const ca = join(dir, 'pebble-tls-ca.pem');
    await writeFile(ca, env.pebble.caCertPem);
    const r = await runCli(['revoke', 'default/mail-tls', '--out-dir', s.out, '--with-certificate-key', '--server', env.pebble.directoryUrl, '--ca-file', ca, '--reason', 'cessationOfOperation']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^revoked Secret default\/mail-tls: serial [0-9a-f]+, mail\.example\.test/m);
    assert.match(r.stdout, /signed by: the certificate's own key/);
    assert.match(r.stdout, /marked: {4}Secret default\/mail-tls: the next renew replaces it$/m);
    assert.deepEqual(await env.pebble.certStatus(leaf.serial).then((x) => [x.status, x.reason]), ['Revoked', 5]);
    const plan = await runCli(['plan', ...s.f, '-o', 'json']);
    assert.equal(JSON.parse(plan.stdout).certificates[0].reason, 'Revoked');
  });

  test('an account may not revoke another account\'s certificate: exit 1 with the way out; no reason sent is recorded as none', async () => {
    // Two Issuers on the same CA with different account keys; db is ordered by a, db2 by b.
    const issuerB = env.issuerYaml({ name: 'b', accountSecret: 'account-b' }).split('\n---\napiVersion: v1\nkind: Secret')[0];
    const yaml = `${env.issuerYaml({ name: 'a', accountSecret: 'account-a' })}---\n${issuerB}\n${certificateYaml('db', ['db.example.test'], { issuer: 'a' })}${certificateYaml('db2', ['db2.example.test'], { issuer: 'b' })}`;
    const s = await setup('foreign', yaml);
    const issued = await runCli(['issue', ...s.f, ...env.dnsFlags]);
    assert.equal(issued.code, 0, issued.stderr);
    const leaf = await leafOf(s.secretDir('db-tls'));
    const r = await runCli(['revoke', ...s.f, '--cert-file', join(s.secretDir('db-tls'), 'tls.crt'), '--issuer', 'b']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /unauthorized: .* revoke with the certificate's own key instead \(--with-certificate-key\)/);
    assert.equal((await env.pebble.certStatus(leaf.serial)).status, 'Valid');
    const own = await runCli(['revoke', ...s.f, '--cert-file', join(s.secretDir('db-tls'), 'tls.crt'), '--issuer', 'a']);
    assert.equal(own.code, 0, own.stderr);
    const status = await env.pebble.certStatus(leaf.serial);
    assert.equal(status.status, 'Revoked');
    assert.equal(status.reason, undefined, 'no --reason: none sent');
  });
});
