/**
 * The DigitalOcean provider against the fake API v2 (test/fakes/digitalocean-server.ts: scoped
 * tokens, DigitalOcean's error bodies, links.pages paging, the hourly quota headers and the
 * per-minute 429). Providers are built from Issuer YAML through the descriptor; the conformance
 * runs read what BIND serves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digitalocean as descriptor } from '../../src/providers/digitalocean/descriptor.js';
import { createDigitalOceanProvider, relativeName } from '../../src/providers/digitalocean/provider.js';
import type { DigitalOceanConfig, DigitalOceanOptions } from '../../src/providers/digitalocean/provider.js';
import { createDigitalOceanShared } from '../../src/providers/digitalocean/shared.js';
import { SpecError } from '../../src/spec/errors.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { startFakeDigitalOcean } from '../fakes/digitalocean-server.js';
import type { FakeDigitalOcean } from '../fakes/digitalocean-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: DigitalOceanOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };

const block = { digitalocean: { tokenSecretRef: { name: 'digitalocean-dns', key: 'access-token' } } };
const config = (b: Record<string, unknown> = block): DigitalOceanConfig => parseProviderConfig<DigitalOceanConfig>(b);
const ctxFor = (dof: FakeDigitalOcean, token = dof.token, debug?: (m: string) => void): ProviderContext => contextWith({ 'digitalocean-dns/access-token': token }, dof.env, debug);
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line =
  (re: RegExp, ...secrets: string[]) =>
  (e: Error) => {
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

runProviderConformance(
  'digitalocean',
  async () => {
    const bind = await getBind();
    const dof = await startFakeDigitalOcean({ domains: ['example.test'], publisher: bindPublisher(bind) });
    return {
      provider: await providerFromManifest(block, ctxFor(dof)),
      zone: 'example.test.',
      readTxt: (fqdn: string) => bind.txt(fqdn),
      seedTxt: (fqdn: string, value: string) => dof.seedTxt(fqdn, value),
      readTtl: async (fqdn: string) => (await bind.resolver().query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
      settleTimeoutMs: 0,
      teardown: () => dof.stop(),
    };
  },
  { skip: skipBind },
);

describe('digitalocean config (as cert-manager validates it)', () => {
  it('reads tokenSecretRef; requires it with name and key; rejects unknown fields', () => {
    const c = config();
    assert.deepEqual([c.tokenSecretRef.name, c.tokenSecretRef.key, c.path], ['digitalocean-dns', 'access-token', 'spec.acme.solvers[0].dns01.digitalocean']);
    assert.deepEqual(descriptor.secretRefs(c).map((r) => r.name), ['digitalocean-dns']);
    const bad = (b: Record<string, unknown>, re: RegExp) =>
      assert.throws(
        () => config(b),
        (e: Error) => e instanceof SpecError && re.test(e.message),
      );
    bad({ digitalocean: {} }, /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.digitalocean\.tokenSecretRef: required field is missing/);
    bad({ digitalocean: { tokenSecretRef: { name: 'x' } } }, /dns01\.digitalocean\.tokenSecretRef\.key: required field is missing/);
    bad({ digitalocean: { tokenSecretRef: { name: 'x', key: 'k' }, token: 'y' } }, /dns01\.digitalocean\.token: unknown field "token"/);
  });

  it('checks the token value before anything is ordered', async () => {
    const check = (v: string) => descriptor.checkSecrets!(config(), async () => v);
    assert.deepEqual(await check(`dop_v1_${'a'.repeat(64)}`), []);
    assert.match((await check(''))[0].message, /^the DigitalOcean token is empty$/);
    assert.match((await check('abc\ndef'))[0].message, /^the DigitalOcean token contains whitespace or a control character/);
  });
});

describe('digitalocean provider', () => {
  let dof: FakeDigitalOcean;
  before(async () => {
    dof = await startFakeDigitalOcean({ domains: ['example.test', 'other.test'] });
  });
  after(() => dof.stop());
  const provider = (token = dof.token, o: DigitalOceanOptions = FAST, debug?: (m: string) => void) => createDigitalOceanProvider(config(), ctxFor(dof, token, debug), o);

  it('relative names: the apex is @, the domain suffix is cut once', () => {
    assert.equal(relativeName('_acme-challenge.example.test.', 'example.test'), '_acme-challenge');
    assert.equal(relativeName('example.test.', 'example.test'), '@');
    assert.equal(relativeName('_acme-challenge.example.test.example.test.', 'example.test'), '_acme-challenge.example.test');
    assert.throws(() => relativeName('_acme-challenge.example.org.', 'example.test'), { message: 'digitalocean: _acme-challenge.example.org. is not inside domain example.test' });
  });

  it('apex + wildcard: two records at one name, each deleted by its own id, with the type+name filter', async () => {
    const p = await provider();
    const fqdn = '_acme-challenge.example.test.';
    const before = dof.calls.length;
    await Promise.all([p.present(rec(fqdn, 'apex-token')), p.present(rec(fqdn, 'wildcard-token'))]);
    const added = dof.records.filter((r) => r.name === '_acme-challenge');
    assert.deepEqual(added.map((r) => [r.data, r.ttl]).sort(), [['apex-token', 60], ['wildcard-token', 60]]);
    await p.cleanUp(rec(fqdn, 'apex-token'));
    assert.deepEqual(dof.txt(fqdn), ['wildcard-token']);
    const calls = dof.calls.slice(before);
    assert.deepEqual(calls.filter((c) => c.action === 'DeleteDomainRecord').map((c) => c.path.split('/').pop()), [String(added.find((r) => r.data === 'apex-token')!.id)]);
    for (const c of calls.filter((x) => x.action === 'ListDomainRecords')) assert.deepEqual([c.query.type, c.query.name], ['TXT', '_acme-challenge.example.test']);
    await p.cleanUp(rec(fqdn, 'wildcard-token'));
    assert.deepEqual(dof.txt(fqdn), []);
  });

  it('finds the domain from the DNS zone upward; one lookup per zone and one Secret read per run', async () => {
    const shared = createDigitalOceanShared();
    let reads = 0;
    const base = ctxFor(dof);
    const ctx: ProviderContext = { ...base, secretValue: (ref, k) => (reads++, base.secretValue(ref, k)) };
    const before = dof.calls.length;
    const providers = await Promise.all(Array.from({ length: 4 }, () => createDigitalOceanProvider(config(), ctx, FAST, shared)));
    const r = (i: number) => rec(`_acme-challenge.h${i}.sub.example.test.`, `v${i}`, 'sub.example.test.');
    assert.equal(await providers[0].domainFor(r(0)), 'example.test');
    await Promise.all(providers.map((p, i) => p.present(r(i))));
    assert.deepEqual(dof.records.filter((x) => x.data === 'v2').map((x) => [x.domain, x.name]), [['example.test', '_acme-challenge.h2.sub']]);
    await Promise.all(providers.map((p, i) => p.cleanUp(r(i))));
    const calls = dof.calls.slice(before);
    assert.equal(reads, 1);
    // sub.example.test (404), then example.test (200): once for all four solvers.
    assert.deepEqual(calls.filter((c) => c.action === 'GetDomain').map((c) => [c.path, c.status]), [['/v2/domains/sub.example.test', 404], ['/v2/domains/example.test', 200]]);
    await assert.rejects(providers[0].present(rec('_acme-challenge.nope.invalid.', 'v', 'nope.invalid.')), line(/^digitalocean: GetDomain: none of nope\.invalid is a domain of this DigitalOcean account/));
  });

  it('follows links.pages.next, on its own origin only', async () => {
    const small = await startFakeDigitalOcean({ domains: ['example.test'], maxPerPage: 4 });
    try {
      const p = await createDigitalOceanProvider(config(), ctxFor(small), FAST);
      const fqdn = '_acme-challenge.many.example.test.';
      for (let i = 0; i < 10; i++) await small.seedTxt(fqdn, `other-${i}`);
      await p.present(rec(fqdn, 'ours'));
      await p.present(rec(fqdn, 'ours'));
      assert.equal(small.txt(fqdn).filter((v) => v === 'ours').length, 1, 'found on page 3, not created twice');
      const pages = small.calls.filter((c) => c.action === 'ListDomainRecords').map((c) => c.query.page ?? '1');
      assert.deepEqual(pages.slice(-3), ['1', '2', '3']);
      await p.cleanUp(rec(fqdn, 'ours'));
      assert.equal(small.txt(fqdn).length, 10);
    } finally {
      await small.stop();
    }
  });

  it('honours the hourly quota: at ratelimit-remaining 0 it stops and says when the quota returns, without sending more', async () => {
    const tiny = await startFakeDigitalOcean({ domains: ['example.test'], hourly: 3 });
    try {
      const p = await createDigitalOceanProvider(config(), ctxFor(tiny), FAST);
      // GetDomain, ListDomainRecords, CreateDomainRecord: the last answer says 0 remaining.
      await p.present(rec('_acme-challenge.q.example.test.', 'a'));
      await assert.rejects(p.cleanUp(rec('_acme-challenge.q.example.test.', 'a')), line(/^digitalocean: ListDomainRecords TXT _acme-challenge\.q\.example\.test in domain example\.test: rate limited: the token's quota returns in 3\d{3} s \(DigitalOcean allows 250 requests per minute and 5,000 per hour per token/));
      assert.equal(tiny.calls.length, 3, 'no request sent past the quota');
    } finally {
      await tiny.stop();
    }
  });

  it('waits out the per-minute 429 (Retry-After) and carries on', async () => {
    const burst = await startFakeDigitalOcean({ domains: ['example.test'], perMinute: 2, burstWindowMs: 1000 });
    try {
      const waits: string[] = [];
      const p = await createDigitalOceanProvider(config(), ctxFor(burst, burst.token, (m) => waits.push(m)), FAST);
      await p.present(rec('_acme-challenge.b.example.test.', 'a'));
      assert.deepEqual(burst.txt('_acme-challenge.b.example.test.'), ['a']);
      assert.equal(burst.calls.filter((c) => c.status === 429).length, 1);
      assert.ok(waits.some((w) => /HTTP 429 too_many_requests: API Rate limit exceeded\.; retrying in \d+ ms/.test(w)), waits.join('\n'));
    } finally {
      await burst.stop();
    }
  });

  it('retries 5xx, then reports in one line', async () => {
    const p = await provider(dof.token, { tuning: { ...FAST.tuning, maxAttempts: 3 } });
    dof.failNext('CreateDomainRecord', 500, 'server_error', 'Unexpected server-side error', 2);
    await p.present(rec('_acme-challenge.five.example.test.', 'f'));
    assert.deepEqual(dof.txt('_acme-challenge.five.example.test.'), ['f']);
    dof.failNext('DeleteDomainRecord', 503, 'service_unavailable', 'Service is unavailable', 5);
    await assert.rejects(p.cleanUp(rec('_acme-challenge.five.example.test.', 'f')), line(/^digitalocean: DeleteDomainRecord record \d+ \(TXT _acme-challenge\.five\) in domain example\.test: HTTP 503 service_unavailable: Service is unavailable \(after 3 attempts\)$/));
    dof.failNext('DeleteDomainRecord', 503, 'service_unavailable', 'x', 0);
    await p.cleanUp(rec('_acme-challenge.five.example.test.', 'f'));
  });

  it('names the missing scope, or a bad token, in one line without the token', async () => {
    const r = rec('_acme-challenge.err.example.test.', 'x');
    const readOnly = dof.addToken(['domain:read']);
    await assert.rejects((await provider(readOnly)).present(r), line(/^digitalocean: CreateDomainRecord TXT _acme-challenge\.err in domain example\.test: HTTP 403 forbidden: You are not authorized to perform this operation \(a custom-scoped token needs domain:read, domain:create and domain:delete; this call needs domain:create\)$/, readOnly));
    const noDelete = dof.addToken(['domain:read', 'domain:create']);
    const nd = await provider(noDelete);
    await nd.present(r);
    await assert.rejects(nd.cleanUp(r), line(/DeleteDomainRecord .*HTTP 403 forbidden: .*this call needs domain:delete\)$/, noDelete));
    await (await provider()).cleanUp(r);
    const bogus = `dop_v1_${'0'.repeat(64)}`;
    await assert.rejects((await provider(bogus)).present(r), line(/^digitalocean: GetDomain example\.test: HTTP 401 unauthorized: Unable to authenticate you \(the token is not valid: mistyped, expired or revoked\)$/, bogus));
    const ctx = contextWith({ 'digitalocean-dns/access-token': dof.token }, { DIGITALOCEAN_API_URL: 'ftp://example.test' });
    await assert.rejects(createDigitalOceanProvider(config(), ctx), line(/^digitalocean: DIGITALOCEAN_API_URL: "ftp:\/\/example\.test" must be an https:\/\/ URL/));
  });
});
