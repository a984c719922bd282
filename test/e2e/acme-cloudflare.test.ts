/**
 * End to end through the built CLI: the Cloudflare example manifest issues apex + wildcard from
 * Pebble, with the fake Cloudflare API (CLOUDFLARE_BASE_URL) publishing into the BIND that Pebble
 * validates against.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { checkExampleIssued, exampleManifest } from '../helpers/example-issue.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeCloudflare, type FakeCloudflare } from '../fakes/cloudflare-server.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('cloudflare end to end', { skip }, () => {
  let env: AcmeEnv;
  let cf: FakeCloudflare;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    cf = await startFakeCloudflare({ zones: ['example.com'], publisher: bindPublisher(env.bind) });
  });
  after(async () => {
    await cf?.stop();
    await env?.stop();
  });

  test('the example manifest (API token) issues apex + wildcard; every record it created is gone', async () => {
    const out = await tempOut();
    const token = cf.addToken({ zones: ['example.com'] });
    const yaml = await exampleManifest(env, 'examples/cloudflare/letsencrypt-cloudflare.yaml', [['REPLACE-WITH-THE-CLOUDFLARE-API-TOKEN', token.token]]);
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, '-v', ...env.dnsFlags], { input: yaml, env: cf.env });
    assert.equal(r.code, 0, r.stderr);
    await checkExampleIssued(env, out);
    const created = cf.calls.filter((c) => c.action === 'CreateDNSRecord' && c.status === 200);
    const deleted = cf.calls.filter((c) => c.action === 'DeleteDNSRecord' && c.status === 200);
    assert.equal(created.length, 2, 'one record per value (apex, wildcard)');
    assert.equal(deleted.length, 2);
    assert.equal(cf.calls.filter((c) => c.action === 'ListZones').length, 1, 'one zone lookup for the run');
    assert.ok(cf.calls.every((c) => c.who === token.id), 'every call made with the token from the Secret');
    assert.deepEqual(cf.txt('_acme-challenge.example.com.'), []);
    assert.deepEqual(await env.bind.txt('_acme-challenge.example.com.'), []);
    assert.ok(!(r.stdout + r.stderr).includes(token.token.slice(0, 12)), 'the token is never printed');
    await rm(out, { recursive: true });
  });
});
