import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCertificate } from '../../src/pki/parse.js';
import { ariCertId } from '../../src/renewal/ari.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { runCli } from '../helpers/run-cli.js';
import { startAriServer, type FakeAriServer } from '../fakes/ari-server.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');
const DAY = 86_400_000;

describe('renew follows the CA\'s renewal window (ARI)', { skip }, () => {
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

  /** The issuer points at the ARI front (which adds renewalInfo to Pebble's directory). */
  function yaml(): string {
    const caBundle = Buffer.from(env.pebble.caCertPem + ari.caPem).toString('base64');
    return (
      env.issuerYaml()
        .replace(`server: ${env.pebble.directoryUrl}`, `server: ${ari.directoryUrl}`)
        .replace(/caBundle: \S+/, `caBundle: ${caBundle}`) + certificateYaml('ari', ['ari.example.test'])
    );
  }

  test('a window in the future: not renewed; a window in the past: renewed at once; Retry-After respected', async () => {
    const out = await tempOut();
    const renew = (extra: string[] = []) => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json', ...extra], { input: yaml() });
    const first = await renew();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).certificates[0].action, 'issued');

    const dir = join(out, 'default/ari-tls');
    const leaf = parseCertificate((await readFile(join(dir, 'tls.crt'), 'utf8')).split(/(?<=-----END CERTIFICATE-----)/)[0]);
    const id = ariCertId(leaf);
    const now = Date.now();
    ari.set(id, { window: { start: new Date(now + 20 * DAY), end: new Date(now + 21 * DAY) }, retryAfter: '3600' });

    const calm = await renew();
    assert.equal(calm.code, 0, calm.stderr);
    const c = JSON.parse(calm.stdout).certificates[0];
    assert.equal(c.action, 'up-to-date');
    assert.equal(c.ariWindow.start, new Date(now + 20 * DAY).toISOString());
    const chosen = Date.parse(c.renewalTime);
    assert.ok(chosen >= now + 20 * DAY && chosen < now + 21 * DAY, 'renewal time is a moment inside the window');
    const asked = ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length;

    // The CA moves the window into the past (say, a mass revocation) — but we said we would not
    // ask again for an hour (Retry-After): nothing happens until then...
    ari.set(id, { window: { start: new Date(now - 2 * DAY), end: new Date(now - DAY) }, explanationURL: 'https://ca.example/incident' });
    const cached = await renew();
    assert.equal(JSON.parse(cached.stdout).certificates[0].action, 'up-to-date');
    assert.equal(ari.requests.filter((r) => r.path.startsWith('/renewal-info/')).length, asked, 'no request before Retry-After');

    // ...unless the run is told the next run comes after the chosen moment (--interval).
    const far = await renew(['--interval', '720h']);
    assert.equal(JSON.parse(far.stdout).certificates[0].action, 'issued', far.stderr);
    assert.match(far.stderr, /Renewing certificate as the CA's renewal window \(ARI\)/);
    await rm(out, { recursive: true });
  });

  test('a new window in the past is fetched once the stored Retry-After passed, and renews', async () => {
    const out = await tempOut();
    const renew = () => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json'], { input: yaml() });
    assert.equal((await renew()).code, 0);
    const dir = join(out, 'default/ari-tls');
    const leaf = parseCertificate((await readFile(join(dir, 'tls.crt'), 'utf8')).split(/(?<=-----END CERTIFICATE-----)/)[0]);
    const now = Date.now();
    ari.set(ariCertId(leaf), { window: { start: new Date(now - 2 * DAY), end: new Date(now - DAY) }, explanationURL: 'https://ca.example/incident' });
    const r = await renew();
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout).certificates[0];
    assert.equal(c.action, 'issued');
    assert.match(r.stderr, /the CA changed its renewal window: https:\/\/ca\.example\/incident/);
    assert.ok((await readdir(dir)).includes('tls.crt'));
    await rm(out, { recursive: true });
  });
  test('a no-op receipt lasts only until the CA is to be asked again (its Retry-After)', async () => {
    const out = await tempOut();
    const file = join(out, 'ari.yaml');
    await writeFile(file, yaml().replace(/name: ari\b/g, 'name: ari-cache').replace('ari-tls', 'ari-cache-tls').replace('ari.example.test', 'ari-cache.example.test'));
    const cacheEnv = { CERTCTL_CACHE_DIR: join(out, 'cache') };
    const renew = () => runCli(['renew', '-f', file, '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json'], { env: cacheEnv });
    assert.equal((await renew()).code, 0);
    const dir = join(out, 'default/ari-cache-tls');
    const leaf = parseCertificate((await readFile(join(dir, 'tls.crt'), 'utf8')).split(/(?<=-----END CERTIFICATE-----)/)[0]);
    ari.set(ariCertId(leaf), { window: { start: new Date(Date.now() + 20 * DAY), end: new Date(Date.now() + 21 * DAY) }, retryAfter: '600' });
    assert.equal((await renew()).code, 0); // asks the CA, stores its answer: no receipt from a run that wrote
    await new Promise((r) => setTimeout(r, 2_100));
    const calm = await renew();
    assert.equal(JSON.parse(calm.stdout).certificates[0].action, 'up-to-date');
    const status = JSON.parse(await readFile(join(dir, '.certctl-status.json'), 'utf8')) as { issuer: { acme: { ari: { nextCheck: string } } } };
    const [name] = await readdir(join(out, 'cache/noop'));
    const receipt = JSON.parse(await readFile(join(out, 'cache/noop', name!), 'utf8')) as { validUntil: number };
    assert.equal(receipt.validUntil, Date.parse(status.issuer.acme.ari.nextCheck), 'valid until the CA is asked again, 10 min on');
    await rm(out, { recursive: true, force: true });
  });
});
