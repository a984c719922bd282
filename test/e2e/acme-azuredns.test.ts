/**
 * End to end through the built CLI: the Azure DNS example manifests issue an apex + wildcard
 * certificate from Pebble, which validates against BIND, where the fake Resource Manager publishes
 * every record set it accepts. The CLI finds the fake through ARM_CLOUD_METADATA_URL (and
 * AZURE_AUTHORITY_HOST for workload identity), the knobs the Azure tools document.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut } from '../helpers/acme-env.js';
import type { AcmeEnv } from '../helpers/acme-env.js';
import { checkIssued, userManifest } from '../helpers/provider-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeAzure, SUBSCRIPTION, TENANT } from '../fakes/azure-server.js';
import type { FakeAzure } from '../fakes/azure-server.js';
import { rsaKeyPair, signJwt } from '../fakes/jwt.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('azuredns end to end: the example manifests issue apex + wildcard', { skip }, () => {
  let env: AcmeEnv;
  let az: FakeAzure;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    az = await startFakeAzure({ zones: [{ name: 'example.com' }], publisher: bindPublisher(env.bind) });
  });
  after(async () => {
    await az?.stop();
    await env?.stop();
  });

  test('service principal (client secret from the Secret)', async () => {
    const out = await tempOut();
    const yaml = await userManifest(env, 'examples/azuredns/service-principal.yaml', [
      ['00000000-0000-0000-0000-000000000000', SUBSCRIPTION],
      ['11111111-1111-1111-1111-111111111111', az.app.clientId],
      ['22222222-2222-2222-2222-222222222222', TENANT],
      ['REPLACE-WITH-THE-CLIENT-SECRET', az.app.secret],
    ]);
    az.identity.calls.length = 0;
    az.arm.length = 0;
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml, env: az.env });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out, 'xxx', 'tls-example.com');
    assert.deepEqual(az.identity.calls.map((c) => [c.endpoint, c.grant, c.ok]), [['aad', 'client_secret', true]], 'one Azure AD exchange for the whole run');
    assert.equal(az.arm.filter((c) => c.action === 'Zones.Get').length, 1, 'the zone looked up once');
    assert.ok(az.arm.some((c) => c.action === 'RecordSets.CreateOrUpdate' && c.ifMatch), 'the second value joined the set with If-Match');
    assert.deepEqual(az.txt('_acme-challenge.example.com.'), []);
    assert.ok(!(r.stderr + r.stdout).includes(az.app.secret.slice(0, 12)), 'the client secret is never printed');
    await rm(out, { recursive: true });
  });

  test('AKS workload identity (AZURE_FEDERATED_TOKEN_FILE, no secret)', async () => {
    const out = await tempOut();
    const issuer = rsaKeyPair();
    const oidc = 'https://oidc.prod-aks.azure.com/tenant/cluster/';
    const subject = 'system:serviceaccount:cert-manager:certctl';
    const wi = az.addApp({ federated: { issuer: oidc, subject, publicKeyPem: issuer.publicKeyPem } });
    const tokenFile = join(out, 'azure-identity-token');
    const now = Math.floor(Date.now() / 1000);
    await writeFile(tokenFile, signJwt({ iss: oidc, sub: subject, aud: ['api://AzureADTokenExchange'], iat: now, exp: now + 3600 }, issuer.privateKeyPem));
    const yaml = await userManifest(env, 'examples/azuredns/aks-workload-identity.yaml', [
      ['00000000-0000-0000-0000-000000000000', SUBSCRIPTION],
      ['clientID: 33333333-3333-3333-3333-333333333333', `clientID: ${wi.clientId}`],
      ['www-example-com-tls', 'tls-example.com'],
    ]);
    az.arm.length = 0;
    const wiEnv = { ARM_CLOUD_METADATA_URL: az.env.ARM_CLOUD_METADATA_URL, AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_CLIENT_ID: 'not-this-one', AZURE_TENANT_ID: TENANT, AZURE_AUTHORITY_HOST: `${az.url}/` };
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml, env: wiEnv });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out, 'web', 'tls-example.com');
    assert.ok(az.arm.length > 0 && az.arm.every((c) => c.principalId === wi.principalId), 'managedIdentity.clientID picked the identity');
    await rm(out, { recursive: true });
  });
});
