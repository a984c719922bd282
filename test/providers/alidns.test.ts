/**
 * The AliDNS provider through the real @alicloud/pop-core against the fake RPC endpoint
 * (test/fakes/alidns-server.ts, which checks every signature). The conformance runs read what
 * BIND serves, because the fake publishes every record there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALIDNS_SOLVER_NAMES, createAliDnsProvider, relativeName } from '../../src/providers/alidns/provider.js';
import type { AliDnsOptions, AliDnsSettings } from '../../src/providers/alidns/provider.js';
import { SpecError } from '../../src/spec/errors.js';
import { contextWith, parseProviderConfig, webhook as webhookBlock } from './parse-config.js';
import { startFakeAliDns } from '../fakes/alidns-server.js';
import type { FakeAliDns, FakeAliKey } from '../fakes/alidns-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: AliDnsOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.webhook.config';
const ACTIONS = ['AddDomainRecord', 'DeleteDomainRecord', 'DescribeDomainRecords', 'DescribeSubDomainRecords'];

/** The settings users get from the manifest: parsed by the provider's descriptor, as at load time. */
const webhook = (solverName: string, config: Record<string, unknown>): AliDnsSettings => parseProviderConfig<AliDnsSettings>(webhookBlock(solverName, config));
const ctxWith = (secrets: Record<string, string>, env: Record<string, string> = {}) => contextWith(secrets, env);
/** The manifest shapes of the two community webhooks, pointed at `ali` with `key`. */
const shapes = (ali: FakeAliDns, key: FakeAliKey = ali.keys) => ({
  devmachine: {
    config: { regionId: 'cn-beijing', endpoint: ali.url, accessTokenSecretRef: { name: 'alidns-secrets', key: 'access-token' }, secretKeySecretRef: { name: 'alidns-secrets', key: 'secret-key' } },
    secrets: { 'alidns-secrets/access-token': key.accessKeyId, 'alidns-secrets/secret-key': key.accessKeySecret },
  },
  pragkent: {
    config: { region: 'cn-hangzhou', endpoint: ali.url, accessKeySecretRef: { name: 'alidns', key: 'access-key' }, secretKeySecretRef: { name: 'alidns', key: 'secret-key' } },
    secrets: { 'alidns/access-key': key.accessKeyId, 'alidns/secret-key': key.accessKeySecret },
  },
});
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line = (re: RegExp, ...secrets: string[]) => (e: Error) => {
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), 'one line');
  for (const s of secrets) assert.ok(!e.message.includes(s), 'no credentials in the message');
  return true;
};

let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

async function conformanceSetup(shape: 'devmachine' | 'pragkent-sts') {
  const bind = await getBind();
  const ali = await startFakeAliDns({ domains: ['example.test'], publisher: bindPublisher(bind) });
  let provider;
  if (shape === 'devmachine') {
    const s = shapes(ali).devmachine;
    provider = await createAliDnsProvider(webhook('alidns-solver', s.config), ctxWith(s.secrets), FAST);
  } else {
    const key = ali.addKey({ securityToken: true });
    const s = shapes(ali, key).pragkent;
    const config = { ...s.config, securityTokenSecretRef: { name: 'alidns', key: 'security-token' } };
    provider = await createAliDnsProvider(webhook('alidns', config), ctxWith({ ...s.secrets, 'alidns/security-token': key.securityToken! }), FAST);
  }
  return {
    provider,
    zone: 'example.test.',
    readTxt: (fqdn: string) => bind.txt(fqdn),
    seedTxt: (fqdn: string, value: string) => ali.seedTxt(fqdn, value),
    settleTimeoutMs: 0,
    teardown: () => ali.stop(),
  };
}

runProviderConformance('alidns (solverName alidns-solver)', () => conformanceSetup('devmachine'), { skip: skipBind });
runProviderConformance('alidns (solverName alidns, STS security token)', () => conformanceSetup('pragkent-sts'), { skip: skipBind });

describe('alidns provider', () => {
  let ali: FakeAliDns;
  before(async () => {
    ali = await startFakeAliDns({ domains: ['example.test', 'other.test'] });
  });
  after(() => ali.stop());
  const devmachine = (o: AliDnsOptions = FAST) => {
    const s = shapes(ali).devmachine;
    return createAliDnsProvider(webhook('alidns-solver', s.config), ctxWith(s.secrets), o);
  };

  it('answers to both solver names', () => {
    assert.deepEqual([...ALIDNS_SOLVER_NAMES], ['alidns-solver', 'alidns']);
  });

  it('splits RR for apex, nested names and wildcard base names', () => {
    assert.equal(relativeName('_acme-challenge.example.test.', 'example.test'), '_acme-challenge');
    assert.equal(relativeName('_acme-challenge.a.b.example.test.', 'example.test'), '_acme-challenge.a.b');
    assert.equal(relativeName('example.test.', 'example.test'), '@');
    // The same suffix twice: only the last one is the domain.
    assert.equal(relativeName('_acme-challenge.example.test.example.test.', 'example.test'), '_acme-challenge.example.test');
    assert.throws(() => relativeName('_acme-challenge.example.org.', 'example.test'), { message: 'alidns: _acme-challenge.example.org. is not inside domain example.test' });
  });

  it('apex + wildcard: two records at one RR, each deleted by its own RecordId', async () => {
    const p = await devmachine();
    const fqdn = '_acme-challenge.example.test.';
    ali.calls.length = 0;
    await Promise.all([p.present(rec(fqdn, 'apex-token')), p.present(rec(fqdn, 'wildcard-token'))]);
    const added = ali.records.filter((r) => r.RR === '_acme-challenge');
    assert.deepEqual(added.map((r) => [r.Value, r.TTL]).sort(), [['apex-token', 600], ['wildcard-token', 600]]);
    await p.cleanUp(rec(fqdn, 'apex-token'));
    assert.deepEqual(ali.txt(fqdn), ['wildcard-token']);
    const deleted = ali.calls.filter((c) => c.action === 'DeleteDomainRecord').map((c) => c.params.RecordId);
    assert.deepEqual(deleted, [added.find((r) => r.Value === 'apex-token')!.RecordId]);
    await p.cleanUp(rec(fqdn, 'wildcard-token'));
    assert.deepEqual(ali.txt(fqdn), []);
    assert.ok(ali.calls.every((c) => ACTIONS.includes(c.action)), 'only the actions of the documented RAM policy');
  });

  it('finds the domain from the DNS zone, falling back to parent names', async () => {
    const p = await devmachine();
    const r = rec('_acme-challenge.x.sub.example.test.', 'nested', 'sub.example.test.');
    assert.equal(await p.domainFor(r), 'example.test');
    await p.present(r);
    assert.deepEqual(ali.records.filter((x) => x.Value === 'nested').map((x) => [x.DomainName, x.RR]), [['example.test', '_acme-challenge.x.sub']]);
    await p.cleanUp(r);
    await assert.rejects(p.present(rec('_acme-challenge.nope.invalid.', 'v', 'nope.invalid.')), line(/^alidns: none of nope\.invalid is a domain of this Alibaba Cloud account/));
  });

  it("accepts wjiec's field names and the environment", async () => {
    const wjiec = await createAliDnsProvider(
      webhook('alidns', { accessKeyIdRef: { name: 'ali', key: 'id' }, secretAccessKeyRef: { name: 'ali', key: 'secret' }, endpoint: ali.url }),
      ctxWith({ 'ali/id': ali.keys.accessKeyId, 'ali/secret': ali.keys.accessKeySecret }),
      FAST,
    );
    await wjiec.present(rec('_acme-challenge.wjiec.example.test.', 'w'));
    await wjiec.cleanUp(rec('_acme-challenge.wjiec.example.test.', 'w'));
    const sts = ali.addKey({ securityToken: true });
    ali.calls.length = 0;
    const env = { ALICLOUD_ACCESS_KEY: sts.accessKeyId, ALICLOUD_SECRET_KEY: sts.accessKeySecret, ALICLOUD_SECURITY_TOKEN: sts.securityToken!, ALICLOUD_REGION_ID: 'cn-shanghai' };
    const fromEnv = await createAliDnsProvider(webhook('alidns-solver', { endpoint: ali.url }), ctxWith({}, env), FAST);
    await fromEnv.present(rec('_acme-challenge.env.example.test.', 'e'));
    await fromEnv.cleanUp(rec('_acme-challenge.env.example.test.', 'e'));
    assert.ok(ali.calls.length > 0 && ali.calls.every((c) => c.accessKeyId === sts.accessKeyId && c.params.SecurityToken === sts.securityToken));
  });

  it('idempotent present: an existing value or a DomainRecordDuplicate race is success', async () => {
    const p = await devmachine();
    const r = rec('_acme-challenge.dup.example.test.', 'd');
    ali.failNext('AddDomainRecord', 'DomainRecordDuplicate', { message: 'The DNS record already exists.' });
    await p.present(r);
    await p.present(r);
    await p.present(r);
    assert.deepEqual(ali.txt(r.fqdn), ['d']);
    await p.cleanUp(r);
  });

  it('retries throttling with backoff, then gives up with a clear line', async () => {
    const p = await devmachine();
    const r = rec('_acme-challenge.throttle.example.test.', 't');
    ali.failNext('AddDomainRecord', 'Throttling.User', { times: 2, message: 'Request was denied due to user flow control.' });
    ali.calls.length = 0;
    await p.present(r);
    assert.equal(ali.calls.filter((c) => c.action === 'AddDomainRecord').length, 3);
    ali.failNext('DescribeSubDomainRecords', 'Throttling.User', { times: 100, message: 'Request was denied due to user flow control.' });
    const limited = await devmachine({ tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(limited.cleanUp(r), {
      message: 'alidns: DescribeSubDomainRecords for _acme-challenge.throttle.example.test: Throttling.User: Request was denied due to user flow control. (after 3 attempts)',
    });
    ali.failNext('DescribeSubDomainRecords', 'Throttling.User', { times: 0 });
    await p.cleanUp(r);
  });

  it('reports a wrong secret, an unknown key and a RAM denial as one line without credentials', async () => {
    const s = shapes(ali).devmachine;
    const wrongSecret = 'definitely-not-the-secret-0123';
    const bad = await createAliDnsProvider(webhook('alidns-solver', s.config), ctxWith({ ...s.secrets, 'alidns-secrets/secret-key': wrongSecret }), FAST);
    await assert.rejects(
      bad.present(rec('_acme-challenge.err.example.test.', 'x')),
      line(/^alidns: DescribeDomainRecords for domain example\.test: SignatureDoesNotMatch: Specified signature is not matched with our calculation\. \(the AccessKey secret does not belong to the AccessKey ID\)$/, wrongSecret, ali.keys.accessKeyId),
    );
    const unknown = await createAliDnsProvider(webhook('alidns-solver', s.config), ctxWith({ ...s.secrets, 'alidns-secrets/access-token': 'LTAInotakey' }), FAST);
    await assert.rejects(unknown.present(rec('_acme-challenge.err.example.test.', 'x')), line(/^alidns: DescribeDomainRecords for domain example\.test: InvalidAccessKeyId\.NotFound: Specified access key is not found\. \(the AccessKey ID is not known/, 'LTAInotakey'));
    const readOnly = ali.addKey({ allow: ['DescribeDomainRecords', 'DescribeSubDomainRecords'] });
    const ro = shapes(ali, readOnly).devmachine;
    const denied = await createAliDnsProvider(webhook('alidns-solver', ro.config), ctxWith(ro.secrets), FAST);
    await assert.rejects(
      denied.present(rec('_acme-challenge.err.example.test.', 'x')),
      line(/^alidns: AddDomainRecord _acme-challenge\.err in domain example\.test: Forbidden\.RAM: User not authorized .* \(the RAM policy must allow alidns:AddDomainRecord; see docs\/providers\/alidns\.md\)$/, readOnly.accessKeySecret),
    );
  });

  it('validates the config at load time, with positions: unknown fields, references, endpoint, half credentials', () => {
    const bad = (solver: string, config: Record<string, unknown>, message: RegExp) =>
      assert.throws(() => webhook(solver, config), (e: Error) => {
        assert.ok(e instanceof SpecError, e.message);
        assert.match(e.message, message);
        return true;
      });
    bad('alidns-solver', { accessTokenSecretRef: { name: 'a', key: 'b' }, secretKeySecretRf: {} }, /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.webhook\.config\.secretKeySecretRf: unknown field "secretKeySecretRf" \(did you mean "secretKeySecretRef"\?\)/);
    bad('alidns-solver', { accessTokenSecretRef: { name: 'a' }, secretKeySecretRef: { name: 'a', key: 's' } }, new RegExp(`${PATH.replace(/[.[\]]/g, '\\$&')}\\.accessTokenSecretRef\\.key: required field is missing`));
    bad('alidns', { accessKeySecretRef: { name: 'a', key: 'id' } }, /config\.secretKeySecretRef: required when the other half of the AccessKey is set/);
    bad('alidns', { accessKeyIdRef: { name: 'a', key: 'id' }, secretKeySecretRef: { name: 'a', key: 's' } }, /secretKeySecretRef: accessKeyIdRef \(wjiec's webhook\) and secretKeySecretRef \(pragkent's\) do not mix/);
    bad('alidns-solver', { endpoint: 'http://alidns.aliyuncs.com' }, /config\.endpoint: must be an https:\/\/ URL \(http:\/\/ only for a loopback address\)/);
    bad('alidns-solver', { endpoint: 'https://alidns.aliyuncs.com/api' }, /config\.endpoint: must be just scheme:\/\/host\[:port\], got "https:\/\/alidns\.aliyuncs\.com\/api"/);
    bad('alidns-solver', { regionId: 7 }, /config\.regionId: expected a string/);
  });

  it('reports missing credentials when neither the config nor the environment has them', async () => {
    await assert.rejects(createAliDnsProvider(webhook('alidns-solver', {}), ctxWith({})), {
      message: `alidns: missing credentials: ${PATH}.accessTokenSecretRef (or env ALICLOUD_ACCESS_KEY), ${PATH}.secretKeySecretRef (or env ALICLOUD_SECRET_KEY)`,
    });
  });
});
