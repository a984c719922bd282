/**
 * End to end through the built CLI: the acme-dns example manifest issues apex + wildcard from
 * Pebble. The fake acme-dns serves its zone (auth.acme-dns.test) into BIND and the user's zone
 * holds a real CNAME `_acme-challenge.example.com → <fulldomain>`, which Pebble follows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { checkExampleIssued, exampleManifest } from '../helpers/example-issue.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeAcmeDns, type FakeAcmeDns, type FakeAcmeDnsAccount } from '../fakes/acmedns-server.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'nsupdate'], 'bind9 pebble bind9-dnsutils');

/** The Secret's account JSON, indented as in the example's block scalar. */
const accountsJson = (a: FakeAcmeDnsAccount): string => JSON.stringify({ 'example.com': a }, null, 2).replace(/\n/g, '\n    ');

describe('acme-dns end to end', { skip }, () => {
  let env: AcmeEnv;
  let adns: FakeAcmeDns;
  let account: FakeAcmeDnsAccount;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }, { name: 'auth.acme-dns.test' }]);
    adns = await startFakeAcmeDns({ zone: 'auth.acme-dns.test', publisher: bindPublisher(env.bind) });
    account = await adns.register();
    await env.bind.nsupdate([`update add _acme-challenge.example.com. 60 CNAME ${account.fulldomain}.`]);
  });
  after(async () => {
    await adns?.stop();
    await env?.stop();
  });

  const manifest = (replace: [string | RegExp, string][] = []) =>
    exampleManifest(env, 'examples/acmedns/letsencrypt-acmedns.yaml', [['host: https://auth.acme-dns.io', `host: ${adns.url}`], [/\{\n\s+"example\.com": \{[\s\S]*?\n\s+\}\n\s+\}/, accountsJson(account)], ...replace]);

  test('the example manifest (cnameStrategy Follow) issues apex + wildcard through the CNAME', async () => {
    const out = await tempOut();
    const before = adns.calls.length;
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, '-v', ...env.dnsFlags], { input: await manifest() });
    assert.equal(r.code, 0, r.stderr);
    await checkExampleIssued(env, out);
    const updates = adns.calls.slice(before).filter((c) => c.path === '/update');
    assert.deepEqual(updates.map((c) => [c.status, c.subdomain]), [[200, account.subdomain], [200, account.subdomain]], 'two updates: apex and wildcard');
    assert.equal(adns.txt(account.subdomain).length, 2, 'both values still served: acme-dns has no delete');
    assert.ok(!(r.stdout + r.stderr).includes(account.password), 'the password is never printed');
    await rm(out, { recursive: true });
  });

  test(
    "cert-manager's documented form (no cnameStrategy) issues: the check follows the CNAME as cert-manager's does",
    async () => {
      // acme-dns overwrites the slot updated least recently, by whole seconds: updates in the same
      // second as the previous test's would both land in one slot (months apart in real use).
      await new Promise((r) => setTimeout(r, 1_100));
      const out = await tempOut();
      const yaml = await manifest([[/ {8}# Added:[^\n]*\n[^\n]*\n {8}cnameStrategy: Follow\n/, '']]);
      assert.doesNotMatch(yaml, /cnameStrategy/);
      const r = await runCli(['issue', '-f', '-', '--out-dir', out, '--dns01-propagation-timeout', '5s', ...env.dnsFlags], { input: yaml });
      await rm(out, { recursive: true, force: true });
      assert.equal(r.code, 0, r.stderr);
    },
  );
});
