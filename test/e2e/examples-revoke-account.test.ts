/**
 * The revoke and account examples as a user runs them: the manifests of examples/revoke and
 * examples/account (Let's Encrypt swapped for Pebble, the placeholder DNS server and TSIG key for
 * the test BIND's) and their scripts, run by sh with the built certctl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificateChain } from '../../src/pki/parse.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { exampleManifest } from '../helpers/example-issue.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'openssl'], 'bind9 pebble openssl');

/** Runs an example script with sh, certctl being the built one. */
function script(file: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [join(ROOT, file), ...args], { env: { ...process.env, CERTCTL: `${process.execPath} ${BIN}`, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/revoke and examples/account against Pebble', { skip }, () => {
  let env: AcmeEnv;
  let dir: string;
  let dnsEnv: Record<string, string>;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    dir = await mkdtemp(join(tmpdir(), 'certctl-examples-revoke-'));
    // The DNS flags as the environment variables a cron job would set.
    dnsEnv = { CERTCTL_DNS01_RECURSIVE_NAMESERVERS: `127.0.0.1:${env.bind.port}`, CERTCTL_DNS01_NAMESERVER_PORT: String(env.bind.port), CERTCTL_DNS01_CHECK_RETRY_PERIOD: '100ms' };
  });
  after(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The example with the test's CA, DNS server and TSIG key, written where the scripts find it. */
  async function manifests(example: string): Promise<string> {
    const key = env.bind.keys.HMACSHA256;
    const yaml = await exampleManifest(env, example, [
      [/nameserver: ns1\.example\.com:53/g, `nameserver: "127.0.0.1:${env.bind.port}"`],
      [/tsigKeyName: certctl/g, `tsigKeyName: ${key.tsigKeyName}`],
      ['UkVQTEFDRS1XSVRILVlPVVItVFNJRy1LRVk=', key.tsigSecret],
    ]);
    const d = join(dir, example.split('/')[1]);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'manifests.yaml'), yaml);
    return join(d, 'manifests.yaml');
  }

  test('revoke/leaked-key.sh: revoked for keyCompromise at the CA, replaced at once with a new key although rotationPolicy is Never', async () => {
    const m = await manifests('examples/revoke/letsencrypt.yaml');
    const out = join(dir, 'revoke-certs');
    const issued = await runCli(['issue', '-f', m, '--out-dir', out], { env: dnsEnv });
    assert.equal(issued.code, 0, issued.stderr);
    const secret = join(out, 'web', 'shop-tls');
    const before = await readFile(join(secret, 'tls.key'), 'utf8');
    const serial = parseCertificateChain(await readFile(join(secret, 'tls.crt'), 'utf8'))[0].serialHex;

    const r = await script('examples/revoke/leaked-key.sh', ['shop'], { ...dnsEnv, MANIFESTS: m, OUT_DIR: out });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^revoked Secret web\/shop-tls \(Certificate shop\): serial /m);
    assert.match(r.stdout, /^issued {6}web\/shop -> /m);
    assert.match(r.stdout, /web +shop +True/);
    assert.deepEqual(await env.pebble.certStatus(serial).then((s) => [s.status, s.reason]), ['Revoked', 1]);
    await verifyWithPebbleRoot(env, secret);
    assert.notEqual(await readFile(join(secret, 'tls.key'), 'utf8'), before, 'a new key');

    // Run again: the old certificate is gone from the store, the new one is revoked in turn.
    const again = await script('examples/revoke/leaked-key.sh', ['web/shop'], { ...dnsEnv, MANIFESTS: m, OUT_DIR: out });
    assert.equal(again.code, 0, again.stderr);
  });

  test('account/rotate-account-key.sh: both ClusterIssuers share the account; the key is rolled over, the account kept', async () => {
    const m = await manifests('examples/account/letsencrypt.yaml');
    const out = join(dir, 'account-certs');
    assert.equal((await runCli(['issue', '-f', m, '--out-dir', out], { env: dnsEnv })).code, 0);
    const keyFile = join(out, 'cert-manager', 'letsencrypt-account', 'tls.key');
    const before = await readFile(keyFile, 'utf8');
    const r = await script('examples/account/rotate-account-key.sh', ['letsencrypt-shortlived'], { MANIFESTS: m, OUT_DIR: out });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /issuers: {4}ClusterIssuer letsencrypt, ClusterIssuer letsencrypt-shortlived/);
    assert.match(r.stdout, /^rolled over the key of ACME account https:\/\/127\.0\.0\.1:\d+\/my-account\//m);
    const after = await readFile(keyFile, 'utf8');
    assert.notEqual(after, before);
    assert.match(after, /^-----BEGIN RSA PRIVATE KEY-----/, 'cert-manager\'s account key layout');
    const urls = [...r.stdout.matchAll(/ACME account (https:\S+)/g)].map((x) => x[1]);
    assert.equal(urls.length, 2);
    assert.equal(urls[0], urls[1], 'the same account before and after');
    const renew = await runCli(['issue', '-f', m, '--out-dir', out, '--force'], { env: dnsEnv });
    assert.equal(renew.code, 0, renew.stderr);
    assert.doesNotMatch(renew.stderr, /registered ACME account/);
  });
});
