/**
 * The Route 53 provider through the real @aws-sdk/client-route-53 against the fake AWS endpoint
 * (test/fakes/route53-server.ts: Route 53 REST/XML + STS, SigV4 checked). The conformance runs
 * read what BIND serves, because the fake publishes every change there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute53Provider } from '../../src/providers/route53/provider.js';
import { createRoute53Shared } from '../../src/providers/route53/shared.js';
import { contextWith } from './parse-config.js';
import { plainName, planCleanUp, planPresent } from '../../src/providers/route53/rrsets.js';
import type { Route53Config, Route53Options } from '../../src/providers/route53/provider.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import type { SecretKeySelector } from '../../src/spec/types.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeRoute53 } from '../fakes/route53-server.js';
import type { FakeRoute53 } from '../fakes/route53-server.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: Route53Options = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20, pollFirstMs: 10, pollMaxMs: 20 } };

const ref = (name: string, key: string): SecretKeySelector => ({ name, key, pos: { file: 'issuer.yaml', line: 1, col: 1 }, path: `spec.acme.solvers[0].dns01.route53.${name}` });
const cfg = (c: Partial<Route53Config> = {}): Route53Config => ({ region: 'us-east-1', ...c });
const ctxWith = (env: Record<string, string>, secrets: Record<string, string> = {}): ProviderContext => contextWith(secrets, env);
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
/** For assert.rejects: the error's message (not its String(), which starts with the class name) matches. */
const line = (re: RegExp) => (e: Error) => {
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), 'one line');
  return true;
};
const r53Actions = (aws: FakeRoute53) => aws.calls.filter((c) => c.service === 'route53').map((c) => c.action);

let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

async function conformanceSetup(o: { hostedZoneID?: boolean; multiValueSeeds?: boolean }) {
  const bind = await getBind();
  const aws = await startFakeRoute53({ zones: [{ name: 'example.test', id: 'ZPUBLIC' }, { name: 'example.test', id: 'ZPRIVATE', private: true }], publisher: bindPublisher(bind) });
  const secrets = { 'aws-creds/access-key-id': aws.keys.accessKeyId, 'aws-creds/secret-access-key': aws.keys.secretAccessKey };
  const config = cfg({ accessKeyIDSecretRef: ref('aws-creds', 'access-key-id'), secretAccessKeySecretRef: ref('aws-creds', 'secret-access-key'), ...(o.hostedZoneID ? { hostedZoneID: 'ZPUBLIC' } : {}) });
  const resolver = bind.resolver();
  return {
    provider: await createRoute53Provider(config, ctxWith(aws.env, secrets), FAST),
    zone: 'example.test.',
    readTxt: (fqdn: string) => bind.txt(fqdn),
    seedTxt: (fqdn: string, value: string) => aws.seedTxt('ZPUBLIC', fqdn, value, { multiValue: o.multiValueSeeds }),
    readTtl: async (fqdn: string) => (await resolver.query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    settleTimeoutMs: 0,
    teardown: () => aws.stop(),
  };
}

runProviderConformance('route53 (zone looked up, keys from Secrets)', () => conformanceSetup({}), { skip: skipBind });
runProviderConformance('route53 (hostedZoneID, beside cert-manager MultiValueAnswer records)', () => conformanceSetup({ hostedZoneID: true, multiValueSeeds: true }), { skip: skipBind });

describe('route53 TXT values and plans', () => {
  it('reads names with octal escapes', () => {
    assert.equal(plainName('\\052.Example.COM'), '*.example.com.');
  });

  it("reads Route 53's octal escapes in values: a value written with \\052 is found and removed", () => {
    const n = '_acme-challenge.example.com.';
    const set = { name: n, ttl: 60, raw: ['"other"', '"a\\052b"'] };
    assert.deepEqual(planPresent([set], n, 'a*b', 60), { done: true });
    assert.deepEqual(planCleanUp([set], 'a*b'), { done: false, changes: [{ action: 'DELETE', set }, { action: 'CREATE', set: { ...set, raw: ['"other"'] } }] });
  });

  it("adds beside cert-manager's MultiValueAnswer sets, never touches them, refuses other routing policies", () => {
    const n = '_acme-challenge.example.com.';
    const certManager = { name: n, ttl: 10, raw: ['"cm"'], setIdentifier: '"cm"', multiValueAnswer: true };
    assert.deepEqual(planPresent([certManager], n, 'ours', 60), { done: false, changes: [{ action: 'CREATE', set: { name: n, ttl: 60, raw: ['"ours"'], setIdentifier: '"ours"', multiValueAnswer: true } }] });
    assert.deepEqual(planCleanUp([certManager], 'ours'), { done: true });
    assert.throws(() => planPresent([{ ...certManager, multiValueAnswer: undefined, otherPolicy: 'weighted' }], n, 'ours', 60), /use the weighted routing policy/);
  });
});

describe('route53 provider', () => {
  let aws: FakeRoute53;
  before(async () => {
    aws = await startFakeRoute53({
      zones: [
        { name: 'example.test', id: 'ZEXAMPLE' },
        { name: 'example.test', id: 'ZEXAMPLEPRIV', private: true },
        { name: 'sub.example.test', id: 'ZSUB' },
        { name: 'other.test', id: 'ZOTHER' },
      ],
    });
  });
  after(() => aws.stop());
  const keyed = (o: Route53Options = FAST, c: Partial<Route53Config> = {}) => createRoute53Provider(cfg(c), ctxWith({ ...aws.env, ...aws.keyEnv() }), o);

  it('uses only GetChange, ChangeResourceRecordSets, ListResourceRecordSets and ListHostedZonesByName', async () => {
    aws.calls.length = 0;
    aws.pendingPolls = 2;
    try {
      const p = await keyed();
      const fqdn = '_acme-challenge.only4.example.test.';
      await Promise.all([p.present(rec(fqdn, 'apex')), p.present(rec(fqdn, 'wildcard'))]);
      await p.present(rec(fqdn, 'apex'));
      await p.cleanUp(rec(fqdn, 'apex'));
      await p.cleanUp(rec(fqdn, 'wildcard'));
      await p.cleanUp(rec(fqdn, 'wildcard'));
    } finally {
      aws.pendingPolls = 0;
    }
    const used = new Set(r53Actions(aws));
    assert.deepEqual([...used].sort(), ['ChangeResourceRecordSets', 'GetChange', 'ListHostedZonesByName', 'ListResourceRecordSets']);
    assert.ok(aws.calls.every((c) => c.service === 'route53' && c.region === 'us-east-1' && c.principal?.endsWith('user/certctl-test')));
    // Polled until INSYNC: three GetChange per present (PENDING, PENDING, INSYNC), for two changes.
    assert.equal(r53Actions(aws).filter((a) => a === 'GetChange').length, 6);
  });

  it('quotes values and keeps apex and wildcard in one record set', async () => {
    const p = await keyed();
    const fqdn = '_acme-challenge.quoted.example.test.';
    await p.present(rec(fqdn, 'a'));
    await p.present(rec(fqdn, 'b'));
    const sets = aws.state.zone('ZEXAMPLE').sets.filter((s) => s.name === fqdn);
    assert.deepEqual(sets.map((s) => [s.ttl, s.setIdentifier, [...s.values].sort()]), [[60, undefined, ['"a"', '"b"']]]);
    await p.cleanUp(rec(fqdn, 'a'));
    await p.cleanUp(rec(fqdn, 'b'));
    assert.equal(aws.state.zone('ZEXAMPLE').sets.filter((s) => s.name === fqdn).length, 0);
  });

  it('picks the zone DNS serves the name from, else the longest public zone; skips private ones, and says so', async () => {
    const p = await keyed();
    // sub.example.test is delegated: DNS serves the name from it.
    const delegated = await p.zoneFor(rec('_acme-challenge.a.sub.example.test.', 'x', 'sub.example.test.'));
    assert.equal(delegated.id, 'ZSUB');
    // Not delegated: a record in ZSUB would never be seen, so the zone DNS serves wins.
    const served = await p.zoneFor(rec('_acme-challenge.b.sub.example.test.', 'x', 'example.test.'));
    assert.equal(served.id, 'ZEXAMPLE');
    // DNS serves the name from a zone Route 53 does not host: the longest public hosted zone, with a warning.
    const walked = await p.zoneFor(rec('_acme-challenge.c.sub.example.test.', 'x', 'elsewhere.test.'));
    assert.equal(walked.id, 'ZSUB');
    assert.match(walked.note, /^route53: using hosted zone ZSUB \(sub\.example\.test\.\) for _acme-challenge\.c\.sub\.example\.test\., the longest public hosted zone containing it; but DNS serves the name from zone elsewhere\.test\./);
    const top = await p.zoneFor(rec('_acme-challenge.www.example.test.', 'x'));
    assert.equal(top.id, 'ZEXAMPLE');
    assert.match(top.note, /skipped private zone\(s\) ZEXAMPLEPRIV \(example\.test\.\)/);
    await assert.rejects(p.present(rec('_acme-challenge.nowhere.invalid.', 'x', 'nowhere.invalid.')), {
      message: 'route53: ListHostedZonesByName: no public hosted zone contains _acme-challenge.nowhere.invalid. (looked for nowhere.invalid., _acme-challenge.nowhere.invalid., invalid.); create the zone or set hostedZoneID',
    });
  });

  it('pages through ListHostedZonesByName by hand', async () => {
    const many = await startFakeRoute53({ zones: [...Array.from({ length: 120 }, (_, i) => ({ name: 'paged.test', id: `ZA${String(i).padStart(3, '0')}`, private: true })), { name: 'paged.test', id: 'ZZPUBLIC' }] });
    try {
      const p = await createRoute53Provider(cfg(), ctxWith({ ...many.env, ...many.keyEnv() }), FAST);
      const zone = await p.zoneFor(rec('_acme-challenge.paged.test.', 'x', 'paged.test.'));
      assert.equal(zone.id, 'ZZPUBLIC');
      assert.equal(r53Actions(many).filter((a) => a === 'ListHostedZonesByName').length, 2); // the DNS zone paged.test., in two pages
    } finally {
      await many.stop();
    }
  });

  it('with hostedZoneID never lists zones', async () => {
    aws.calls.length = 0;
    const p = await keyed(FAST, { hostedZoneID: '/hostedzone/ZOTHER' });
    await p.present(rec('_acme-challenge.other.test.', 'v', 'other.test.'));
    await p.cleanUp(rec('_acme-challenge.other.test.', 'v', 'other.test.'));
    assert.ok(!r53Actions(aws).includes('ListHostedZonesByName'));
    assert.ok(aws.calls.every((c) => c.zoneId === undefined || c.zoneId === 'ZOTHER'));
  });

  it('keeps both values when two writers race on one name (compare-and-swap, no in-process lock)', async () => {
    const fqdn = '_acme-challenge.race.example.test.';
    const [p1, p2] = await Promise.all([keyed({ ...FAST, serializeInProcess: false }), keyed({ ...FAST, serializeInProcess: false })]);
    for (let i = 0; i < 3; i++) {
      await Promise.all([p1.present(rec(fqdn, `one-${i}`)), p2.present(rec(fqdn, `two-${i}`))]);
      assert.deepEqual(aws.txt('ZEXAMPLE', fqdn).sort(), [`one-${i}`, `two-${i}`]);
      await Promise.all([p1.cleanUp(rec(fqdn, `one-${i}`)), p2.cleanUp(rec(fqdn, `two-${i}`))]);
      assert.deepEqual(aws.txt('ZEXAMPLE', fqdn), []);
    }
  });

  it('re-reads and retries when another process changes the set between read and write', async () => {
    const fqdn = '_acme-challenge.interleaved.example.test.';
    const p = await keyed();
    await p.present(rec(fqdn, 'ours-1'));
    let raced = false;
    aws.beforeChange = async (zoneId) => {
      if (raced) return;
      raced = true;
      await aws.seedTxt(zoneId, fqdn, 'theirs');
    };
    aws.calls.length = 0;
    try {
      await p.present(rec(fqdn, 'ours-2'));
    } finally {
      aws.beforeChange = undefined;
    }
    assert.deepEqual(aws.txt('ZEXAMPLE', fqdn).sort(), ['ours-1', 'ours-2', 'theirs']);
    assert.deepEqual(r53Actions(aws), ['ListResourceRecordSets', 'ChangeResourceRecordSets', 'ListResourceRecordSets', 'ChangeResourceRecordSets', 'GetChange']);
    await p.cleanUp(rec(fqdn, 'ours-1'));
    await p.cleanUp(rec(fqdn, 'ours-2'));
    assert.deepEqual(aws.txt('ZEXAMPLE', fqdn), ['theirs']);
  });

  it('retries throttling, PriorRequestNotComplete and 5xx with backoff', async () => {
    const p = await keyed();
    const fqdn = '_acme-challenge.throttled.example.test.';
    aws.failNext('ListResourceRecordSets', 'ServiceUnavailable', { status: 503 });
    aws.failNext('ChangeResourceRecordSets', 'Throttling', { times: 2, message: 'Rate exceeded' });
    aws.failNext('GetChange', 'PriorRequestNotComplete');
    aws.calls.length = 0;
    await p.present(rec(fqdn, 'v'));
    assert.deepEqual(aws.txt('ZEXAMPLE', fqdn), ['v']);
    assert.equal(r53Actions(aws).filter((a) => a === 'ChangeResourceRecordSets').length, 3);
    aws.failNext('ChangeResourceRecordSets', 'Throttling', { times: 100, message: 'Rate exceeded' });
    const limited = await keyed({ tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(limited.cleanUp(rec(fqdn, 'v')), {
      message: 'route53: ChangeResourceRecordSets on zone ZEXAMPLE (example.test.): Throttling: Rate exceeded (after 3 attempts)',
    });
    aws.failNext('ChangeResourceRecordSets', 'Throttling', { times: 0 });
    await p.cleanUp(rec(fqdn, 'v'));
  });

  it('turns API errors into one line naming action and zone, without credentials', async () => {
    const fqdn = '_acme-challenge.errors.example.test.';
    const wrong = 'wrong/secret+key0123456789abcdefghijklmno';
    const bad = await createRoute53Provider(cfg({ accessKeyID: aws.keys.accessKeyId, secretAccessKeySecretRef: ref('aws', 'secret') }), ctxWith(aws.env, { 'aws/secret': wrong }), FAST);
    await assert.rejects(bad.present(rec(fqdn, 'v')), (e: Error) => {
      assert.match(e.message, /^route53: ListHostedZonesByName for example\.test: SignatureDoesNotMatch: The request signature we calculated does not match .* \(the secret access key does not belong to the access key ID\)$/);
      assert.ok(!e.message.includes(wrong) && !e.message.includes(aws.keys.accessKeyId) && !e.message.includes('\n'));
      return true;
    });
    const p = await keyed();
    aws.failNext('ChangeResourceRecordSets', 'AccessDenied', { status: 403, message: `User: arn:aws:iam::123456789012:user/certctl-test is not authorized to perform: route53:ChangeResourceRecordSets\non resource: arn:aws:route53:::hostedzone/ZEXAMPLE` });
    await assert.rejects(p.present(rec(fqdn, 'v')), {
      message:
        'route53: ChangeResourceRecordSets on zone ZEXAMPLE (example.test.): AccessDenied: User: arn:aws:iam::123456789012:user/certctl-test is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/ZEXAMPLE (the IAM policy must allow route53:ChangeResourceRecordSets on this resource; see docs/providers/route53.md)',
    });
    const wrongZone = await keyed(FAST, { hostedZoneID: 'ZNOPE' });
    await assert.rejects(wrongZone.present(rec(fqdn, 'v')), {
      message: 'route53: ListResourceRecordSets on zone ZNOPE (example.test.): NoSuchHostedZone: No hosted zone found with ID: ZNOPE (check hostedZoneID, or remove it to look the zone up by name)',
    });
  });

  describe('credentials', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'certctl-r53-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));
    const presentWith = async (config: Route53Config, env: Record<string, string>, secrets: Record<string, string> = {}) => {
      aws.calls.length = 0;
      const p = await createRoute53Provider(config, ctxWith({ ...aws.env, ...env }, secrets), FAST);
      const fqdn = '_acme-challenge.creds.example.test.';
      await p.present(rec(fqdn, 'c'));
      await p.cleanUp(rec(fqdn, 'c'));
      return { p, principals: [...new Set(aws.calls.filter((c) => c.service === 'route53').map((c) => c.principal))], sts: aws.calls.filter((c) => c.service === 'sts') };
    };

    it('static keys: accessKeyID + secretAccessKeySecretRef, and the environment', async () => {
      const user = aws.addKey('arn:aws:iam::123456789012:user/from-manifest');
      const fromConfig = await presentWith(cfg({ accessKeyID: user.accessKeyId, secretAccessKeySecretRef: ref('aws', 'secret') }), aws.keyEnv(), { 'aws/secret': user.secretAccessKey });
      assert.deepEqual(fromConfig.principals, ['arn:aws:iam::123456789012:user/from-manifest']);
      assert.equal(fromConfig.p.credentialSource, 'accessKeyID + secretAccessKeySecretRef');
      const fromEnv = await presentWith(cfg(), aws.keyEnv());
      assert.deepEqual(fromEnv.principals, ['arn:aws:iam::123456789012:user/certctl-test']);
      assert.equal(fromEnv.sts.length, 0);
    });

    it('EKS IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE → AssumeRoleWithWebIdentity', async () => {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.irsa-token.sig\n');
      const irsa = await startFakeRoute53({ zones: [{ name: 'example.test' }], webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.irsa-token.sig' });
      try {
        const p = await createRoute53Provider(cfg({ region: undefined }), ctxWith({ ...irsa.env, AWS_REGION: 'eu-west-1', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/certctl-irsa', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile }), FAST);
        await p.present(rec('_acme-challenge.irsa.example.test.', 'i'));
        const sts = irsa.calls.filter((c) => c.service === 'sts');
        assert.deepEqual(sts.map((c) => [c.action, c.roleArn]), [['AssumeRoleWithWebIdentity', 'arn:aws:iam::123456789012:role/certctl-irsa']]);
        const r53 = irsa.calls.filter((c) => c.service === 'route53');
        assert.ok(r53.length > 0 && r53.every((c) => c.principal === 'arn:aws:sts::123456789012:assumed-role/certctl-irsa/certctl'));
        const denied = await createRoute53Provider(cfg(), ctxWith({ ...irsa.env, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/certctl-irsa', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'missing-token') }), FAST);
        await assert.rejects(denied.present(rec('_acme-challenge.irsa.example.test.', 'i')), line(/^route53: credentials from web identity \(AWS_ROLE_ARN arn:aws:iam::123456789012:role\/certctl-irsa, AWS_WEB_IDENTITY_TOKEN_FILE .*missing-token\): .*ENOENT/));
      } finally {
        await irsa.stop();
      }
    });

    it('role: AssumeRole with the base credentials, session name certctl', async () => {
      const r = await presentWith(cfg({ role: 'arn:aws:iam::123456789012:role/dns-manager' }), aws.keyEnv());
      assert.deepEqual(r.sts.map((c) => [c.action, c.roleArn, c.principal]), [['AssumeRole', 'arn:aws:iam::123456789012:role/dns-manager', 'arn:aws:iam::123456789012:user/certctl-test']]);
      assert.deepEqual(r.principals, ['arn:aws:sts::123456789012:assumed-role/dns-manager/certctl']);
      aws.deniedRoles.add('arn:aws:iam::123456789012:role/forbidden');
      const p = await createRoute53Provider(cfg({ role: 'arn:aws:iam::123456789012:role/forbidden' }), ctxWith({ ...aws.env, ...aws.keyEnv() }), FAST);
      await assert.rejects(p.present(rec('_acme-challenge.creds.example.test.', 'c')), {
        message: 'route53: credentials from role arn:aws:iam::123456789012:role/forbidden (STS AssumeRole with the default credential chain): AccessDenied: User: arn:aws:iam::123456789012:user/certctl-test is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/forbidden',
      });
    });

    it('shared config: a profile with role_arn and source_profile', async () => {
      const config = join(dir, 'config');
      const credentials = join(dir, 'credentials');
      await writeFile(config, '[profile dns]\nrole_arn = arn:aws:iam::123456789012:role/from-profile\nsource_profile = base\nregion = us-east-1\n');
      await writeFile(credentials, `[base]\naws_access_key_id = ${aws.keys.accessKeyId}\naws_secret_access_key = ${aws.keys.secretAccessKey}\n`);
      const r = await presentWith(cfg(), { AWS_PROFILE: 'dns', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials });
      assert.deepEqual(r.sts.map((c) => c.action), ['AssumeRole']);
      assert.equal(r.principals.length, 1);
      assert.match(r.principals[0]!, /assumed-role\/from-profile\//);
    });

    it('reports missing or half-configured credentials and serviceAccountRef clearly', async () => {
      const none = await createRoute53Provider(cfg(), ctxWith(aws.env), FAST);
      await assert.rejects(none.present(rec('_acme-challenge.creds.example.test.', 'c')), line(/^route53: no AWS credentials found: .*AWS_ROLE_ARN \+ AWS_WEB_IDENTITY_TOKEN_FILE \(EKS IRSA\) \(tried profile default/));
      await assert.rejects(createRoute53Provider(cfg({ accessKeyID: 'AKIAEXAMPLE' }), ctxWith(aws.env)), { message: 'route53: an access key ID is set but secretAccessKeySecretRef is missing' });
      const sa = cfg({ role: 'arn:aws:iam::123456789012:role/x', serviceAccountRef: { name: 'certctl', audiences: [] } });
      await assert.rejects(createRoute53Provider(sa, ctxWith(aws.env)), line(/^route53: auth\.kubernetes\.serviceAccountRef \(service account "certctl"\) needs a token from the Kubernetes TokenRequest API: run certctl with --store kubernetes \(in a pod, or with a kubeconfig\)/));
      await assert.rejects(createRoute53Provider(sa, ctxWith({ ...aws.env, KUBERNETES_SERVICE_HOST: '10.0.0.1' })), line(/serviceAccountRef \(service account "certctl"\) needs a token from the Kubernetes TokenRequest API: run certctl with --store kubernetes;/));
      const noRole = cfg({ serviceAccountRef: { name: 'certctl', audiences: [] } });
      await assert.rejects(createRoute53Provider(noRole, { ...ctxWith(aws.env), serviceAccountToken: async () => 'jwt' }), line(/serviceAccountRef needs role/));
    });

    it('serviceAccountRef: a bound token of that ServiceAccount (audience sts.amazonaws.com) is exchanged for the role', async () => {
      const asked: [string, string[]][] = [];
      const sa = cfg({ role: 'arn:aws:iam::123456789012:role/sa-role', serviceAccountRef: { name: 'dns-sa', audiences: [] } });
      const ctx = { ...ctxWith(aws.env), serviceAccountToken: async (name: string, audiences: string[]) => (asked.push([name, audiences]), 'eyJhbGciOiJSUzI1NiJ9.e30.sig') };
      const p = await createRoute53Provider(sa, ctx, FAST);
      const before = aws.calls.length;
      await p.present(rec('_acme-challenge.sa.example.test.', 's'));
      const calls = aws.calls.slice(before);
      assert.deepEqual(asked, [['dns-sa', ['sts.amazonaws.com']]]);
      assert.deepEqual(calls.filter((c) => c.service === 'sts').map((c) => [c.action, c.roleArn]), [['AssumeRoleWithWebIdentity', 'arn:aws:iam::123456789012:role/sa-role']]);
      assert.ok(calls.filter((c) => c.service === 'route53').every((c) => c.principal === 'arn:aws:sts::123456789012:assumed-role/sa-role/certctl'));
      await p.cleanUp(rec('_acme-challenge.sa.example.test.', 's'));
    });
  });

  it('shares credentials, zone lookups and pacing between providers of one run', async () => {
    const shared = createRoute53Shared();
    const before = aws.calls.length;
    const config = cfg({ accessKeyID: aws.keys.accessKeyId, secretAccessKeySecretRef: ref('aws', 'secret'), role: 'arn:aws:iam::123456789012:role/dns-manager' });
    const ctx = ctxWith(aws.env, { 'aws/secret': aws.keys.secretAccessKey });
    const providers = await Promise.all(Array.from({ length: 5 }, () => createRoute53Provider(config, ctx, FAST, shared)));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.shared${i}.example.test.`, 'v'))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.shared${i}.example.test.`, 'v'))));
    const calls = aws.calls.slice(before);
    assert.equal(calls.filter((c) => c.service === 'sts').length, 1, 'one AssumeRole for five providers');
    assert.equal(calls.filter((c) => c.action === 'ListHostedZonesByName').length, 1, 'one zone lookup for the zone of all five names');
  });
});
