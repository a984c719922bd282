/**
 * The Cloud DNS provider against the fake Google cloud (test/fakes/google-server.ts: Cloud DNS v1
 * with tokens, scopes, IAM and exact-match deletions checked, changes pending for a while; OAuth,
 * STS, IAM Credentials and metadata token endpoints that verify JWT signatures and OIDC tokens).
 * Configs come from manifests through the spec loader; the conformance runs read what BIND serves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiBase } from '../../src/providers/clouddns/api.js';
import { credentialProblem } from '../../src/providers/clouddns/credential-file.js';
import { createCloudDnsProvider, createCloudDnsShared } from '../../src/providers/clouddns/provider.js';
import type { CloudDnsConfig, CloudDnsOptions } from '../../src/providers/clouddns/provider.js';
import { providerNamed } from '../../src/providers/catalog.js';
import { SpecError } from '../../src/spec/errors.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { DNS_SCOPE } from '../fakes/google-identity.js';
import { PROJECT, startFakeGoogle } from '../fakes/google-server.js';
import type { FakeGoogle } from '../fakes/google-server.js';
import { rsaKeyPair, signJwt } from '../fakes/jwt.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: CloudDnsOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20, pollFirstMs: 10, pollMaxMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.cloudDNS';
const ZONES = [
  { name: 'example-test', dnsName: 'example.test.' },
  { name: 'example-test-internal', dnsName: 'example.test.', visibility: 'private' as const },
  { name: 'sub-example-test', dnsName: 'sub.example.test.' },
  { name: 'private-only', dnsName: 'private.test.', visibility: 'private' as const },
];

const block = (c: Record<string, unknown> = {}) => ({ cloudDNS: { project: PROJECT, ...c } });
const config = (c: Record<string, unknown> = {}): CloudDnsConfig => parseProviderConfig<CloudDnsConfig>(block(c));
const keyed = (c: Record<string, unknown> = {}) => config({ serviceAccountSecretRef: { name: 'clouddns', key: 'key.json' }, ...c });
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line = (re: RegExp, ...secrets: string[]) => (e: Error) => {
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
  for (const s of secrets) assert.ok(!e.message.includes(s), 'no credentials in the message');
  return true;
};
/** Ambient-only environment: no ADC file, no metadata server unless the test adds one. */
const noAmbient = (dir: string): Record<string, string> => ({ HOME: dir, CLOUDSDK_CONFIG: join(dir, 'gcloud'), GCE_METADATA_HOST: '127.0.0.1:9' });

let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

async function conformanceSetup(kind: 'key' | 'metadata') {
  const bind = await getBind();
  // Changes stay pending for 30 ms: present must wait for them; cleanUp does not, so reads settle.
  const g = await startFakeGoogle({ zones: ZONES, publisher: bindPublisher(bind), pendingMs: 30 });
  let provider;
  if (kind === 'key') {
    provider = await createCloudDnsProvider(keyed(), contextWith({ 'clouddns/key.json': g.keyJson() }, g.env), FAST);
  } else {
    g.identity.metadataAccount = g.sa.email;
    provider = await createCloudDnsProvider(config({ hostedZoneName: 'example-test' }), contextWith({}, { ...g.env, HOME: '/nonexistent' }), FAST);
  }
  const resolver = bind.resolver();
  return {
    provider,
    zone: 'example.test.',
    readTxt: (fqdn: string) => bind.txt(fqdn),
    seedTxt: (fqdn: string, value: string) => g.seedTxt(fqdn, value),
    readTtl: async (fqdn: string) => (await resolver.query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    settleTimeoutMs: 2000,
    teardown: () => g.stop(),
  };
}

runProviderConformance('clouddns (service account key from a Secret, zone looked up, changes pending)', () => conformanceSetup('key'), { skip: skipBind });
runProviderConformance('clouddns (metadata server / GKE Workload Identity, hostedZoneName)', () => conformanceSetup('metadata'), { skip: skipBind });

describe('clouddns config', () => {
  const bad = (c: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseProviderConfig(block(c)), (e: Error) => {
      assert.ok(e instanceof SpecError, e.message);
      assert.match(e.message, message);
      return true;
    });

  it('reads the fields, with the webhook rules and positions', () => {
    assert.deepEqual({ ...keyed({ hostedZoneName: 'example-com' }) }, { project: PROJECT, hostedZoneName: 'example-com', serviceAccountSecretRef: { name: 'clouddns', key: 'key.json', pos: { file: 'issuer.yaml', line: 9, col: 52 }, path: `${PATH}.serviceAccountSecretRef` }, path: PATH });
    assert.throws(() => parseProviderConfig({ cloudDNS: {} }), /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.cloudDNS\.project: required field is missing/);
    bad({ project: '' }, /cloudDNS\.project: must not be empty/);
    bad({ serviceAccountSecretRef: { name: 'sa' } }, /cloudDNS\.serviceAccountSecretRef\.key: required field is missing/);
    bad({ hostedZoneName: 'example.com' }, /cloudDNS\.hostedZoneName: "example\.com" looks like a DNS name; hostedZoneName is the managed zone's name/);
    bad({ projectId: 'x' }, /cloudDNS\.projectId: unknown field "projectId" \(did you mean "project"\?\)/);
  });

  it('checks the key in the Secret before anything is ordered', async () => {
    const g = await startFakeGoogle();
    try {
      assert.equal(credentialProblem(g.keyJson()), undefined);
      assert.equal(credentialProblem('{"type": "service_account", "client_email": "a@b"'), 'not a JSON credential file (expected a service account key from "gcloud iam service-accounts keys create")');
      const broken = JSON.parse(g.keyJson());
      broken.private_key = broken.private_key.slice(0, 200);
      assert.equal(credentialProblem(JSON.stringify(broken)), '"private_key" of the service account key is not a PEM private key (was the JSON edited or truncated?)');
      assert.equal(credentialProblem(JSON.stringify({ ...JSON.parse(g.keyJson()), client_email: undefined })), 'the service account key has no "client_email"');
      assert.equal(credentialProblem(JSON.stringify({ ...JSON.parse(g.keyJson()), token_uri: 'http://oauth2.example/token' })), 'token_uri: "http://oauth2.example/token" must be an https:// URL (http:// only for a loopback address)');
      assert.equal(credentialProblem(JSON.stringify({ type: 'external_account', audience: 'a', subject_token_type: 't', token_url: 'https://sts.googleapis.com/v1/token', credential_source: { environment_id: 'aws2' } })), 'credential_source.environment_id "aws2" is not supported (only aws1)');
      assert.equal(credentialProblem(JSON.stringify({ type: 'external_account', audience: 'a', subject_token_type: 't', token_url: 'https://sts.googleapis.com/v1/token', credential_source: { executable: { command: 'x' } } })), 'executable-sourced credentials (credential_source.executable) are not supported; use a file- or URL-sourced credential config');
      const d = providerNamed('clouddns')!;
      const c = keyed();
      assert.deepEqual(await d.checkSecrets!(c, async () => '{}'), [{ ref: c.serviceAccountSecretRef, message: 'credential type "" is not one certctl reads (service_account, authorized_user, external_account, impersonated_service_account)' }]);
    } finally {
      await g.stop();
    }
  });

  it('takes CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS as gcloud does', () => {
    assert.equal(apiBase({}), 'https://dns.googleapis.com/dns/v1/');
    assert.equal(apiBase({ CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: 'https://dns-psc.p.googleapis.com/dns/v1/' }), 'https://dns-psc.p.googleapis.com/dns/v1/');
    assert.equal(apiBase({ CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: 'https://dns-psc.p.googleapis.com/' }), 'https://dns-psc.p.googleapis.com/dns/v1/');
    assert.equal(apiBase({ CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: 'https://proxy.example/dns/v1beta2' }), 'https://proxy.example/dns/v1beta2/');
    assert.throws(() => apiBase({ CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: 'http://proxy.example/' }), /must be an https:\/\/ URL/);
  });
});

describe('clouddns provider', () => {
  let g: FakeGoogle;
  let dir: string;
  before(async () => {
    g = await startFakeGoogle({ zones: ZONES, pageSize: 1 });
    dir = await mkdtemp(join(tmpdir(), 'certctl-gcloud-'));
  });
  after(async () => {
    await g.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const withKey = (o: CloudDnsOptions = FAST, c: Record<string, unknown> = {}) => createCloudDnsProvider(keyed(c), contextWith({ 'clouddns/key.json': g.keyJson() }, g.env), o);

  it('apex + wildcard: one rrset, changed by deleting it exactly as read and adding the new one; TTL kept', async () => {
    const p = await withKey();
    const fqdn = '_acme-challenge.both.example.test.';
    await g.seedTxt(fqdn, 'v=spf1 -all');
    await Promise.all([p.present(rec(fqdn, 'apex')), p.present(rec(fqdn, 'wildcard'))]);
    assert.deepEqual(g.txt(fqdn).sort(), ['apex', 'v=spf1 -all', 'wildcard']);
    const set = g.rrset(fqdn)!;
    assert.deepEqual({ ...set, rrdatas: [...set.rrdatas].sort() }, { name: fqdn, type: 'TXT', ttl: 300, rrdatas: ['"apex"', '"v=spf1 -all"', '"wildcard"'] });
    await p.cleanUp(rec(fqdn, 'apex'));
    await p.cleanUp(rec(fqdn, 'wildcard'));
    assert.deepEqual(g.txt(fqdn), ['v=spf1 -all']);
    await p.present({ ...rec('_acme-challenge.fresh.example.test.', 'new'), ttl: 120 });
    assert.equal(g.rrset('_acme-challenge.fresh.example.test.')?.ttl, 120);
    await p.cleanUp(rec('_acme-challenge.fresh.example.test.', 'new'));
    assert.equal(g.rrset('_acme-challenge.fresh.example.test.'), undefined);
  });

  it('waits for pending changes on present, and reads again after 412 conditionNotMet or 409 alreadyExists', async () => {
    const p = await withKey();
    g.pendingMs = 60;
    try {
      g.calls.length = 0;
      await p.present(rec('_acme-challenge.pending.example.test.', 'p'));
      assert.ok(g.calls.filter((c) => c.method === 'changes.get').length >= 1, 'polled changes.get until done');
      assert.equal(g.zone('example-test').changes.get(String(g.zone('example-test').changes.size))?.status ?? 'done', 'done');
    } finally {
      g.pendingMs = 0;
    }
    const fqdn = '_acme-challenge.race.example.test.';
    await p.present(rec(fqdn, 'ours-1'));
    let raced = false;
    g.beforeChange = async () => {
      if (raced) return;
      raced = true;
      await g.seedTxt(fqdn, 'theirs');
    };
    g.calls.length = 0;
    try {
      await p.present(rec(fqdn, 'ours-2'));
    } finally {
      g.beforeChange = undefined;
    }
    assert.deepEqual(g.txt(fqdn).sort(), ['ours-1', 'ours-2', 'theirs']);
    assert.deepEqual(g.calls.map((c) => [c.method, c.status]), [['resourceRecordSets.list', 200], ['changes.create', 412], ['resourceRecordSets.list', 200], ['changes.create', 200]]);
    // A name created by someone else between our read and our write: 409, then the swap.
    const fresh = '_acme-challenge.collide.example.test.';
    raced = false;
    g.beforeChange = async () => {
      if (raced) return;
      raced = true;
      await g.seedTxt(fresh, 'first');
    };
    g.calls.length = 0;
    try {
      await p.present(rec(fresh, 'second'));
    } finally {
      g.beforeChange = undefined;
    }
    assert.deepEqual(g.txt(fresh).sort(), ['first', 'second']);
    assert.deepEqual(g.calls.filter((c) => c.method === 'changes.create').map((c) => c.status), [409, 200]);
    // Two processes at once (no in-process lock): the atomic swap keeps both values.
    const [p1, p2] = await Promise.all([withKey({ ...FAST, serializeInProcess: false }), withKey({ ...FAST, serializeInProcess: false })]);
    const name = '_acme-challenge.race2.example.test.';
    for (let i = 0; i < 3; i++) {
      await Promise.all([p1.present(rec(name, `one-${i}`)), p2.present(rec(name, `two-${i}`))]);
      assert.deepEqual(g.txt(name).sort(), [`one-${i}`, `two-${i}`]);
      await Promise.all([p1.cleanUp(rec(name, `one-${i}`)), p2.cleanUp(rec(name, `two-${i}`))]);
      assert.deepEqual(g.txt(name), []);
    }
  });

  it('finds the managed zone by DNS name (paging, public first), else says which names it asked', async () => {
    const p = await withKey();
    g.calls.length = 0;
    const z = await p.zoneFor(rec('_acme-challenge.www.example.test.', 'x'));
    assert.equal(z.name, 'example-test');
    assert.match(z.note, /^clouddns: using managed zone example-test \(example\.test\.\) of project certctl-test for _acme-challenge\.www\.example\.test\.; 2 managed zones have that DNS name \(example-test, example-test-internal\): set hostedZoneName to pick another$/);
    assert.equal(g.calls.filter((c) => c.method === 'managedZones.list').length, 2, 'two pages of one zone each');
    assert.equal((await p.zoneFor(rec('_acme-challenge.a.sub.example.test.', 'x', 'sub.example.test.'))).name, 'sub-example-test');
    assert.equal((await p.zoneFor(rec('_acme-challenge.private.test.', 'x', 'private.test.'))).name, 'private-only');
    await assert.rejects(p.present(rec('_acme-challenge.nope.invalid.', 'x', 'nope.invalid.')), {
      message: 'clouddns: managedZones.list: no managed zone of project certctl-test contains _acme-challenge.nope.invalid. (looked for nope.invalid., _acme-challenge.nope.invalid.); create the zone or set hostedZoneName',
    });
    const wrongZone = await withKey(FAST, { hostedZoneName: 'no-such-zone' });
    await assert.rejects(wrongZone.present(rec('_acme-challenge.x.example.test.', 'x')), {
      message: "clouddns: resourceRecordSets.list on zone no-such-zone (project certctl-test): HTTP 404: notFound: The 'parameters.managedZone' resource named 'no-such-zone' does not exist. (check hostedZoneName, which is the managed zone's name, and project certctl-test)",
    });
  });

  it('one token exchange and one zone lookup per run, however many solvers', async () => {
    const shared = createCloudDnsShared();
    g.identity.calls.length = 0;
    g.calls.length = 0;
    const ctx = contextWith({ 'clouddns/key.json': g.keyJson() }, g.env);
    const providers = await Promise.all(Array.from({ length: 5 }, () => createCloudDnsProvider(keyed(), ctx, FAST, shared)));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    assert.deepEqual(g.identity.calls.map((c) => [c.endpoint, c.grant, c.ok]), [['oauth2', 'urn:ietf:params:oauth:grant-type:jwt-bearer', true]]);
    assert.equal(g.calls.filter((c) => c.method === 'managedZones.list').length, 2, 'one lookup (two pages) for the zone of all five names');
    assert.ok(g.calls.every((c) => c.principal === `serviceAccount:${g.sa.email}`));
  });

  it('turns Google errors into one line with the permission to grant; retries rate limits, not quotas', async () => {
    const limited = g.identity.addServiceAccount('read-only');
    g.grants.set(`serviceAccount:${limited.email}`, ['dns.managedZones.list', 'dns.resourceRecordSets.list']);
    const ro = await createCloudDnsProvider(keyed(), contextWith({ 'clouddns/key.json': g.keyJson(limited) }, g.env), FAST);
    await assert.rejects(
      ro.present(rec('_acme-challenge.denied.example.test.', 'x')),
      line(/^clouddns: changes\.create on zone example-test \(project certctl-test\): HTTP 403: forbidden: Forbidden \(the credentials need roles\/dns\.admin on project certctl-test, or a role with .*dns\.changes\.create.*; see docs\/providers\/clouddns\.md\)$/, limited.privateKeyPem.slice(40, 80)),
    );
    const p = await withKey();
    g.failNext('changes.create', { status: 429, reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded', times: 1, retryAfter: '0' });
    g.failNext('resourceRecordSets.list', { status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded', times: 1 });
    g.calls.length = 0;
    await p.present(rec('_acme-challenge.throttled.example.test.', 't'));
    assert.deepEqual(g.calls.filter((c) => c.method !== 'managedZones.list').map((c) => [c.method, c.status]), [['resourceRecordSets.list', 403], ['resourceRecordSets.list', 200], ['changes.create', 429], ['changes.create', 200]]);
    g.failNext('resourceRecordSets.list', { status: 403, reason: 'quotaExceeded', message: "Quota exceeded for quota metric 'Write requests' of service 'dns.googleapis.com'." });
    await assert.rejects(p.cleanUp(rec('_acme-challenge.throttled.example.test.', 't')), {
      message: "clouddns: resourceRecordSets.list on zone example-test (project certctl-test): HTTP 403: quotaExceeded: Quota exceeded for quota metric 'Write requests' of service 'dns.googleapis.com'. (a Cloud DNS quota of project certctl-test is used up; see the Quotas page of the Cloud console)",
    });
    g.failNext('changes.create', { status: 503, reason: 'backendError', message: 'Backend Error', times: 100 });
    const few = await withKey({ tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(few.cleanUp(rec('_acme-challenge.throttled.example.test.', 't')), {
      message: 'clouddns: changes.create on zone example-test (project certctl-test): HTTP 503: backendError: Backend Error (after 3 attempts)',
    });
    g.failNext('changes.create', { status: 503, reason: 'backendError', times: 0 });
    await p.cleanUp(rec('_acme-challenge.throttled.example.test.', 't'));
  });

  describe('credentials', () => {
    const presentWith = async (c: CloudDnsConfig, env: Record<string, string>, secrets: Record<string, string> = {}) => {
      g.identity.calls.length = 0;
      g.calls.length = 0;
      const p = await createCloudDnsProvider(c, contextWith(secrets, { ...g.env, ...env }), FAST);
      const fqdn = '_acme-challenge.creds.example.test.';
      await p.present(rec(fqdn, 'c'));
      await p.cleanUp(rec(fqdn, 'c'));
      return { p, principals: [...new Set(g.calls.map((x) => x.principal))], tokens: g.identity.calls.map((x) => [x.endpoint, x.ok]) };
    };

    it('GOOGLE_APPLICATION_CREDENTIALS with a service account key', async () => {
      const file = join(dir, 'sa.json');
      await writeFile(file, g.keyJson());
      const r = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file });
      assert.equal(r.p.credentialSource, `GOOGLE_APPLICATION_CREDENTIALS ${file}: service account ${g.sa.email}`);
      assert.deepEqual(r.principals, [`serviceAccount:${g.sa.email}`]);
      assert.deepEqual(r.tokens, [['oauth2', true]]);
    });

    it("gcloud's application_default_credentials.json (authorized_user) with its quota project", async () => {
      const user = { clientId: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com', clientSecret: 'd-FL95Q19q7MQmFpd7hHD0Ty', refreshToken: `1//0g${'r'.repeat(40)}`, principal: 'user:ops@example.com' };
      g.identity.users.push(user);
      const env = noAmbient(dir);
      await mkdir(env.CLOUDSDK_CONFIG, { recursive: true });
      const adc = { type: 'authorized_user', client_id: user.clientId, client_secret: user.clientSecret, refresh_token: user.refreshToken, quota_project_id: PROJECT, token_uri: `${g.url}/token` };
      await writeFile(join(env.CLOUDSDK_CONFIG, 'application_default_credentials.json'), JSON.stringify(adc));
      try {
        const r = await presentWith(config(), env);
        assert.deepEqual(r.principals, ['user:ops@example.com']);
        assert.ok(g.calls.every((c) => c.quotaProject === PROJECT), 'x-goog-user-project is sent');
        await writeFile(join(env.CLOUDSDK_CONFIG, 'application_default_credentials.json'), JSON.stringify({ ...adc, refresh_token: 'revoked-token-xxxx' }));
        const revoked = await createCloudDnsProvider(config(), contextWith({}, { ...g.env, ...env }), FAST);
        await assert.rejects(
          revoked.present(rec('_acme-challenge.creds.example.test.', 'c')),
          line(/^clouddns: credentials from .*application_default_credentials\.json: token from 127\.0\.0\.1:\d+: HTTP 400: invalid_grant: Token has been expired or revoked\. \(the refresh token was revoked or has expired: run "gcloud auth application-default login" again\)$/, user.clientSecret, 'revoked-token-xxxx'),
        );
      } finally {
        await rm(env.CLOUDSDK_CONFIG, { recursive: true });
      }
    });

    it('workload identity federation: file- and URL-sourced OIDC tokens through STS, with and without impersonation', async () => {
      const issuer = rsaKeyPair();
      const audience = '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/k8s/providers/cluster';
      g.identity.pools.push({ audience, issuer: 'https://kubernetes.default.svc', publicKeyPem: issuer.publicKeyPem });
      const oidc = signJwt({ iss: 'https://kubernetes.default.svc', sub: 'system:serviceaccount:cert-manager:certctl', aud: `https:${audience}`, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) }, issuer.privateKeyPem);
      const tokenFile = join(dir, 'oidc-token');
      await writeFile(tokenFile, `${oidc}\n`);
      const principal = 'principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/k8s/subject/system:serviceaccount:cert-manager:certctl';
      g.sa.tokenCreators.push(principal);
      const base = { type: 'external_account', audience, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_url: `${g.url}/v1/token` };
      const impersonated = { ...base, credential_source: { file: tokenFile }, service_account_impersonation_url: `${g.url}/v1/projects/-/serviceAccounts/${g.sa.email}:generateAccessToken` };
      const file = join(dir, 'wif.json');
      await writeFile(file, JSON.stringify(impersonated));
      const a = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file });
      assert.deepEqual(a.tokens, [['sts', true], ['iamcredentials', true]]);
      assert.deepEqual(a.principals, [`serviceAccount:${g.sa.email}`]);
      assert.match(a.p.credentialSource, /workload identity federation \(projects\/123456\/.*\/providers\/cluster, subject token from file .*oidc-token, impersonating certctl-dns01@certctl-test\.iam\.gserviceaccount\.com\)$/);
      // URL-sourced (as for an Azure- or on-prem-hosted workload), JSON answer, direct access as the federated principal.
      const tokenServer = createServer((req, res) => {
        res.writeHead(req.headers['x-token-auth'] === 'let-me-in' ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id_token: oidc }));
      });
      await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
      try {
        const urlSourced = { ...base, credential_source: { url: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`, headers: { 'X-Token-Auth': 'let-me-in' }, format: { type: 'json', subject_token_field_name: 'id_token' } } };
        await writeFile(file, JSON.stringify(urlSourced));
        const b = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file });
        assert.deepEqual(b.tokens, [['sts', true]]);
        assert.deepEqual(b.principals, [principal]);
      } finally {
        tokenServer.close();
      }
      // The pool does not trust this token's audience: STS says why.
      const wrongAud = signJwt({ iss: 'https://kubernetes.default.svc', sub: 'x', aud: 'sts.amazonaws.com', exp: Math.floor(Date.now() / 1000) + 600 }, issuer.privateKeyPem);
      await writeFile(tokenFile, wrongAud);
      await writeFile(file, JSON.stringify(impersonated));
      const bad = await createCloudDnsProvider(config(), contextWith({}, { ...g.env, ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file }), FAST);
      await assert.rejects(bad.present(rec('_acme-challenge.creds.example.test.', 'c')), line(/^clouddns: credentials from GOOGLE_APPLICATION_CREDENTIALS .*wif\.json: STS token exchange at 127\.0\.0\.1:\d+: HTTP 400: invalid_grant: The audience in ID Token \[sts\.amazonaws\.com\] does not match the expected audience/));
      // Impersonation refused: the federated principal is not a token creator of that service account.
      await writeFile(tokenFile, oidc);
      const other = g.identity.addServiceAccount('other');
      await writeFile(file, JSON.stringify({ ...impersonated, service_account_impersonation_url: `${g.url}/v1/projects/-/serviceAccounts/${other.email}:generateAccessToken` }));
      const denied = await createCloudDnsProvider(config(), contextWith({}, { ...g.env, ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file }), FAST);
      await assert.rejects(denied.present(rec('_acme-challenge.creds.example.test.', 'c')), line(/generateAccessToken: HTTP 403: PERMISSION_DENIED: Permission 'iam\.serviceAccounts\.getAccessToken' denied .* \(the federated principal needs roles\/iam\.workloadIdentityUser .*\)$/));
    });

    it('workload identity federation from AWS: a SigV4-signed GetCallerIdentity, keys from the environment or IMDSv2', async () => {
      const audience = '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws/providers/ec2';
      const envKeys = { AccessKeyId: 'AKIAFEDERATEDEXAMPLE', SecretAccessKey: 'aws/secret/used/only/for/signing/0000000', Token: undefined };
      const roleKeys = { AccessKeyId: 'ASIAINSTANCEROLEEXAMP', SecretAccessKey: 'instance/role/secret/000000000000000000', Token: 'IQoJb3JpZ2luX2VjEXAMPLE' };
      g.identity.pools.push({ audience, aws: { [envKeys.AccessKeyId]: { secret: envKeys.SecretAccessKey, arn: 'arn:aws:iam::123456789012:user/dns' }, [roleKeys.AccessKeyId]: { secret: roleKeys.SecretAccessKey, arn: 'arn:aws:sts::123456789012:assumed-role/ec2-dns/i-0abc' } } });
      const file = join(dir, 'aws.json');
      await writeFile(
        file,
        JSON.stringify({
          type: 'external_account',
          audience,
          subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
          token_url: `${g.url}/v1/token`,
          credential_source: {
            environment_id: 'aws1',
            region_url: `${g.url}/latest/meta-data/placement/availability-zone`,
            url: `${g.url}/latest/meta-data/iam/security-credentials`,
            regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
            imdsv2_session_token_url: `${g.url}/latest/api/token`,
          },
        }),
      );
      const fromEnv = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: envKeys.AccessKeyId, AWS_SECRET_ACCESS_KEY: envKeys.SecretAccessKey });
      assert.deepEqual(fromEnv.tokens, [['sts', true]]);
      assert.deepEqual(fromEnv.principals, ['principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws/subject/arn:aws:iam::123456789012:user/dns']);
      assert.match(fromEnv.p.credentialSource, /subject token from AWS \(signed GetCallerIdentity\)/);
      g.awsImds = { availabilityZone: 'us-east-2b', role: 'ec2-dns', keys: roleKeys };
      try {
        const fromImds = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file });
        assert.deepEqual(fromImds.principals, ['principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws/subject/arn:aws:sts::123456789012:assumed-role/ec2-dns/i-0abc']);
        // A wrong secret makes a signature AWS would refuse.
        const bad = await createCloudDnsProvider(config(), contextWith({}, { ...g.env, ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: envKeys.AccessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }), FAST);
        await assert.rejects(bad.present(rec('_acme-challenge.creds.example.test.', 'c')), line(/STS token exchange at 127\.0\.0\.1:\d+: HTTP 400: invalid_grant: AWS STS rejected the signed GetCallerIdentity request: The request signature we calculated does not match/, 'not-the-secret'));
      } finally {
        g.awsImds = undefined;
      }
    });

    it('impersonated_service_account (gcloud auth application-default login --impersonate-service-account)', async () => {
      const user = { clientId: 'imp-client.apps.googleusercontent.com', clientSecret: 'imp-secret-value', refreshToken: 'imp-refresh-token', principal: 'user:admin@example.com' };
      g.identity.users.push(user);
      g.sa.tokenCreators.push(user.principal);
      const file = join(dir, 'imp.json');
      await writeFile(
        file,
        JSON.stringify({
          type: 'impersonated_service_account',
          service_account_impersonation_url: `${g.url}/v1/projects/-/serviceAccounts/${g.sa.email}:generateAccessToken`,
          delegates: [],
          source_credentials: { type: 'authorized_user', client_id: user.clientId, client_secret: user.clientSecret, refresh_token: user.refreshToken, token_uri: `${g.url}/token` },
        }),
      );
      const r = await presentWith(config(), { ...noAmbient(dir), GOOGLE_APPLICATION_CREDENTIALS: file });
      assert.deepEqual(r.tokens, [['oauth2', true], ['iamcredentials', true]]);
      assert.deepEqual(r.principals, [`serviceAccount:${g.sa.email}`]);
    });

    it('service account key errors and no credentials at all: one line, the fix, no secret', async () => {
      const deleted = JSON.parse(g.keyJson());
      const replacement = g.identity.addServiceAccount('rotated');
      deleted.private_key = replacement.privateKeyPem; // a key Google does not know for this account
      const p = await createCloudDnsProvider(keyed(), contextWith({ 'clouddns/key.json': JSON.stringify(deleted) }, g.env), FAST);
      await assert.rejects(
        p.present(rec('_acme-challenge.creds.example.test.', 'c')),
        line(/^clouddns: credentials from serviceAccountSecretRef clouddns\/key\.json: token from 127\.0\.0\.1:\d+: HTTP 400: invalid_grant: Invalid JWT Signature\. \(the service account key was deleted or disabled: create a new key\)$/, replacement.privateKeyPem.slice(40, 80)),
      );
      await assert.rejects(createCloudDnsProvider(keyed(), contextWith({ 'clouddns/key.json': 'not json' }, g.env), FAST), {
        message: `clouddns: ${PATH}.serviceAccountSecretRef (Secret clouddns, key key.json): not a JSON credential file (expected a service account key from "gcloud iam service-accounts keys create")`,
      });
      const none = await createCloudDnsProvider(config(), contextWith({}, { ...g.env, ...noAmbient(dir), GCE_METADATA_HOST: 'metadata.invalid' }), FAST);
      await assert.rejects(
        none.present(rec('_acme-challenge.creds.example.test.', 'c')),
        line(/^clouddns: no Google credentials found: set serviceAccountSecretRef, set GOOGLE_APPLICATION_CREDENTIALS to a credential file, run "gcloud auth application-default login", or run on GCE\/GKE \(GOOGLE_APPLICATION_CREDENTIALS is not set; no .*application_default_credentials\.json \(ENOENT\); token from the metadata server metadata\.invalid: GET http:\/\/metadata\.invalid: (ENOTFOUND|EAI_AGAIN)/),
      );
      await assert.rejects(createCloudDnsProvider(config(), contextWith({}, { ...g.env, GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'missing.json') }), FAST), {
        message: `clouddns: GOOGLE_APPLICATION_CREDENTIALS: cannot read ${join(dir, 'missing.json')}: ENOENT`,
      });
    });

    it('the metadata server (GKE Workload Identity): Metadata-Flavor header, the DNS scope', async () => {
      g.identity.metadataAccount = g.sa.email;
      const r = await presentWith(config(), { HOME: dir, CLOUDSDK_CONFIG: join(dir, 'none') });
      assert.deepEqual(r.tokens, [['metadata', true]]);
      assert.equal(r.p.credentialSource, `the metadata server ${g.env.GCE_METADATA_HOST} (GCE, GKE Workload Identity)`);
      const issued = [...g.identity.tokens.values()].filter((t) => t.via === 'metadata');
      assert.ok(issued.length > 0 && issued.every((t) => t.scopes.includes(DNS_SCOPE)));
    });
  });

  it('builds from the manifest through the catalog', async () => {
    const p = await providerFromManifest(block({ serviceAccountSecretRef: { name: 'clouddns', key: 'key.json' } }), contextWith({ 'clouddns/key.json': g.keyJson() }, g.env));
    assert.equal(p.name, 'clouddns');
    await p.present(rec('_acme-challenge.manifest.example.test.', 'm'));
    assert.deepEqual(g.txt('_acme-challenge.manifest.example.test.'), ['m']);
    await p.cleanUp(rec('_acme-challenge.manifest.example.test.', 'm'));
  });
});
