/**
 * `certctl account` against Pebble: show (and which Issuers share the account), update of the
 * contacts, key rollover (the old key no longer finds the account, the new one finds the same
 * one), a rollover killed (SIGKILL) at each step leaving a working account that the next run
 * completes, and deactivation after which issuing fails clearly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwkThumbprint, publicJwk } from '../../src/issuers/acme/transport/jwk.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { openssl, runCli, type CliResult } from '../helpers/run-cli.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'openssl'], 'bind9 pebble openssl');

const thumbprintOf = (pem: string): string => jwkThumbprint(publicJwk(createPrivateKey(pem)));

function assertNoKeys(r: CliResult, keys: string[]): void {
  const all = r.stdout + r.stderr;
  assert.ok(!/PRIVATE KEY/.test(all), 'no PEM private key in the output');
  for (const k of keys) assert.ok(!all.includes(k.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '').slice(20, 80)), 'no key material in the output');
}

describe('certctl account against Pebble', { skip }, () => {
  let env: AcmeEnv;
  let dir: string;
  before(async () => {
    env = await startAcmeEnv({ nonceReject: 20 });
    dir = await mkdtemp(join(tmpdir(), 'certctl-account-'));
  });
  after(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** An Issuer (account Secret `pebble-account`), a Certificate, and helpers around them. */
  async function setup(name: string, extraYaml = '') {
    const base = join(dir, name);
    await rm(base, { recursive: true, force: true });
    await mkdir(base, { recursive: true });
    const manifests = join(base, 'manifests.yaml');
    await writeFile(manifests, env.issuerYaml() + certificateYaml('www', ['www.example.test']) + extraYaml);
    const out = join(base, 'certs');
    const f = ['-f', manifests, '--out-dir', out];
    const accountDir = join(out, 'default', 'pebble-account');
    return {
      f,
      out,
      accountDir,
      issue: (extra: string[] = []) => runCli(['issue', ...f, ...env.dnsFlags, ...extra]),
      show: async (extra: string[] = []) => {
        const r = await runCli(['account', 'show', ...f, '-o', 'json', ...extra]);
        return { r, items: r.stdout ? (JSON.parse(r.stdout).items as any[]) : [] };
      },
      key: () => readFile(join(accountDir, 'tls.key'), 'utf8'),
      dataKeys: async () => (await readdir(accountDir)).filter((e) => !e.startsWith('.')).sort(),
    };
  }

  test('show: no key yet (exit 1); after issue the account as Pebble has it, and the Issuers sharing it', async () => {
    const sharing = `---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: pebble-too, namespace: default}
spec:
  acme:
    server: ${env.pebble.directoryUrl}
    caBundle: ${Buffer.from(env.pebble.caCertPem).toString('base64')}
    privateKeySecretRef: {name: pebble-account}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: elsewhere}
spec:
  acme:
    server: ${env.pebble.directoryUrl}
    caBundle: ${Buffer.from(env.pebble.caCertPem).toString('base64')}
    privateKeySecretRef: {name: other-account}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
`;
    const s = await setup('show', sharing);
    const none = await s.show(['pebble']);
    assert.equal(none.r.code, 1, none.r.stderr);
    assert.equal(none.items[0].status, 'no-key');
    assert.equal(env.pebble.logs().includes('sign-me-up'), false, 'show registers nothing');

    assert.equal((await s.issue()).code, 0);
    const { r, items } = await s.show(['pebble']);
    assert.equal(r.code, 0, r.stderr);
    assertNoKeys(r, [await s.key()]);
    const a = items[0];
    assert.equal(a.status, 'valid');
    assert.match(a.url, /\/my-account\/[0-9a-f]+$/);
    assert.deepEqual(a.contacts, ['mailto:ops@example.test']);
    assert.deepEqual(a.key, { algorithm: 'RSA', size: 2048, jwsAlgorithm: 'RS256', thumbprint: thumbprintOf(await s.key()) });
    assert.deepEqual(a.keySecret.key, 'tls.key');
    assert.deepEqual(a.issuers, [
      { kind: 'Issuer', namespace: 'default', name: 'pebble' },
      { kind: 'Issuer', namespace: 'default', name: 'pebble-too' },
    ]);
    assert.match(openssl(['pkey', '-in', join(s.accountDir, 'tls.key'), '-noout', '-text']), /Private-Key: \(2048 bit/);

    // Without an argument every account is shown: the ClusterIssuer's has no key yet, so exit 1.
    const all = await s.show();
    assert.equal(all.r.code, 1);
    assert.deepEqual(all.items.map((i) => i.status), ['valid', 'no-key']);
    const text = await runCli(['account', 'show', ...s.f, 'pebble-too']);
    assert.match(text.stdout, /^ACME account https:\/\/127\.0\.0\.1:\d+\/my-account\/[0-9a-f]+\n {2}server: {5}https:\/\/127\.0\.0\.1:\d+\/dir\n {2}status: {5}valid\n {2}contacts: {3}mailto:ops@example\.test\n {2}key: {8}RSA 2048 \(RS256\), thumbprint [\w-]{43}\n/);
    assert.match(text.stdout, /issuers: {4}Issuer default\/pebble, Issuer default\/pebble-too/);
  });

  test('update --email sets the contacts at the CA; without --email the Issuer\'s email is put back', async () => {
    const s = await setup('update');
    assert.equal((await s.issue()).code, 0);
    const r = await runCli(['account', 'update', ...s.f, '--email', 'a@example.test', '--email', 'mailto:b@example.test', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).action, 'updated');
    assert.match(r.stderr, /warning: Issuer default\/pebble has spec\.acme\.email ops@example\.test: issue and renew with it add that contact back/);
    assert.deepEqual((await s.show()).items[0].contacts, ['mailto:a@example.test', 'mailto:b@example.test'], 'what Pebble now has');
    const back = await runCli(['account', 'update', ...s.f]);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual((await s.show()).items[0].contacts, ['mailto:ops@example.test']);
  });

  test('rollover: new key in tls.key, same account; the old key no longer finds it; issuing goes on without a new registration', async () => {
    const s = await setup('rollover');
    assert.equal((await s.issue()).code, 0);
    const oldKey = await s.key();
    const before = (await s.show()).items[0];
    const r = await runCli(['account', 'rollover', ...s.f, '--key-algorithm', 'ECDSA', '--key-size', '384', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const newKey = await s.key();
    assertNoKeys(r, [oldKey, newKey]);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.action, 'rolledOver');
    assert.equal(doc.url, before.url);
    assert.deepEqual(doc.previousKey, before.key);
    assert.deepEqual(doc.key, { algorithm: 'ECDSA', size: 384, jwsAlgorithm: 'ES384', thumbprint: thumbprintOf(newKey) });
    assert.deepEqual(await s.dataKeys(), ['tls.key'], 'no pending key left');
    assert.match(newKey, /^-----BEGIN EC PRIVATE KEY-----/, 'the encoding of the old key (PKCS#1 / SEC 1), as cert-manager writes');
    assert.match(openssl(['pkey', '-in', join(s.accountDir, 'tls.key'), '-noout', '-text']), /ASN1 OID: secp384r1/);

    const after = (await s.show()).items[0];
    assert.equal(after.url, before.url);
    assert.equal(after.key.thumbprint, thumbprintOf(newKey));
    // The old key, given inline: Pebble knows no account for it any more.
    const old = await runCli(['account', 'show', '-f', '-', '--out-dir', s.out, '-o', 'json'], {
      input: `${env.issuerYaml({ name: 'old', accountSecret: 'old-account' }).split('\n---\napiVersion: v1\nkind: Secret')[0]}
---
apiVersion: v1
kind: Secret
metadata: {name: old-account, namespace: default}
stringData:
  tls.key: |
${oldKey.trimEnd().replace(/^/gm, '    ')}
`,
    });
    assert.equal(old.code, 1, old.stderr);
    assert.equal(JSON.parse(old.stdout).items[0].status, 'not-registered');

    const forced = await s.issue(['--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(forced.stderr, /registered ACME account/);
    await verifyWithPebbleRoot(env, join(s.out, 'default', 'www-tls'));
  });

  test('a rollover killed at each step leaves a working account; the next run completes it', async () => {
    // The first write stores the pending key (files:*), then the CA is asked, then tls.key is replaced.
    const points: [string, 'old' | 'new'][] = [
      ['files:version-complete', 'old'],
      ['files:data-switched', 'old'],
      ['account:rollover-pending-stored', 'old'],
      ['account:rollover-accepted', 'new'],
      ['account:rollover-stored', 'new'],
    ];
    for (const [point, knows] of points) {
      const s = await setup(`crash-${point.replace(/:/g, '-')}`);
      assert.equal((await s.issue()).code, 0);
      const oldKey = await s.key();
      const url = (await s.show()).items[0].url;

      const killed = await runCli(['account', 'rollover', ...s.f], { env: { CERTCTL_FAULT: point } });
      assert.equal(killed.signal, 'SIGKILL', `${point}: killed (${killed.stderr})`);
      const pendingFile = (await s.dataKeys()).includes('tls.key.next') ? await readFile(join(s.accountDir, 'tls.key.next'), 'utf8') : undefined;

      // Right after the crash: the account works with the key the CA has, whichever that is.
      const shown = await s.show();
      assert.equal(shown.r.code, 0, `${point}: ${shown.r.stderr}`);
      const a = shown.items[0];
      assert.equal(a.status, 'valid', point);
      assert.equal(a.url, url, `${point}: the same account`);
      if (knows === 'old') assert.equal(a.key.thumbprint, thumbprintOf(oldKey), `${point}: the CA still has the old key`);
      else assert.notEqual(a.key.thumbprint, thumbprintOf(oldKey), `${point}: the CA has the new key`);
      if (point === 'account:rollover-accepted') {
        assert.equal(a.pendingRollover, 'accepted');
        assert.equal(a.key.thumbprint, thumbprintOf(pendingFile!));
      }

      // The next run uses the account: no new registration, and the Secret ends with the CA's key.
      const next = await s.issue(['--force']);
      assert.equal(next.code, 0, `${point}: ${next.stderr}`);
      assert.doesNotMatch(next.stderr, /registered ACME account/, point);
      if (point === 'account:rollover-accepted') assert.match(next.stderr, /stored the new key of an account key rollover the CA had accepted/);
      const settled = (await s.show()).items[0];
      assert.equal(settled.url, url, point);
      assert.equal(settled.key.thumbprint, thumbprintOf(await s.key()), `${point}: tls.key is the key the CA has`);
      assert.notEqual(settled.pendingRollover, 'accepted', point);

      // And a rollover from there completes.
      const again = await runCli(['account', 'rollover', ...s.f, '-o', 'json']);
      assert.equal(again.code, 0, `${point}: ${again.stderr}`);
      assert.equal(JSON.parse(again.stdout).url, url);
      assert.deepEqual(await s.dataKeys(), ['tls.key'], point);
      assert.notEqual(thumbprintOf(await s.key()), settled.key.thumbprint, point);
    }
  });

  test('deactivate: needs --yes (exit 2, nothing sent); afterwards issuing fails clearly and show says deactivated', async () => {
    const s = await setup('deactivate');
    assert.equal((await s.issue()).code, 0);
    const url = (await s.show()).items[0].url;
    const refused = await runCli(['account', 'deactivate', ...s.f]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /deactivating the ACME account of Issuer default\/pebble at https:\/\/127\.0\.0\.1:\d+\/dir is permanent.*Add --yes/);
    assert.equal((await s.show()).items[0].status, 'valid');

    const r = await runCli(['account', 'deactivate', ...s.f, '--yes', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.action, 'deactivated');
    assert.equal(doc.status, 'deactivated');
    assert.equal(doc.url, url);

    const shown = await s.show();
    assert.equal(shown.r.code, 1);
    assert.equal(shown.items[0].status, 'deactivated');
    const issue = await s.issue(['--force']);
    assert.equal(issue.code, 1);
    assert.match(issue.stderr, /the ACME account of the key in Secret default\/pebble-account .* is deactivated \(.*\); an account cannot be reactivated: to register a new one, remove the key from Secret default\/pebble-account/);
    assert.doesNotMatch(issue.stderr, /registered ACME account/);
  });
});
