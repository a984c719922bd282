/**
 * `certctl inspect` on what certctl stored (files store, a plain directory, a PEM file) and on a
 * Secret cert-manager wrote in a real kube-apiserver: cmctl's sections, the chain, key match,
 * owner, the renew checks' verdict, trust and CRL status, and no key material in the output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { skipUnlessApiServer, startApiServer, type ApiServer } from '../helpers/kube-apiserver.js';
import { freePort } from '../helpers/ports.js';
import { openssl, runCli } from '../helpers/run-cli.js';
import { checkJson } from './check-cli.js';
import { makeCrl } from './crl-fixture.js';
import { FIXTURE_MANIFESTS, makeCheckPki, type CheckPki } from './pki-fixture.js';
import { startFileServer, startSServer, type Running } from './servers.js';

describe('inspect', { skip: skipUnlessInstalled(['openssl'], 'openssl') }, () => {
  let dir: string;
  let pki: CheckPki;
  const servers: Running[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-inspect-'));
    pki = await makeCheckPki(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  const inspect = (args: string[]): ReturnType<typeof runCli> => runCli(['inspect', ...args, '--out-dir', pki.store]);
  const inspectJson = async (args: string[]): Promise<any[]> => {
    const r = await inspect([...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'InspectReport');
    return doc.items;
  };

  test('a Secret in the files store: cmctl\'s sections with the certificate\'s own values, and no key material', async () => {
    const r = await inspect(['default/web-tls', '--ca-file', pki.root.cert, '--no-fetch']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    for (const section of ['Valid for:', 'Validity period:', 'Issued By:', 'Issued For:', 'Certificate:', 'Chain (tls.crt):', 'Private key (tls.key):', 'Renewal:', 'Debugging:', 'Annotations:']) {
      assert.ok(out.includes(`\n${section}`), `section ${section}`);
    }
    assert.match(out, /^Secret default\/web-tls \(.*\/store\/default\/web-tls\)\nCertificate:\tdefault\/web \(from the certctl record\)\nIssuer:\t\tIssuer int\n/);
    assert.match(out, /\tDNS Names: \n\t\t- localhost\n\t\t- web\.test\n/);
    assert.match(out, /\tIP Addresses: \n\t\t- 127\.0\.0\.1\n\t\t- ::1\n/);
    assert.match(out, /\tUsages: \n\t\t- digital signature\n\t\t- server auth\n/);
    assert.match(out, /Issued By:\n\tCommon Name:\tcertctl Test Intermediate\n/);
    const pem = await readFile(pki.leaf.cert, 'utf8');
    const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha256'], pem).trim().split('=')[1];
    assert.ok(out.includes(`\tFingerprints:\t${fingerprint}\n`), 'fingerprint as openssl prints it');
    const serialHex = openssl(['x509', '-noout', '-serial'], pem).trim().split('=')[1]!;
    assert.ok(out.includes(`\tSerial Number:\t${BigInt(`0x${serialHex}`).toString(10)} (hex ${serialHex.toLowerCase()})`), 'serial in decimal like cmctl');
    assert.match(out, /\t#0 leaf +<empty subject> .*\n\t#1 intermediate CN=certctl Test Intermediate .*\n\tin order\n\tca\.crt: CN=certctl Test Root,O=certctl tests \(self-signed\)/);
    assert.match(out, /Private key \(tls\.key\):\n\tECDSA P-256, PKCS1; matches the certificate\n/);
    assert.match(out, /\tRenewal Time:\t.* \(as recorded at issuance\)\n\tDue Now:\tno\n\tRevision:\t1, issued /);
    assert.match(out, /\tTrusted by this computer:\tyes\n\tVerifies with ca\.crt:\tyes\n/);
    assert.match(out, /\tcert-manager\.io\/alt-names: localhost,web\.test\n/);
    const key = await readFile(join(pki.store, 'default/web-tls/tls.key'), 'utf8');
    assert.ok(!out.includes(key.split('\n')[1]!), 'no private key material');
    assert.ok(!out.includes('PRIVATE KEY'));
  });

  test('-o json: owner, key, renewal (the record\'s time) and trust; the system roots do not know a private CA', async () => {
    const [w] = await inspectJson(['default/web-tls', '--no-fetch']);
    assert.deepEqual(w.certificate, { name: 'default/web', from: 'record' });
    assert.deepEqual(w.issuer, { name: 'int', kind: 'Issuer', group: 'cert-manager.io' });
    assert.deepEqual(w.privateKey, { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', matchesCertificate: true });
    const record = JSON.parse(await readFile(join(pki.store, 'default/web-tls/..data/certctl.json'), 'utf8'));
    assert.equal(w.renewal.renewalTime, record.renewalTime);
    assert.equal(w.renewal.basis, 'record');
    assert.equal(w.renewal.due, false);
    assert.equal(w.renewal.reason, 'UpToDate');
    assert.equal(w.trust.trusted, false);
    assert.match(w.trust.reason, /certctl Test Root.*not in the trust store \(system roots\)/);
    assert.equal(w.trust.withCaCrt.trusted, true);
    assert.equal(w.chain.length, 2);
    assert.equal(w.leaf.fingerprintSha256.split(':').length, 32);
    assert.equal(JSON.stringify(w).includes('PRIVATE KEY'), false);
  });

  test('-f: every Certificate\'s Secret, judged by the full renew chain; a spec change is due (RequestChanged)', async () => {
    const all = await inspectJson(['-f', join(dir, 'manifests.yaml'), '--no-fetch']);
    assert.deepEqual(all.map((i) => i.source), ['root-ca', 'int-ca', 'web-tls', 'other-tls', 'responder-tls', 'noeku-tls', 'stranger-ca'].map((s) => `Secret default/${s}`));
    const web = all.find((i) => i.source === 'Secret default/web-tls');
    assert.deepEqual(web.certificate, { name: 'default/web', from: 'manifest' });
    assert.equal(web.renewal.basis, 'manifest');
    assert.equal(web.renewal.due, false);
    await writeFile(join(dir, 'changed.yaml'), FIXTURE_MANIFESTS.replace('dnsNames: [localhost, web.test]', 'dnsNames: [localhost, web.test, www.test]'));
    const [changed] = await inspectJson(['default/web-tls', '-f', join(dir, 'changed.yaml'), '--no-fetch']);
    assert.equal(changed.renewal.due, true);
    assert.equal(changed.renewal.reason, 'RequestChanged');
    assert.match(changed.renewal.message, /spec changed: dnsNames/);
  });

  test('a directory with a key that does not belong: DOES NOT match, due as InvalidKeyPair; an expired certificate is due as Expired', async () => {
    const d = join(dir, 'mixed');
    await mkdir(d);
    await copyFile(join(pki.store, 'default/web-tls/tls.crt'), join(d, 'tls.crt'));
    await copyFile(join(pki.store, 'default/other-tls/tls.key'), join(d, 'tls.key'));
    const r = await runCli(['inspect', d, '--no-fetch']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\tECDSA P-256, PKCS1; DOES NOT match the certificate\n/);
    assert.match(r.stdout, /\tDue Now:\tyes: InvalidKeyPair: Issuing certificate as Secret contains a private key that does not match the certificate\n/);
    assert.match(r.stdout, /\tRenewal Time:\t.* \(two thirds into the lifetime, cert-manager's default\)/);
    const e = join(dir, 'expired-dir');
    await mkdir(e);
    await copyFile(pki.expired.cert, join(e, 'tls.crt'));
    await copyFile(pki.expired.key, join(e, 'tls.key'));
    // A relative path is a directory; NAMESPACE/NAME would be a Secret.
    const ex = await runCli(['inspect', './expired-dir', '--no-fetch', '-o', 'json'], { cwd: dir });
    assert.equal(ex.code, 0, ex.stderr);
    const item = JSON.parse(ex.stdout).items[0];
    assert.equal(item.source, e);
    assert.equal(item.renewal.reason, 'Expired');
    assert.equal(item.trust.trusted, false);
  });

  test('a PEM file; a Secret that is not there exits 1 and names it', async () => {
    const r = await runCli(['inspect', pki.leaf.cert, '--no-fetch']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Private key \(tls\.key\):\n\t<none>\n/);
    const missing = await inspect(['default/nope', '--no-fetch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Secret default\/nope not found in .*\/store/);
  });

  test('revocation from the CRL distribution point, as cmctl\'s CRL Status', async () => {
    const port = await freePort();
    const leaf = await pki.withCrl(`http://127.0.0.1:${port}/int.crl`, 'inspectcrl');
    const { der } = await makeCrl(dir, 'inspect', { signer: pki.int, revoked: [leaf.cert] });
    const server = await startFileServer({ '/int.crl': der }, port);
    servers.push(server);
    const d = join(dir, 'crl-dir');
    await mkdir(d);
    await writeFile(join(d, 'tls.crt'), (await readFile(leaf.cert, 'utf8')) + (await readFile(pki.int.cert, 'utf8')));
    const r = await runCli(['inspect', d, '--ca-file', pki.root.cert]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\tRevocation:\\tthe certificate names no OCSP responder .*CRL http://127\\.0\\.0\\.1:${port}/int\\.crl: revoked.* => REVOKED\\n`));
    assert.match(r.stdout, new RegExp(`\\tCRL:\\thttp://127\\.0\\.0\\.1:${port}/int\\.crl\\n`));
  });
});

describe('inspect and check with --store kubernetes', { skip: skipUnlessApiServer() || skipUnlessInstalled(['openssl'], 'openssl') }, () => {
  let k8s: ApiServer;
  let dir: string;
  let pki: CheckPki;
  let kubeconfig: string;
  let server: Running | undefined;
  before(async () => {
    k8s = await startApiServer();
    dir = await mkdtemp(join(tmpdir(), 'certctl-inspect-k8s-'));
    pki = await makeCheckPki(dir);
    kubeconfig = join(dir, 'kubeconfig');
    const token = await k8s.createServiceAccountToken('web', 'reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: r, user: {token: "${token}"}}]
contexts: [{name: t, context: {cluster: t, user: r, namespace: web}}]
current-context: t
`,
    );
    // A Secret exactly as cert-manager writes it (no certctl label or record), plus a status
    // annotation holding key material that must never be printed.
    const b64 = async (p: string): Promise<string> => (await readFile(p)).toString('base64');
    const created = await k8s.admin('POST', '/api/v1/namespaces/web/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: 'site-tls',
        namespace: 'web',
        labels: { 'controller.cert-manager.io/fao': 'true' },
        annotations: {
          'cert-manager.io/certificate-name': 'site',
          'cert-manager.io/issuer-name': 'corp-ca',
          'cert-manager.io/issuer-kind': 'ClusterIssuer',
          'cert-manager.io/issuer-group': 'cert-manager.io',
          'cert-manager.io/alt-names': 'localhost,web.test',
          'certctl.io/status': JSON.stringify({ version: 1, pendingOrder: { keyPem: '-----BEGIN PRIVATE KEY-----\nSENTINELSECRET\n-----END PRIVATE KEY-----\n' } }),
        },
      },
      data: { 'tls.crt': await b64(join(pki.store, 'default/web-tls/tls.crt')), 'tls.key': await b64(join(pki.store, 'default/web-tls/tls.key')), 'ca.crt': await b64(pki.root.cert) },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(async () => {
    await server?.stop();
    await k8s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('inspect reads a Secret cert-manager wrote (read-only: no --adopt needed) and names its Certificate and ClusterIssuer', async () => {
    const r = await runCli(['inspect', 'web/site-tls', '--store', 'kubernetes', '--kubeconfig', kubeconfig, '--no-fetch']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Secret web\/site-tls\nCertificate:\tsite \(from the Secret's annotations\)\nIssuer:\t\tClusterIssuer corp-ca\n/);
    assert.match(r.stdout, /\tcert-manager\.io\/issuer-kind: ClusterIssuer\n/);
    assert.match(r.stdout, /\tVerifies with ca\.crt:\tyes\n/);
    assert.ok(!r.stdout.includes('SENTINELSECRET') && !r.stderr.includes('SENTINELSECRET'), 'status annotation not printed');
    assert.ok(!r.stdout.includes('certctl.io/status'));
    const json = await runCli(['inspect', 'site-tls', '-n', 'web', '--store', 'kubernetes', '--kubeconfig', kubeconfig, '--no-fetch', '-o', 'json']);
    assert.ok(!json.stdout.includes('SENTINELSECRET'));
    assert.deepEqual(JSON.parse(json.stdout).items[0].certificate, { name: 'site', from: 'annotation' });
  });

  test('check --expect-secret compares with the Secret in the cluster', async () => {
    server = await startSServer({ cert: pki.leaf.cert, key: join(pki.store, 'default/web-tls/tls.key'), chain: pki.int.cert });
    const { code, target: t } = await checkJson([`127.0.0.1:${server.port}`, '--servername', 'web.test', '--ca-file', pki.root.cert, '--store', 'kubernetes', '--kubeconfig', kubeconfig, '--expect-secret', 'web/site-tls']);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.stored.relation, 'same');
    assert.equal(t.stored.location, 'Secret web/site-tls');
  });
});
