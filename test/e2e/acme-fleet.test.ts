/**
 * ACME at fleet scale, through the built CLI against Pebble + BIND: CA rate-limit budgets defer
 * what does not fit (not a failure) and a later run picks it up; a no-op run sends nothing to the
 * CA at all (it keeps working with the CA down); shards of one store run side by side.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { runCli } from '../helpers/run-cli.js';
import { startAriServer, type FakeAriServer } from '../fakes/ari-server.js';
import { parseCertificate } from '../../src/pki/parse.js';
import { ariCertId } from '../../src/renewal/ari.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'openssl'], 'bind9 pebble openssl');
const run = promisify(execFile);

async function verifyWithOpenssl(dir: string, name: string): Promise<void> {
  const crt = join(dir, 'tls.crt');
  const { stdout } = await run('openssl', ['x509', '-in', crt, '-noout', '-ext', 'subjectAltName']);
  assert.match(stdout, new RegExp(`DNS:${name.replace(/\./g, '\\.')}`));
  const pub = (f: string, args: string[]) => run('openssl', [...args, '-in', f, '-pubout']).then((r) => r.stdout);
  assert.equal(await pub(join(dir, 'tls.key'), ['pkey']), (await run('openssl', ['x509', '-in', crt, '-noout', '-pubkey'])).stdout, 'key matches the certificate');
}

describe('ACME at fleet scale', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('a new-order budget of 2: two issued, three deferred (exit 0, said why); the next run waits; a larger budget lets them through', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml() + Array.from({ length: 5 }, (_, i) => certificateYaml(`b${i}`, [`b${i}.example.test`])).join('');
    const renew = (budget: string) =>
      runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', '--acme-new-orders', budget], { input: yaml });
    const first = await renew('2/3h');
    assert.equal(first.code, 0, first.stderr);
    const doc = JSON.parse(first.stdout);
    assert.deepEqual(doc.certificates.map((c: { action: string }) => c.action).sort(), ['deferred', 'deferred', 'deferred', 'issued', 'issued']);
    assert.equal(doc.summary.deferred, 3);
    assert.equal(doc.deferred.length, 1);
    assert.match(doc.deferred[0].budget, /^new orders of ACME account https:\/\/127\.0\.0\.1:\d+\/dir default\/pebble-account$/);
    assert.equal(doc.deferred[0].count, 3);
    const until = Date.parse(doc.deferred[0].until);
    assert.ok(until > Date.now() + 2.9 * 3600_000 && until <= Date.now() + 3 * 3600_000, 'room again when the oldest order leaves the 3 h window');
    for (const c of doc.certificates.filter((x: { action: string }) => x.action === 'issued')) await verifyWithOpenssl(join(out, 'default', c.secretName), `${c.name}.example.test`);
    for (const c of doc.certificates.filter((x: { action: string }) => x.action === 'deferred')) {
      assert.equal(c.reason, 'RateBudget');
      assert.equal(c.failedIssuanceAttempts, undefined, 'a deferral is not a failure');
      assert.deepEqual(await readdir(join(out, 'default')).then((d) => d.includes(c.secretName)), false, 'nothing written for it');
    }

    // Text output: the summary line counts them and a line says why.
    const hooks = await tempOut();
    const again = await runCli(
      ['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '--acme-new-orders', '2/3h', '--pre-hook', `touch ${hooks}/pre`, '--post-hook', `touch ${hooks}/post`],
      { input: yaml },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await readdir(hooks), [], 'only deferrals: no pre-hook, no post-hook');
    assert.match(again.stderr, /0 issued, 2 up to date, 0 backing off, 3 deferred, 0 failed/);
    assert.match(again.stderr, /deferred 3 certificate\(s\) to a later run: the budget of new orders of ACME account .* is used up; room again at 20/);
    assert.match(again.stdout, /deferred {4}default\/b\d: new orders of ACME account .* used up; a run after 20/);

    const plan = await runCli(['plan', '-f', '-', '--out-dir', out, ...env.dnsFlags, '--acme-new-orders', '4/3h'], { input: yaml });
    assert.match(plan.stdout, /~ renew {7}default\/b\d/);
    assert.match(plan.stdout, /> deferred {4}default\/b\d: deferred: the budget of 4 new orders per 3 h/, 'plan shows what renew would defer');

    const more = await renew('4/3h');
    const actions = JSON.parse(more.stdout).certificates.map((c: { action: string }) => c.action).sort();
    assert.deepEqual(actions, ['deferred', 'issued', 'issued', 'up-to-date', 'up-to-date']);
    const last = await renew('none');
    assert.deepEqual(JSON.parse(last.stdout).summary.renewed, 1);
  });

  test('two shards starting a fleet together on one directory share one new ACME account key', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml({ accountSecret: 'fresh-account' }) + Array.from({ length: 4 }, (_, i) => certificateYaml(`s${i}`, [`s${i}.example.test`])).join('');
    const runs = await Promise.all([0, 1].map((i) => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', '--shard', `${i}/2`], { input: yaml })));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(runs.reduce((n, r) => n + JSON.parse(r.stdout).summary.renewed, 0), 4);
    const key = await readFile(join(out, 'default', 'fresh-account', 'tls.key'), 'utf8');
    assert.match(key, /BEGIN RSA PRIVATE KEY/);
    const dirs = (await readdir(join(out, 'default', 'fresh-account'))).filter((e) => e.startsWith('..2'));
    assert.equal(dirs.length, 1, 'one version of the account key Secret');
    // Whichever shard lost the race (if they raced) said so and used the winner's key.
    const generated = runs.filter((r) => /generated a new ACME account key/.test(r.stderr)).length;
    const reused = runs.filter((r) => /another run created the ACME account key/.test(r.stderr)).length;
    assert.ok(generated === 1 && reused <= 1, runs.map((r) => r.stderr).join('\n'));
  });

  test('certificates per registered domain: example.test holds at 1 a week, other.test still gets its own', async () => {
    const out = await tempOut();
    const yaml =
      env.issuerYaml() +
      certificateYaml('d1', ['d1.example.test']) +
      certificateYaml('d2', ['d2.sub.example.test', '*.d2.sub.example.test']) +
      certificateYaml('d3', ['d3.other.test']);
    const r = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', '--acme-certs-per-domain', '1/168h', '--concurrency', '1'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    const byName = new Map(JSON.parse(r.stdout).certificates.map((c: { name: string; action: string }) => [c.name, c]));
    assert.equal((byName.get('d1') as { action: string }).action, 'issued');
    assert.equal((byName.get('d3') as { action: string }).action, 'issued');
    const d2 = byName.get('d2') as { action: string; deferredBy: string; message: string };
    assert.equal(d2.action, 'deferred');
    assert.equal(d2.deferredBy, 'certificates for example.test');
    assert.match(d2.message, /budget of 1 new certificates per 7 days for the registered domain example\.test is used up \(1 of 1\)/);
    // A renewal of the same names does not count: forcing d1 again goes through while example.test is full.
    const forced = await runCli(['renew', 'd1', '-f', '-', '--out-dir', out, '--no-jitter', '--force', ...env.dnsFlags, '-o', 'json', '--acme-certs-per-domain', '1/168h'], { input: yaml });
    assert.equal(JSON.parse(forced.stdout).certificates[0].action, 'issued', forced.stderr);
    const record = JSON.parse(await readFile(join(out, 'default', 'd1-tls', '..data', 'certctl.json'), 'utf8'));
    assert.equal(record.revision, 2);
  });
});

describe('a no-op renew sends nothing to the CA', { skip }, () => {
  let env: AcmeEnv;
  let ari: FakeAriServer;
  before(async () => {
    env = await startAcmeEnv();
    ari = await startAriServer({ upstream: { directoryUrl: env.pebble.directoryUrl, caPem: env.pebble.caCertPem } });
  });
  after(async () => {
    await ari?.stop();
    await env?.stop();
  });

  test('a CA whose renewalInfo fails (404) is asked once, not on every run', async () => {
    const out = await tempOut();
    const caBundle = Buffer.from(env.pebble.caCertPem + ari.caPem).toString('base64');
    const yaml = env.issuerYaml().replace(`server: ${env.pebble.directoryUrl}`, `server: ${ari.directoryUrl}`).replace(/caBundle: \S+/, `caBundle: ${caBundle}`) + certificateYaml('f0', ['f0.example.test']);
    const renew = () => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json'], { input: yaml });
    assert.equal(JSON.parse((await renew()).stdout).summary.renewed, 1);
    const before = ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length;
    const first = await renew();
    assert.match(first.stderr, /renewal information unavailable/);
    const second = await renew();
    assert.equal(JSON.parse(second.stdout).summary.upToDate, 1);
    assert.doesNotMatch(second.stderr, /renewal information unavailable/);
    assert.equal(ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length, before + 1, 'one request, then the 6 h back-off');
  });

  test('a CA without ARI (Pebble: no renewalInfo in its directory): the directory is read once, later no-op runs send nothing', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml() + certificateYaml('noari', ['noari.example.test']);
    const renew = () => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', '-v'], { input: yaml });
    assert.equal(JSON.parse((await renew()).stdout).summary.renewed, 1);
    const requests = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => /debug: .*acme: (GET|POST|HEAD) /.test(l));
    const first = await renew();
    assert.equal(JSON.parse(first.stdout).summary.upToDate, 1);
    assert.equal(requests(first).length, 1, first.stderr);
    assert.match(requests(first)[0]!, /GET \S+\/dir -> HTTP 200/);
    for (let i = 0; i < 2; i++) {
      const later = await renew();
      assert.equal(JSON.parse(later.stdout).summary.upToDate, 1);
      assert.deepEqual(requests(later), [], later.stderr);
    }
  });

  test('after the renewal windows are known (ARI, Retry-After 6 h), renew with Pebble and the ARI server stopped: exit 0, no request, no warning', async () => {
    const out = await tempOut();
    const caBundle = Buffer.from(env.pebble.caCertPem + ari.caPem).toString('base64');
    const yaml =
      env.issuerYaml().replace(`server: ${env.pebble.directoryUrl}`, `server: ${ari.directoryUrl}`).replace(/caBundle: \S+/, `caBundle: ${caBundle}`) +
      Array.from({ length: 3 }, (_, i) => certificateYaml(`n${i}`, [`n${i}.example.test`])).join('');
    const renew = () => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', '-v'], { input: yaml });
    const issued = await renew();
    assert.equal(JSON.parse(issued.stdout).summary.renewed, 3, issued.stderr);
    for (let i = 0; i < 3; i++) {
      const pem = await readFile(join(out, 'default', `n${i}-tls`, 'tls.crt'), 'utf8');
      const leaf = parseCertificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
      ari.set(ariCertId(leaf), { window: { start: new Date(Date.now() + 30 * 86_400_000), end: new Date(Date.now() + 31 * 86_400_000) }, retryAfter: '21600' });
    }
    // The first run after issuance asks the CA's renewal window once per certificate (the fake
    // answers a window a month ahead, Retry-After 6 h as Let's Encrypt does)...
    const before = ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length;
    const asked = await renew();
    assert.equal(JSON.parse(asked.stdout).summary.upToDate, 3, asked.stderr);
    assert.equal(ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length, before + 3);
    // ...and from then on, nothing until the Retry-After has passed: not even with the CA gone.
    await ari.stop();
    await env.pebble.stop();
    const noop = await renew();
    assert.equal(noop.code, 0, noop.stderr);
    assert.equal(JSON.parse(noop.stdout).summary.upToDate, 3);
    assert.doesNotMatch(noop.stderr, /acme: (GET|POST|HEAD)/, 'no ACME request in the -v trace');
    assert.doesNotMatch(noop.stderr, /warning|unavailable|error/i, noop.stderr);
  });
});
