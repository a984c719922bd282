/**
 * The Azure DNS provider against the fake Azure cloud (test/fakes/azure-server.ts: Resource
 * Manager with tokens, RBAC and ETags checked; Azure AD, IMDS and App Service token endpoints that
 * verify secrets and federated tokens). Configs come from manifests through the spec loader; the
 * conformance runs read what BIND serves, because the fake publishes every change there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolveCloud } from '../../src/providers/azuredns/cloud.js';
import { createAzureDnsProvider, createAzureDnsShared } from '../../src/providers/azuredns/provider.js';
import type { AzureDnsConfig, AzureDnsOptions } from '../../src/providers/azuredns/provider.js';
import { SpecError } from '../../src/spec/errors.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { RESOURCE_GROUP, startFakeAzure, SUBSCRIPTION, TENANT } from '../fakes/azure-server.js';
import type { FakeAzure } from '../fakes/azure-server.js';
import { rsaKeyPair, signJwt } from '../fakes/jwt.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: AzureDnsOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.azureDNS';

/** The manifest block; the loader parses it with the descriptor, as at load time. */
const block = (c: Record<string, unknown>) => ({ azureDNS: { subscriptionID: SUBSCRIPTION, resourceGroupName: RESOURCE_GROUP, ...c } });
const config = (c: Record<string, unknown>): AzureDnsConfig => parseProviderConfig<AzureDnsConfig>(block(c));
const sp = (az: FakeAzure, c: Record<string, unknown> = {}) => config({ clientID: az.app.clientId, tenantID: TENANT, clientSecretSecretRef: { name: 'azuredns', key: 'client-secret' }, ...c });
const spSecrets = (az: FakeAzure) => ({ 'azuredns/client-secret': `${az.app.secret}\n` });
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line = (re: RegExp, ...secrets: string[]) => (e: Error) => {
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
  for (const s of secrets) assert.ok(!e.message.includes(s), 'no credentials in the message');
  return true;
};

let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

async function conformanceSetup(kind: 'service principal' | 'managed identity, private zone') {
  const bind = await getBind();
  const az = await startFakeAzure({ zones: [{ name: 'example.test', private: kind !== 'service principal' }], publisher: bindPublisher(bind) });
  let provider;
  if (kind === 'service principal') {
    provider = await createAzureDnsProvider(sp(az), contextWith(spSecrets(az), az.env), FAST);
  } else {
    az.identity.systemAssigned = { principalId: 'system-assigned-principal', clientId: 'system-assigned-client' };
    provider = await createAzureDnsProvider(config({ zoneType: 'AzurePrivateZone', hostedZoneName: 'example.test.' }), contextWith({}, az.env), FAST);
  }
  const resolver = bind.resolver();
  return {
    provider,
    zone: 'example.test.',
    readTxt: (fqdn: string) => bind.txt(fqdn),
    seedTxt: (fqdn: string, value: string) => az.seedTxt(fqdn, value),
    readTtl: async (fqdn: string) => (await resolver.query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    settleTimeoutMs: 0,
    teardown: () => az.stop(),
  };
}

runProviderConformance('azuredns (service principal, public zone looked up)', () => conformanceSetup('service principal'), { skip: skipBind });
runProviderConformance('azuredns (managed identity via IMDS, private zone, hostedZoneName)', () => conformanceSetup('managed identity, private zone'), { skip: skipBind });

describe('azuredns config', () => {
  const bad = (c: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseProviderConfig(block(c)), (e: Error) => {
      assert.ok(e instanceof SpecError, e.message);
      assert.match(e.message, message);
      return true;
    });

  it('reads every cert-manager field', () => {
    const c = config({ hostedZoneName: 'Example.COM.', environment: 'AzureChinaCloud', zoneType: 'AzurePrivateZone', managedIdentity: { clientID: 'c', tenantID: 't' } });
    assert.deepEqual(
      { ...c },
      { subscriptionID: SUBSCRIPTION, resourceGroupName: RESOURCE_GROUP, hostedZoneName: 'example.com', environment: 'AzureChinaCloud', environmentWritten: true, zoneType: 'AzurePrivateZone', managedIdentity: { clientID: 'c', resourceID: undefined, tenantID: 't' }, path: PATH },
    );
    const d = config({});
    assert.equal(d.environment, 'AzurePublicCloud');
    assert.equal(d.environmentWritten, false);
    assert.equal(d.zoneType, 'AzurePublicZone');
  });

  it("applies the webhook's rules, with positions", () => {
    bad({ subscriptionID: undefined }, /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.azureDNS\.subscriptionID: required field is missing/);
    bad({ resourceGroupName: '' }, /azureDNS\.resourceGroupName: must not be empty/);
    bad({ clientID: 'x' }, /azureDNS\.clientSecretSecretRef: required with clientID, clientSecretSecretRef or tenantID \(a service principal needs all three\)/);
    bad({ clientID: 'x' }, /azureDNS\.tenantID: required with clientID/);
    bad({ clientSecretSecretRef: { name: 's', key: 'k' }, tenantID: 't' }, /azureDNS\.clientID: required with/);
    bad({ clientID: 'x', tenantID: 't', clientSecretSecretRef: { name: 's' } }, /clientSecretSecretRef\.key: required field is missing/);
    bad({ clientID: 'x', tenantID: 't', clientSecretSecretRef: { name: 's', key: 'k' }, managedIdentity: { clientID: 'c' } }, /azureDNS\.managedIdentity: managed identity cannot be used at the same time as clientID/);
    bad({ managedIdentity: { clientID: 'c', resourceID: '/subscriptions/x' } }, /managedIdentity\.resourceID: managedIdentity\.clientID and managedIdentity\.resourceID cannot both be specified/);
    bad({ managedIdentity: { tenantID: 't', resourceID: '/subscriptions/x' } }, /managedIdentity\.tenantID: managedIdentity\.tenantID and managedIdentity\.resourceID cannot both be specified/);
    bad({ managedIdentity: { tenantID: 't' } }, /managedIdentity\.clientID: required when managedIdentity\.tenantID is set/);
    bad({ environment: 'AzureCloud' }, /azureDNS\.environment: unsupported value "AzureCloud": must be .*AzurePublicCloud/);
    bad({ zoneType: 'Private' }, /azureDNS\.zoneType: unsupported value "Private"/);
    bad({ subscriptionId: 'x' }, /azureDNS\.subscriptionId: unknown field "subscriptionId" \(did you mean "subscriptionID"\?\)/);
  });
});

describe('azuredns cloud endpoints', () => {
  it('uses the built-in endpoints of environment, AZURE_AUTHORITY_HOST only when the manifest names none', async () => {
    const gov = await resolveCloud({ environment: 'AzureUSGovernmentCloud', environmentWritten: true }, { AZURE_AUTHORITY_HOST: 'https://login.example/' }, { timeoutMs: 1000 });
    assert.deepEqual([gov.resourceManager, gov.audience, gov.authorityHost], ['https://management.usgovcloudapi.net', 'https://management.core.usgovcloudapi.net', 'https://login.microsoftonline.us/']);
    const china = await resolveCloud({ environment: 'AzureChinaCloud', environmentWritten: true }, {}, { timeoutMs: 1000 });
    assert.deepEqual([china.resourceManager, china.authorityHost], ['https://management.chinacloudapi.cn', 'https://login.chinacloudapi.cn/']);
    const ambient = await resolveCloud({ environment: 'AzurePublicCloud', environmentWritten: false }, { AZURE_AUTHORITY_HOST: 'https://login.example' }, { timeoutMs: 1000 });
    assert.deepEqual([ambient.resourceManager, ambient.authorityHost], ['https://management.azure.com', 'https://login.example/']);
    await assert.rejects(resolveCloud({ environment: 'AzurePublicCloud', environmentWritten: false }, { AZURE_AUTHORITY_HOST: 'http://login.example' }, { timeoutMs: 1000 }), {
      message: 'azuredns: AZURE_AUTHORITY_HOST: "http://login.example" must be an https:// URL (http:// only for a loopback address)',
    });
  });

  it('reads ARM_CLOUD_METADATA_URL and picks the cloud named like environment', async () => {
    const az = await startFakeAzure();
    try {
      const pub = await resolveCloud({ environment: 'AzurePublicCloud', environmentWritten: false }, az.env, { timeoutMs: 1000 });
      assert.deepEqual([pub.resourceManager, pub.authorityHost, pub.audience, pub.source], [az.url, `${az.url}/`, 'https://management.core.windows.net/', 'ARM_CLOUD_METADATA_URL (cloud AzureCloud)']);
      const china = await resolveCloud({ environment: 'AzureChinaCloud', environmentWritten: true }, az.env, { timeoutMs: 1000 });
      assert.deepEqual([china.resourceManager, china.audience], ['https://management.chinacloudapi.cn', 'https://management.core.chinacloudapi.cn/']);
      const german = await resolveCloud({ environment: 'AzureGermanCloud', environmentWritten: true }, az.env, { timeoutMs: 1000 });
      assert.equal(german.source, 'ARM_CLOUD_METADATA_URL (its first cloud "AzureCloud" (none is named AzureGermanCloud))');
    } finally {
      await az.stop();
    }
  });
});

describe('azuredns provider', () => {
  let az: FakeAzure;
  let dir: string;
  before(async () => {
    az = await startFakeAzure({ zones: [{ name: 'example.test' }, { name: 'sub.example.test' }, { name: 'private.test', private: true }] });
    dir = await mkdtemp(join(tmpdir(), 'certctl-azure-'));
  });
  after(async () => {
    await az.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const withSp = (o: AzureDnsOptions = FAST, c: Record<string, unknown> = {}) => createAzureDnsProvider(sp(az, c), contextWith(spSecrets(az), az.env), o);

  it('apex + wildcard: one record set, our values added and removed with If-Match / If-None-Match, TTL and metadata kept', async () => {
    const p = await withSp();
    const fqdn = '_acme-challenge.both.example.test.';
    await az.seedTxt(fqdn, 'v=spf1 -all', { metadata: { owner: 'dns-team' } });
    const ttlBefore = az.set(fqdn)!.properties.TTL;
    az.arm.length = 0;
    await Promise.all([p.present(rec(fqdn, 'apex')), p.present(rec(fqdn, 'wildcard'))]);
    assert.deepEqual(az.txt(fqdn).sort(), ['apex', 'v=spf1 -all', 'wildcard']);
    assert.deepEqual(az.set(fqdn)!.properties.metadata, { owner: 'dns-team' });
    assert.equal(az.set(fqdn)!.properties.TTL, ttlBefore);
    const writes = az.arm.filter((c) => c.action === 'RecordSets.CreateOrUpdate');
    assert.equal(writes.length, 2);
    assert.ok(writes.every((w) => w.ifMatch && w.status === 200), 'updates are conditional on the ETag read');
    await p.cleanUp(rec(fqdn, 'apex'));
    await p.cleanUp(rec(fqdn, 'wildcard'));
    assert.deepEqual(az.txt(fqdn), ['v=spf1 -all']);
    const fresh = '_acme-challenge.fresh.example.test.';
    az.arm.length = 0;
    await p.present({ ...rec(fresh, 'new'), ttl: 120 });
    assert.deepEqual(az.arm.map((c) => [c.action, c.ifNoneMatch, c.status]), [['RecordSets.Get', undefined, 404], ['RecordSets.CreateOrUpdate', '*', 201]]);
    assert.equal(az.set(fresh)!.properties.TTL, 120);
    await p.cleanUp(rec(fresh, 'new'));
    assert.deepEqual(az.arm.slice(-1).map((c) => [c.action, c.status]), [['RecordSets.Delete', 200]]);
    assert.equal(az.set(fresh), undefined);
  });

  it('reads again when another writer changes the set between read and write (HTTP 412)', async () => {
    const fqdn = '_acme-challenge.race.example.test.';
    const p = await withSp();
    await p.present(rec(fqdn, 'ours-1'));
    let raced = false;
    az.beforeWrite = async () => {
      if (raced) return;
      raced = true;
      await az.seedTxt(fqdn, 'theirs');
    };
    az.arm.length = 0;
    try {
      await p.present(rec(fqdn, 'ours-2'));
    } finally {
      az.beforeWrite = undefined;
    }
    assert.deepEqual(az.txt(fqdn).sort(), ['ours-1', 'ours-2', 'theirs']);
    assert.deepEqual(az.arm.map((c) => [c.action, c.status]), [['RecordSets.Get', 200], ['RecordSets.CreateOrUpdate', 412], ['RecordSets.Get', 200], ['RecordSets.CreateOrUpdate', 200]]);
    // Two processes at once (no in-process lock): the ETag swap keeps both values.
    const [p1, p2] = await Promise.all([withSp({ ...FAST, serializeInProcess: false }), withSp({ ...FAST, serializeInProcess: false })]);
    const name = '_acme-challenge.race2.example.test.';
    for (let i = 0; i < 3; i++) {
      await Promise.all([p1.present(rec(name, `one-${i}`)), p2.present(rec(name, `two-${i}`))]);
      assert.deepEqual(az.txt(name).sort(), [`one-${i}`, `two-${i}`]);
      await Promise.all([p1.cleanUp(rec(name, `one-${i}`)), p2.cleanUp(rec(name, `two-${i}`))]);
      assert.deepEqual(az.txt(name), []);
    }
  });

  it('finds the zone from the record, falling back to parent names; says when none exists', async () => {
    const p = await withSp();
    assert.deepEqual(await p.zoneFor(rec('_acme-challenge.a.sub.example.test.', 'x', 'sub.example.test.')), { name: 'sub.example.test', note: 'azuredns: using zone sub.example.test of resource group dns-rg for _acme-challenge.a.sub.example.test.' });
    const elsewhere = await p.zoneFor(rec('_acme-challenge.b.other.example.test.', 'x', 'elsewhere.test.'));
    assert.equal(elsewhere.name, 'example.test');
    assert.match(elsewhere.note, /but DNS serves the name from zone elsewhere\.test\.: if example\.test is not delegated, set hostedZoneName$/);
    await assert.rejects(p.present(rec('_acme-challenge.nope.invalid.', 'x', 'nope.invalid.')), {
      message: 'azuredns: Zones.Get: no DNS zone of resource group dns-rg (subscription 11111111-2222-3333-4444-555555555555) contains _acme-challenge.nope.invalid. (looked for nope.invalid, _acme-challenge.nope.invalid); set hostedZoneName, or check resourceGroupName and zoneType',
    });
    const hosted = await withSp(FAST, { hostedZoneName: 'example.test' });
    await assert.rejects(hosted.present(rec('_acme-challenge.x.other.test.', 'v', 'other.test.')), { message: 'azuredns: _acme-challenge.x.other.test. is not inside zone example.test (hostedZoneName)' });
  });

  it('one Azure AD exchange and one zone lookup per run, however many solvers', async () => {
    const shared = createAzureDnsShared();
    az.identity.calls.length = 0;
    az.arm.length = 0;
    const ctx = contextWith(spSecrets(az), az.env);
    const providers = await Promise.all(Array.from({ length: 5 }, () => createAzureDnsProvider(sp(az), ctx, FAST, shared)));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    assert.equal(az.identity.calls.length, 1, 'one token exchange for five providers and twenty ARM calls');
    assert.equal(az.arm.filter((c) => c.action === 'Zones.Get').length, 1, 'one zone lookup for the zone of all five names');
    assert.equal(az.arm.length, 21);
  });

  it('exchanges again only when the token is near expiry', async () => {
    az.identity.tokenLifetime = 120; // inside the five-minute refresh margin
    try {
      const p = await withSp();
      az.identity.calls.length = 0;
      await p.present(rec('_acme-challenge.short.example.test.', 'v'));
      await p.cleanUp(rec('_acme-challenge.short.example.test.', 'v'));
      assert.ok(az.identity.calls.length >= 3, `a new token for each call (${az.identity.calls.length})`);
    } finally {
      az.identity.tokenLifetime = 3599;
    }
  });

  describe('credentials', () => {
    it('AKS workload identity: the projected token (re-read at each exchange) for AZURE_CLIENT_ID in AZURE_TENANT_ID', async () => {
      const issuer = rsaKeyPair();
      const oidc = 'https://oidc.prod-aks.azure.com/0000/';
      const subject = 'system:serviceaccount:cert-manager:certctl';
      const wi = az.addApp({ federated: { issuer: oidc, subject, publicKeyPem: issuer.publicKeyPem } });
      const tokenFile = join(dir, 'azure-identity-token');
      const jwt = (sub = subject, exp = Math.floor(Date.now() / 1000) + 3600) => signJwt({ iss: oidc, sub, aud: ['api://AzureADTokenExchange'], exp, iat: Math.floor(Date.now() / 1000) }, issuer.privateKeyPem);
      await writeFile(tokenFile, jwt());
      const env = { ...az.env, AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_CLIENT_ID: wi.clientId, AZURE_TENANT_ID: TENANT, AZURE_AUTHORITY_HOST: `${az.url}/` };
      az.identity.calls.length = 0;
      az.arm.length = 0;
      const p = await createAzureDnsProvider(config({}), contextWith({}, env), FAST);
      assert.equal(p.credentialSource, `AKS workload identity: client ${wi.clientId} in tenant ${TENANT} (AZURE_FEDERATED_TOKEN_FILE)`);
      await p.present(rec('_acme-challenge.wi.example.test.', 'w'));
      await p.cleanUp(rec('_acme-challenge.wi.example.test.', 'w'));
      assert.deepEqual(az.identity.calls.map((c) => [c.endpoint, c.grant, c.clientId, c.ok]), [['aad', 'client_assertion', wi.clientId, true]]);
      assert.ok(az.arm.length > 0 && az.arm.every((c) => c.principalId === wi.principalId));
      // managedIdentity.clientID wins over AZURE_CLIENT_ID, as in cert-manager.
      const other = az.addApp({ federated: { issuer: oidc, subject, publicKeyPem: issuer.publicKeyPem } });
      const p2 = await createAzureDnsProvider(config({ managedIdentity: { clientID: other.clientId } }), contextWith({}, env), FAST);
      await p2.present(rec('_acme-challenge.wi2.example.test.', 'w'));
      assert.equal(az.arm.at(-1)?.principalId, other.principalId);
      // A token for another service account is refused by Azure AD, with the fix in the message.
      await writeFile(tokenFile, jwt('system:serviceaccount:default:other'));
      const p3 = await createAzureDnsProvider(config({ managedIdentity: { clientID: wi.clientId, tenantID: TENANT } }), contextWith({}, env), FAST);
      await assert.rejects(
        p3.present(rec('_acme-challenge.wi3.example.test.', 'w')),
        line(/^azuredns: workload identity token for client .* \(tenant .*\) from 127\.0\.0\.1:\d+: HTTP 400: invalid_client: AADSTS70021: No matching federated identity record found .* \(no federated credential of the identity matches the token: .*\)$/),
      );
      await assert.rejects(createAzureDnsProvider(config({}), contextWith({}, { ...az.env, AZURE_FEDERATED_TOKEN_FILE: tokenFile })), {
        message: `azuredns: AKS workload identity (AZURE_FEDERATED_TOKEN_FILE is set) needs ${PATH}.managedIdentity.clientID or AZURE_CLIENT_ID and ${PATH}.managedIdentity.tenantID or AZURE_TENANT_ID: label the pod azure.workload.identity/use: "true" and annotate its service account with azure.workload.identity/client-id`,
      });
    });

    it('managed identity: IMDS with clientID or resourceID, App Service endpoint, clear errors when absent', async () => {
      const mi = { clientId: 'c0ffee00-0000-0000-0000-000000000001', resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/certctl`, principalId: 'mi-principal' };
      az.identity.managedIdentities.push(mi);
      for (const managedIdentity of [{ clientID: mi.clientId }, { resourceID: mi.resourceId }]) {
        az.arm.length = 0;
        const p = await createAzureDnsProvider(config({ managedIdentity }), contextWith({}, az.env), FAST);
        await p.present(rec('_acme-challenge.mi.example.test.', 'm'));
        await p.cleanUp(rec('_acme-challenge.mi.example.test.', 'm'));
        assert.ok(az.arm.every((c) => c.principalId === 'mi-principal'));
      }
      az.identity.calls.length = 0;
      const app = await createAzureDnsProvider(config({ managedIdentity: { clientID: mi.clientId } }), contextWith({}, { ...az.env, ...az.appServiceEnv() }), FAST);
      assert.equal(app.credentialSource, `managed identity (App Service, client ID ${mi.clientId})`);
      await app.present(rec('_acme-challenge.app.example.test.', 'a'));
      assert.deepEqual(az.identity.calls.map((c) => [c.endpoint, c.ok]), [['app_service', true]]);
      await app.cleanUp(rec('_acme-challenge.app.example.test.', 'a'));
      const unassigned = await createAzureDnsProvider(config({ managedIdentity: { clientID: 'not-assigned' } }), contextWith({}, az.env), FAST);
      await assert.rejects(
        unassigned.present(rec('_acme-challenge.mi.example.test.', 'm')),
        line(/^azuredns: managed identity token \(IMDS, client ID not-assigned\) from 127\.0\.0\.1:\d+: HTTP 400: invalid_request: Identity not found \(the identity client ID not-assigned is not assigned to this machine or node pool\)$/),
      );
      const closed = await closedPort();
      const outside = await createAzureDnsProvider(config({}), contextWith({}, { ...az.env, AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${closed}` }), FAST);
      await assert.rejects(outside.present(rec('_acme-challenge.mi.example.test.', 'm')), line(/^azuredns: managed identity token \(IMDS, system-assigned\) .*ECONNREFUSED.* \(no Azure instance metadata service answered: outside Azure, set clientID \+ clientSecretSecretRef \+ tenantID, or run in AKS with workload identity/));
    });

    it('service principal errors: wrong secret, unknown tenant — one line, the fix, no secret', async () => {
      const wrong = 'wrong~secret-0123456789abcdefghij';
      const bad = await createAzureDnsProvider(sp(az), contextWith({ 'azuredns/client-secret': wrong }, az.env), FAST);
      await assert.rejects(
        bad.present(rec('_acme-challenge.err.example.test.', 'x')),
        line(/^azuredns: token for service principal .* from 127\.0\.0\.1:\d+: HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided\. .* \(clientSecretSecretRef holds a wrong secret \(use the secret Value, not its Secret ID\)\)$/, wrong),
      );
      const tenant = await createAzureDnsProvider(sp(az, { tenantID: 'no-such-tenant' }), contextWith(spSecrets(az), az.env), FAST);
      await assert.rejects(tenant.present(rec('_acme-challenge.err.example.test.', 'x')), line(/AADSTS90002: Tenant 'no-such-tenant' not found\. .* \(the tenant does not exist in this cloud: check tenantID and environment\)$/, az.app.secret));
    });
  });

  it('turns ARM errors into one line with the role to grant; retries 429 after Retry-After', async () => {
    const limited = az.addApp({ secret: 'limited-secret-value-123' });
    az.grants.set(limited.principalId, ['Microsoft.Network/dnszones/read', 'Microsoft.Network/dnszones/TXT/read']);
    const p = await createAzureDnsProvider(config({ clientID: limited.clientId, tenantID: TENANT, clientSecretSecretRef: { name: 'l', key: 's' } }), contextWith({ 'l/s': limited.secret! }, az.env), FAST);
    await assert.rejects(
      p.present(rec('_acme-challenge.denied.example.test.', 'x')),
      line(
        /^azuredns: RecordSets\.CreateOrUpdate TXT _acme-challenge\.denied in zone example\.test: HTTP 403: AuthorizationFailed: The client '.*' with object id '.*' does not have authorization to perform action 'Microsoft\.Network\/dnszones\/TXT\/write' .* \(grant the identity the DNS Zone Contributor role on zone example\.test or resource group dns-rg, or a role with Microsoft\.Network\/dnszones\/read and Microsoft\.Network\/dnszones\/TXT\/\*; see docs\/providers\/azuredns\.md\)$/,
        'limited-secret-value-123',
      ),
    );
    const wrongGroup = await withSp(FAST, { resourceGroupName: 'nope-rg', hostedZoneName: 'example.test' });
    await assert.rejects(wrongGroup.present(rec('_acme-challenge.rg.example.test.', 'x')), line(/^azuredns: RecordSets\.Get TXT _acme-challenge\.rg in zone example\.test: HTTP 404: ResourceGroupNotFound: Resource group 'nope-rg' could not be found\. \(check resourceGroupName nope-rg and subscriptionID/));
    const ok = await withSp();
    az.failNext('RecordSets.CreateOrUpdate', { status: 429, code: 'TooManyRequests', message: 'Too many requests, retry after 1 second.', retryAfter: '0', times: 2 });
    az.arm.length = 0;
    await ok.present(rec('_acme-challenge.throttled.example.test.', 't'));
    assert.deepEqual(az.arm.filter((c) => c.action === 'RecordSets.CreateOrUpdate').map((c) => c.status), [429, 429, 201]);
    az.failNext('RecordSets.Get', { status: 503, code: 'ServiceUnavailable', message: 'The service is unavailable.', times: 100 });
    const few = await withSp({ tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(few.cleanUp(rec('_acme-challenge.throttled.example.test.', 't')), {
      message: 'azuredns: RecordSets.Get TXT _acme-challenge.throttled in zone example.test: HTTP 503: ServiceUnavailable: The service is unavailable. (after 3 attempts)',
    });
    az.failNext('RecordSets.Get', { status: 503, code: 'ServiceUnavailable', times: 0 });
    await ok.cleanUp(rec('_acme-challenge.throttled.example.test.', 't'));
  });

  it('private zones use privateDnsZones, its api-version and its JSON names', async () => {
    az.identity.systemAssigned = { principalId: 'vm-principal', clientId: 'vm-client' };
    const p = await createAzureDnsProvider(config({ zoneType: 'AzurePrivateZone' }), contextWith({}, az.env), FAST);
    const fqdn = '_acme-challenge.private.test.';
    await p.present(rec(fqdn, 'p', 'private.test.'));
    assert.deepEqual(az.zone('private.test', 'privateDnsZones').sets.get('_acme-challenge')?.properties, { ttl: 60, txtRecords: [{ value: ['p'] }] });
    await p.cleanUp(rec(fqdn, 'p', 'private.test.'));
    assert.deepEqual(az.txt(fqdn), []);
    // The public API does not see private zones.
    const pub = await withSp();
    await assert.rejects(pub.present(rec(fqdn, 'p', 'private.test.')), /no DNS zone of resource group dns-rg .* contains _acme-challenge\.private\.test\./);
  });

  it('builds from the manifest through the catalog', async () => {
    const p = await providerFromManifest(block({ clientID: az.app.clientId, tenantID: TENANT, clientSecretSecretRef: { name: 'azuredns', key: 'client-secret' } }), contextWith(spSecrets(az), az.env));
    assert.equal(p.name, 'azuredns');
    await p.present(rec('_acme-challenge.manifest.example.test.', 'm'));
    assert.deepEqual(az.txt('_acme-challenge.manifest.example.test.'), ['m']);
    await p.cleanUp(rec('_acme-challenge.manifest.example.test.', 'm'));
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
