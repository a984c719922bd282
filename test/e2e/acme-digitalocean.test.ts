/**
 * End to end through the built CLI: the DigitalOcean example manifest issues apex + wildcard from
 * Pebble, with the fake DigitalOcean API (DIGITALOCEAN_API_URL) publishing into the BIND that
 * Pebble validates against, with a custom-scoped token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { checkExampleIssued, exampleManifest } from '../helpers/example-issue.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../fakes/digitalocean-server.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('digitalocean end to end', { skip }, () => {
  let env: AcmeEnv;
  let dof: FakeDigitalOcean;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    dof = await startFakeDigitalOcean({ domains: ['example.com'], publisher: bindPublisher(env.bind) });
  });
  after(async () => {
    await dof?.stop();
    await env?.stop();
  });

  test('the example manifest issues apex + wildcard with a domain:read/create/delete token; its records are gone', async () => {
    const out = await tempOut();
    const token = dof.addToken(['domain:read', 'domain:create', 'domain:delete']);
    const yaml = await exampleManifest(env, 'examples/digitalocean/letsencrypt-digitalocean.yaml', [['REPLACE-WITH-THE-DIGITALOCEAN-TOKEN', token]]);
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml, env: dof.env });
    assert.equal(r.code, 0, r.stderr);
    await checkExampleIssued(env, out);
    assert.equal(dof.calls.filter((c) => c.action === 'CreateDomainRecord' && c.status === 201).length, 2);
    assert.equal(dof.calls.filter((c) => c.action === 'DeleteDomainRecord' && c.status === 204).length, 2);
    assert.equal(dof.calls.filter((c) => c.action === 'GetDomain').length, 1, 'one domain lookup for the run');
    assert.ok(dof.calls.every((c) => c.token === token));
    assert.deepEqual(dof.txt('_acme-challenge.example.com.'), []);
    assert.ok(!(r.stdout + r.stderr).includes(token.slice(0, 16)), 'the token is never printed');
    await rm(out, { recursive: true });
  });
});
