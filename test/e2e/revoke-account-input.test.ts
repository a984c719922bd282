/**
 * Bad input to `certctl revoke` and `certctl account` costs nothing: exit 2 with a message naming
 * what is wrong, and not one connection to the CA (a listener counts them), no key in the output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl, runCli } from '../helpers/run-cli.js';

describe('revoke and account: bad input exits 2 before any request', () => {
  const connections: Socket[] = [];
  let server: Server;
  let dir: string;
  let url: string;
  let f: string[];
  before(async () => {
    server = createServer((s) => {
      connections.push(s);
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/dir`;
    dir = await mkdtemp(join(tmpdir(), 'certctl-revoke-input-'));
    const acme = (name: string, secret: string) => `---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ${name}, namespace: default}
spec:
  acme:
    server: ${url}
    email: ops@example.test
    privateKeySecretRef: {name: ${secret}}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
`;
    await writeFile(
      join(dir, 'm.yaml'),
      `${acme('le', 'le-account')}${acme('zerossl', 'zerossl-account')}---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: self, namespace: default}
spec: {selfSigned: {}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: www, namespace: default}
spec: {secretName: www-tls, dnsNames: [www.example.test], issuerRef: {name: le}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: local, namespace: default}
spec: {secretName: local-tls, dnsNames: [local.example.test], issuerRef: {name: self}}
`,
    );
    // A key the manifests carry inline: rollover cannot rewrite it.
    const inlineKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    await writeFile(
      join(dir, 'inline.yaml'),
      `${acme('inline', 'inline-account')}---
apiVersion: v1
kind: Secret
metadata: {name: inline-account, namespace: default}
stringData:
  tls.key: |
${inlineKey.trimEnd().replace(/^/gm, '    ')}
`,
    );
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'cert.key'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=input.example.test']);
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'other.key')]);
    await writeFile(join(dir, 'garbage.pem'), 'not a certificate\n');
    f = ['-f', join(dir, 'm.yaml'), '--out-dir', join(dir, 'certs')];
    // The selfSigned certificate is issued locally, without the network.
    const local = await runCli(['issue', ...f, 'local']);
    assert.equal(local.code, 0, local.stderr);
  });
  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every case exits 2 with its message and contacts nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['revoke', ...f, 'www', '--reason', 'certificateHold'], /--reason: "certificateHold" \(RFC 5280 code 6\) is not a reason a subscriber may give: certificate holds are not allowed/],
      [['revoke', ...f, 'www', '--reason', 'keyCompromised'], /--reason: "keyCompromised" is not an RFC 5280 revocation reason; use one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation/],
      [['revoke', ...f], /name what to revoke: a Certificate \(with -f\), a Secret NAMESPACE\/NAME in the store, or --cert-file PATH/],
      [['revoke', ...f, 'nope'], /no Certificate nope in the manifests \(they have default\/www, default\/local\)/],
      [['revoke', ...f, 'www'], /Secret default\/www-tls not found in files:.*, or it holds no tls\.crt/],
      [['revoke', ...f, 'local'], /Issuer default\/self is a selfSigned issuer: certctl revokes ACME certificates only/],
      [['revoke', ...f, '--cert-file', join(dir, 'garbage.pem'), '--issuer', 'le'], /garbage\.pem: no PEM certificate in it/],
      [['revoke', ...f, '--cert-file', join(dir, 'missing.pem'), '--issuer', 'le'], /--cert-file .*missing\.pem: no such file/],
      [['revoke', ...f, '--cert-file', join(dir, 'cert.pem'), '--with-certificate-key', '--key-file', join(dir, 'other.key'), '--issuer', 'le'], /the private key given does not belong to the certificate in .*cert\.pem/],
      [['revoke', ...f, '--cert-file', join(dir, 'cert.pem'), '--with-certificate-key', '--issuer', 'le'], /--with-certificate-key with --cert-file needs the certificate's key: --key-file PATH/],
      [['revoke', ...f, '--cert-file', join(dir, 'cert.pem')], /say whose account signs: --issuer NAME \(ACME issuers in the manifests: Issuer default\/le, Issuer default\/zerossl\)/],
      [['revoke', ...f, '--cert-file', join(dir, 'cert.pem'), '--issuer', 'clusterissuer/le'], /--issuer clusterissuer\/le: no such Issuer or ClusterIssuer in the manifests/],
      [['revoke', ...f, '--cert-file', join(dir, 'cert.pem'), '--key-file', join(dir, 'cert.key'), '--issuer', 'le'], /--key-file is the certificate's key for --with-certificate-key; add --with-certificate-key/],
      [['revoke', 'default/local-tls', '--out-dir', join(dir, 'certs')], /without -f manifests certctl does not know the Issuer, its account or its CA/],
      [['revoke', 'default/local-tls', '--out-dir', join(dir, 'certs'), '--with-certificate-key', '--server', 'http://127.0.0.1/dir'], /--server: "http:\/\/127\.0\.0\.1\/dir" is not an https:\/\/ ACME directory URL/],
      [['account', 'deactivate', ...f, 'le'], /deactivating the ACME account of Issuer default\/le at https:\/\/127\.0\.0\.1:\d+\/dir is permanent/],
      [['account', 'update', ...f, 'le', '--email', 'ops at example.test'], /--email: "ops at example\.test" is not an e-mail address/],
      [['account', 'rollover', ...f, 'le', '--key-algorithm', 'RSA', '--key-size', '1024'], /--key-size: an RSA account key has 2048 to 8192 bits, got 1024/],
      [['account', 'rollover', ...f], /the manifests have 2 ACME accounts: name the Issuer whose account to change \(Issuer default\/le, Issuer default\/zerossl\)/],
      [['account', 'show', ...f, 'nosuch'], /no Issuer or ClusterIssuer nosuch in the manifests \(ACME issuers: Issuer default\/le, Issuer default\/zerossl\)/],
      [['account', 'show', ...f, 'self'], /Issuer default\/self is not an ACME issuer: it has no account/],
      [['account', 'rollover', '-f', join(dir, 'inline.yaml'), '--out-dir', join(dir, 'certs')], /the account key comes from Secret default\/inline-account \(.*inline\.yaml:\d+\), a manifest certctl cannot rewrite/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.ok(!/PRIVATE KEY/.test(r.stdout + r.stderr), 'no key in the output');
    }
    assert.equal(connections.length, 0, 'nothing was sent to the CA');
  });

  test('-o json keeps stdout clean for an input error; the reason is checked before the store is read', async () => {
    const r = await runCli(['revoke', '--out-dir', '/nonexistent/certctl', 'default/x', '--reason', 'aACompromise', '-o', 'json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /"aACompromise" \(RFC 5280 code 10\)/);
  });

  test('completion knows revoke, the account subcommands and their flags', async () => {
    const bash = await runCli(['completion', 'bash']);
    assert.match(bash.stdout, /account\) opts="show update rollover deactivate .*--email .*--key-algorithm .*--yes/);
    assert.match(bash.stdout, /revoke\) opts=".*--cert-file .*--reason .*--with-certificate-key .*--server/);
    const fish = await runCli(['completion', 'fish']);
    assert.match(fish.stdout, /__fish_seen_subcommand_from account' -a rollover -d /);
  });
});
