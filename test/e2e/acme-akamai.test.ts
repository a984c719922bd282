/**
 * End to end through the built CLI: the Akamai example manifest issues an apex + wildcard
 * certificate from Pebble, which validates against BIND, where the fake Edge DNS (HTTPS, every
 * EdgeGrid signature verified) publishes every record set it accepts. serviceConsumerDomain names
 * the fake; the CLI trusts its certificate through NODE_EXTRA_CA_CERTS.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut } from '../helpers/acme-env.js';
import type { AcmeEnv } from '../helpers/acme-env.js';
import { checkIssued, userManifest } from '../helpers/provider-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { startFakeAkamai } from '../fakes/akamai-server.js';
import type { FakeAkamai } from '../fakes/akamai-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'openssl'], 'bind9 pebble openssl');

describe('akamai end to end: the example manifest issues apex + wildcard', { skip }, () => {
  let env: AcmeEnv;
  let ak: FakeAkamai;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    ak = await startFakeAkamai({ zones: ['example.com'], publisher: bindPublisher(env.bind) });
  });
  after(async () => {
    await ak?.stop();
    await env?.stop();
  });

  test('EdgeGrid credentials from the Secret', async () => {
    const out = await tempOut();
    const yaml = await userManifest(env, 'examples/akamai/edge-dns.yaml', [
      ['akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net   # REPLACE', `${ak.host}   # REPLACE`],
      ['akab-REPLACE-WITH-THE-CLIENT-TOKEN', ak.client.clientToken],
      ['REPLACE-WITH-THE-CLIENT-SECRET', ak.client.clientSecret],
      ['akab-REPLACE-WITH-THE-ACCESS-TOKEN', ak.client.accessToken],
    ]);
    ak.calls.length = 0;
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml, env: { NODE_EXTRA_CA_CERTS: ak.caFile } });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out, 'xxx', 'tls-example.com');
    const actions = ak.calls.map((c) => c.action);
    assert.equal(actions.filter((a) => a === 'GetZone').length, 1, 'the zone looked up once');
    assert.ok(actions.includes('CreateRecordSet') && actions.includes('UpdateRecordSet') && actions.includes('DeleteRecordSet'), actions.join(' '));
    assert.ok(ak.calls.every((c) => c.status < 400 || (c.action === 'GetRecordSet' && c.status === 404)), 'every signature verified');
    assert.deepEqual(ak.txt('_acme-challenge.example.com.'), []);
    assert.ok(!(r.stderr + r.stdout).includes(ak.client.clientSecret.slice(0, 12)), 'the client secret is never printed');
    await rm(out, { recursive: true });
  });
});
