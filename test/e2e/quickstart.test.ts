import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl, runCli } from '../helpers/run-cli.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'certctl-e2e-'));
}

test('quickstart: one run issues the CA then the leaves, and openssl verifies them', async () => {
  const out = await tempDir();
  const r = await runCli(['issue', '-f', 'examples/quickstart.yaml', '--out-dir', out, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.deepEqual(result.summary, { total: 3, issued: 3, renewed: 3, upToDate: 0, due: 0, backingOff: 0, deferred: 0, failed: 0, hookFailures: 0 });
  assert.deepEqual(result.certificates.map((c: { name: string }) => c.name), ['root-ca', 'web', 'client'], 'the CA comes first');
  assert.match(r.stderr, /sandbox\/root-ca: Issuing: Issuing certificate as Secret does not exist/);
  assert.match(r.stderr, /sandbox\/web: Issued: certificate issued, valid until/);

  const ca = join(out, 'sandbox/root-ca');
  const web = join(out, 'sandbox/web-tls');
  const client = join(out, 'sandbox/client-tls');
  for (const leaf of [web, client]) {
    assert.match(openssl(['verify', '-CAfile', join(ca, 'ca.crt'), join(leaf, 'tls.crt')]), /: OK/);
    // The key matches the leaf.
    assert.equal(
      openssl(['pkey', '-in', join(leaf, 'tls.key'), '-pubout']),
      openssl(['x509', '-in', join(leaf, 'tls.crt'), '-noout', '-pubkey']),
    );
    assert.equal((await stat(join(leaf, 'tls.key'))).mode & 0o777, 0o600);
    // ca.crt of a leaf signed by the CA issuer is the root.
    assert.equal(await readFile(join(leaf, 'ca.crt'), 'utf8'), await readFile(join(ca, 'tls.crt'), 'utf8'));
  }
  // The selfSigned CA: ca.crt is the certificate itself, basicConstraints CA:TRUE.
  assert.equal(await readFile(join(ca, 'ca.crt'), 'utf8'), await readFile(join(ca, 'tls.crt'), 'utf8'));
  assert.match(openssl(['x509', '-in', join(ca, 'tls.crt'), '-noout', '-ext', 'basicConstraints,keyUsage']), /CA:TRUE[\s\S]*Certificate Sign/);
  assert.match(await readFile(join(ca, 'tls.key'), 'utf8'), /^-----BEGIN EC PRIVATE KEY-----/);

  const webText = openssl(['x509', '-in', join(web, 'tls.crt'), '-noout', '-text']);
  assert.match(webText, /DNS:web\.sandbox\.test, DNS:\*\.web\.sandbox\.test, IP Address:127\.0\.0\.1/);
  assert.match(webText, /TLS Web Server Authentication/);
  assert.match(webText, /Subject: CN ?= ?web\.sandbox\.test/);
  assert.match(await readFile(join(web, 'tls.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  const clientText = openssl(['x509', '-in', join(client, 'tls.crt'), '-noout', '-text']);
  assert.match(clientText, /email:backup@sandbox\.test/);
  assert.match(clientText, /TLS Web Client Authentication/);
  assert.match(clientText, /ED25519/i);

  // certctl's record carries cert-manager's Secret annotations and the secretTemplate labels.
  const version = (await readdir(web)).find((e) => /^\.\.\d/.test(e))!;
  const record = JSON.parse(await readFile(join(web, version, 'certctl.json'), 'utf8'));
  assert.equal(record.secret.annotations['cert-manager.io/certificate-name'], 'web');
  assert.equal(record.secret.annotations['cert-manager.io/issuer-name'], 'sandbox-ca');
  assert.equal(record.secret.annotations['cert-manager.io/issuer-kind'], '');
  assert.equal(record.secret.annotations['cert-manager.io/alt-names'], 'web.sandbox.test,*.web.sandbox.test');
  assert.equal(record.secret.annotations['cert-manager.io/ip-sans'], '127.0.0.1');
  assert.equal(record.secret.annotations['cert-manager.io/common-name'], 'web.sandbox.test');
  assert.deepEqual(record.secret.labels, { app: 'web', 'controller.cert-manager.io/fao': 'true' });
  assert.equal(record.revision, 1);
  await rm(out, { recursive: true });
});

test('a second run does nothing and says so; --force re-issues; a spec change re-issues only that certificate', async () => {
  const out = await tempDir();
  assert.equal((await runCli(['issue', '-f', 'examples/quickstart.yaml', '--out-dir', out])).code, 0);
  const before = await readFile(join(out, 'sandbox/web-tls/tls.crt'), 'utf8');

  const again = await runCli(['issue', '-f', 'examples/quickstart.yaml', '--out-dir', out, '-o', 'json']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).summary, { total: 3, issued: 0, renewed: 0, upToDate: 3, due: 0, backingOff: 0, deferred: 0, failed: 0, hookFailures: 0 });
  assert.match(again.stderr, /sandbox\/web: UpToDate: certificate is up to date and has not expired/);
  assert.equal(await readFile(join(out, 'sandbox/web-tls/tls.crt'), 'utf8'), before);

  const forced = await runCli(['issue', '-f', 'examples/quickstart.yaml', '--out-dir', out, '--force', 'web', '-o', 'json']);
  assert.equal(forced.code, 0, forced.stderr);
  const f = JSON.parse(forced.stdout);
  // --force web forces web alone: the root CA it needs is issued only if due, so client-tls still verifies.
  assert.deepEqual(f.certificates.map((c: { name: string; action: string }) => [c.name, c.action]), [['root-ca', 'up-to-date'], ['web', 'issued']]);
  assert.notEqual(await readFile(join(out, 'sandbox/web-tls/tls.crt'), 'utf8'), before);
  for (const leaf of ['web-tls', 'client-tls']) openssl(['verify', '-CAfile', join(out, 'sandbox/root-ca/ca.crt'), join(out, `sandbox/${leaf}/tls.crt`)]);

  const changed = (await readFile('examples/quickstart.yaml', 'utf8')).replace('- "*.web.sandbox.test"', '- "*.web.sandbox.test"\n    - api.sandbox.test');
  const r = await runCli(['issue', '-f', '-', '--out-dir', out, '-o', 'json'], { input: changed });
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const web = res.certificates.find((c: { name: string }) => c.name === 'web');
  assert.equal(web.action, 'issued');
  assert.equal(web.reason, 'RequestChanged');
  assert.match(web.message, /spec changed: dnsNames/);
  assert.equal(res.certificates.find((c: { name: string }) => c.name === 'client').action, 'up-to-date');
  assert.match(openssl(['x509', '-in', join(out, 'sandbox/web-tls/tls.crt'), '-noout', '-ext', 'subjectAltName']), /DNS:api\.sandbox\.test/);
  await rm(out, { recursive: true });
});

test('invalid input: exit 2, file:line:col and field path, nothing written', async () => {
  const out = await tempDir();
  const bad = (await readFile('examples/quickstart.yaml', 'utf8')).replace('    size: 2048\n', '    size: 1024\n');
  const r = await runCli(['issue', '-f', '-', '--out-dir', out], { input: bad });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /<stdin>:\d+:\d+: spec\.privateKey\.size: /);
  assert.deepEqual(await readdir(out), [], 'nothing written');
  await rm(out, { recursive: true });
});

test('usage errors exit 2; --help and --version exit 0', async () => {
  const unknown = await runCli(['issue', '--no-such-flag']);
  assert.equal(unknown.code, 2);
  const missing = await runCli(['issue']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--filename/);
  const help = await runCli(['issue', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--out-dir/);
  assert.match(help.stdout, /Exit codes/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('--store none -o yaml prints the Secrets as cert-manager writes them, only with --include-private-key', async () => {
  const refused = await runCli(['issue', '-f', 'examples/quickstart.yaml', '--store', 'none', '-o', 'yaml']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--include-private-key/);
  assert.equal(refused.stdout, '');

  const r = await runCli(['issue', '-f', 'examples/quickstart.yaml', '--store', 'none', '-o', 'yaml', '--include-private-key']);
  assert.equal(r.code, 0, r.stderr);
  const { parseAllDocuments } = await import('yaml');
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
  assert.deepEqual(docs.map((d) => `${d.metadata.namespace}/${d.metadata.name}`), ['sandbox/root-ca', 'sandbox/web-tls', 'sandbox/client-tls']);
  const web = docs[1];
  assert.equal(web.type, 'kubernetes.io/tls');
  assert.equal(web.metadata.annotations['cert-manager.io/certificate-name'], 'web');
  assert.equal(web.metadata.labels['controller.cert-manager.io/fao'], 'true');
  const dir = await tempDir();
  for (const [k, v] of Object.entries(web.data as Record<string, string>)) await writeFile(join(dir, k), Buffer.from(v, 'base64'));
  assert.match(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'tls.crt')]), /: OK/);
  await rm(dir, { recursive: true });
});
