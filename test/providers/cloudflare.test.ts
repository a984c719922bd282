/**
 * The Cloudflare provider against the fake API v4 (test/fakes/cloudflare-server.ts: tokens with
 * Zone:Read / DNS:Edit per zone, the Global API Key, Cloudflare's error codes, paging, the
 * Ratelimit headers and 429s). Providers are built from Issuer YAML through the descriptor, as a
 * run builds them; the conformance runs read what BIND serves, because the fake publishes there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloudflare as descriptor } from '../../src/providers/cloudflare/descriptor.js';
import { createCloudflareProvider } from '../../src/providers/cloudflare/provider.js';
import { zoneAndParents } from '../../src/providers/rest/zones.js';
import type { CloudflareConfig, CloudflareOptions } from '../../src/providers/cloudflare/provider.js';
import { createCloudflareShared } from '../../src/providers/cloudflare/shared.js';
import { exhaustedForMs } from '../../src/providers/cloudflare/api.js';
import { SpecError } from '../../src/spec/errors.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { startFakeCloudflare } from '../fakes/cloudflare-server.js';
import type { FakeCloudflare } from '../fakes/cloudflare-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named'], 'bind9');
const FAST: CloudflareOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.cloudflare';

const tokenBlock = { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token-secret', key: 'api-token' } } };
const keyBlock = { cloudflare: { email: 'certctl@example.test', apiKeySecretRef: { name: 'cloudflare-api-key-secret', key: 'api-key' } } };
const config = (block: Record<string, unknown>): CloudflareConfig => parseProviderConfig<CloudflareConfig>(block);
const tokenCtx = (cf: FakeCloudflare, token = cf.token, debug?: (m: string) => void): ProviderContext => contextWith({ 'cloudflare-api-token-secret/api-token': token }, cf.env, debug);
const keyCtx = (cf: FakeCloudflare, key = cf.globalKey.key): ProviderContext => contextWith({ 'cloudflare-api-key-secret/api-key': key }, cf.env);
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
/** For assert.rejects: one line matching `re`, none of `secrets` in it. */
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

async function conformanceSetup(auth: 'token' | 'key') {
  const bind = await getBind();
  const cf = await startFakeCloudflare({ zones: ['example.test'], publisher: bindPublisher(bind) });
  const provider = await providerFromManifest(auth === 'token' ? tokenBlock : keyBlock, auth === 'token' ? tokenCtx(cf) : keyCtx(cf));
  return {
    provider,
    zone: 'example.test.',
    readTxt: (fqdn: string) => bind.txt(fqdn),
    seedTxt: (fqdn: string, value: string) => cf.seedTxt(fqdn, value),
    readTtl: async (fqdn: string) => (await bind.resolver().query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    settleTimeoutMs: 0,
    teardown: () => cf.stop(),
  };
}

runProviderConformance('cloudflare (API token)', () => conformanceSetup('token'), { skip: skipBind });
runProviderConformance('cloudflare (Global API Key + email)', () => conformanceSetup('key'), { skip: skipBind });

describe('cloudflare config (as cert-manager validates it)', () => {
  const bad = (block: Record<string, unknown>, ...messages: RegExp[]) =>
    assert.throws(
      () => config(block),
      (e: Error) => {
        assert.ok(e instanceof SpecError, e.message);
        for (const m of messages) assert.match(e.message, m);
        return true;
      },
    );

  it('reads a token, or a Global API Key with the e-mail', () => {
    const t = config(tokenBlock);
    assert.deepEqual([t.apiTokenSecretRef?.name, t.apiTokenSecretRef?.key, t.apiKeySecretRef, t.email, t.path], ['cloudflare-api-token-secret', 'api-token', undefined, undefined, PATH]);
    const k = config(keyBlock);
    assert.deepEqual([k.apiKeySecretRef?.name, k.apiKeySecretRef?.key, k.apiTokenSecretRef, k.email], ['cloudflare-api-key-secret', 'api-key', undefined, 'certctl@example.test']);
    assert.deepEqual(descriptor.secretRefs(k).map((r) => r.name), ['cloudflare-api-key-secret']);
  });

  it('rejects both credentials, neither, a key without e-mail, a reference without key, and typos, with positions', () => {
    bad({ cloudflare: { ...keyBlock.cloudflare, ...tokenBlock.cloudflare } }, /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.cloudflare: apiKeySecretRef and apiTokenSecretRef cannot both be specified/);
    bad({ cloudflare: { email: 'a@b.c' } }, /dns01\.cloudflare: apiKeySecretRef or apiTokenSecretRef is required/);
    bad({ cloudflare: { apiKeySecretRef: { name: 'k', key: 'k' } } }, /dns01\.cloudflare\.email: required field is missing \(the Global API Key \(apiKeySecretRef\) is used with the account e-mail\)/);
    bad({ cloudflare: { apiTokenSecretRef: { name: 't' } } }, /dns01\.cloudflare\.apiTokenSecretRef\.key: required field is missing/);
    bad({ cloudflare: { apiTokenSecretRef: { name: 't', key: 'k' }, emial: 'x' } }, /dns01\.cloudflare\.emial: unknown field "emial" \(did you mean "email"\?\)/);
  });

  it('checks the Secret value before anything is ordered: empty, or with a line break or space inside', async () => {
    const c = config(tokenBlock);
    const check = (v: string) => descriptor.checkSecrets!(c, async () => v);
    assert.deepEqual(await check('x'.repeat(40)), []);
    assert.match((await check('abc\ndef'))[0].message, /^the Cloudflare API token contains a line break or another control character/);
    assert.match((await check('abc def'))[0].message, /^the Cloudflare API token contains a space/);
    assert.match((await check(''))[0].message, /^the Cloudflare API token is empty/);
  });
});

describe('cloudflare provider', () => {
  let cf: FakeCloudflare;
  before(async () => {
    cf = await startFakeCloudflare({ zones: ['example.test', 'other.test', { name: 'pending.test', status: 'pending' }] });
  });
  after(() => cf.stop());
  const withToken = (token = cf.token, o: CloudflareOptions = FAST, debug?: (m: string) => void) => createCloudflareProvider(config(tokenBlock), tokenCtx(cf, token, debug), o);

  it('apex + wildcard: two records at one name, each deleted by its own id, content quoted, TTL 60', async () => {
    const p = await withToken();
    const fqdn = '_acme-challenge.example.test.';
    const before = cf.calls.length;
    await Promise.all([p.present(rec(fqdn, 'apex-token')), p.present(rec(fqdn, 'wildcard-token'))]);
    const added = cf.records.filter((r) => r.name === '_acme-challenge.example.test');
    assert.deepEqual(added.map((r) => [r.content, r.ttl]).sort(), [['"apex-token"', 60], ['"wildcard-token"', 60]]);
    await p.cleanUp(rec(fqdn, 'apex-token'));
    assert.deepEqual(cf.txt(fqdn), ['wildcard-token']);
    const deletes = cf.calls.slice(before).filter((c) => c.action === 'DeleteDNSRecord');
    assert.deepEqual(deletes.map((c) => c.path.split('/').pop()), [added.find((r) => r.content === '"apex-token"')!.id]);
    await p.cleanUp(rec(fqdn, 'wildcard-token'));
    assert.deepEqual(cf.txt(fqdn), []);
    assert.ok(cf.calls.slice(before).every((c) => ['ListZones', 'ListDNSRecords', 'CreateDNSRecord', 'DeleteDNSRecord'].includes(c.action)));
  });

  it('finds the zone from the DNS zone upward (GET /zones?name=), prefers an active zone, and says which', async () => {
    assert.deepEqual(zoneAndParents('a.b.example.test.'), ['a.b.example.test', 'b.example.test', 'example.test']);
    assert.deepEqual(zoneAndParents('test.'), ['test']);
    const notes: string[] = [];
    const p = await withToken(cf.token, FAST, (m) => notes.push(m));
    const r = rec('_acme-challenge.x.sub.example.test.', 'nested', 'sub.example.test.');
    const zone = await p.zoneFor(r);
    assert.equal(zone.name, 'example.test');
    const asked = cf.calls.filter((c) => c.action === 'ListZones').slice(-2);
    assert.equal(asked.length, 2);
    await p.present(r);
    assert.deepEqual(cf.txt('_acme-challenge.x.sub.example.test.'), ['nested']);
    await p.cleanUp(r);
    await assert.rejects(p.present(rec('_acme-challenge.nope.invalid.', 'v', 'nope.invalid.')), line(/^cloudflare: ListZones: no zone named nope\.invalid is visible to these credentials; .*Zone → Zone → Read/));
    await p.zoneFor(rec('_acme-challenge.pending.test.', 'v', 'pending.test.'));
    assert.ok(notes.some((n) => /zone pending\.test \(\w+\) .*its status is pending/.test(n)), notes.join('\n'));
  });

  it('one run: credentials read once and each zone looked up once, across solvers and names', async () => {
    const shared = createCloudflareShared();
    let reads = 0;
    const base = tokenCtx(cf);
    const ctx: ProviderContext = { ...base, secretValue: (ref, k) => (reads++, base.secretValue(ref, k)) };
    const before = cf.calls.length;
    const providers = await Promise.all(Array.from({ length: 5 }, () => createCloudflareProvider(config(tokenBlock), ctx, FAST, shared)));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.s${i}.example.test.`, `v${i}`))));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.s${i}.other.test.`, `v${i}`, 'other.test.'))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.s${i}.example.test.`, `v${i}`))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.s${i}.other.test.`, `v${i}`, 'other.test.'))));
    assert.equal(reads, 1, 'the token Secret is read once');
    const calls = cf.calls.slice(before);
    assert.equal(calls.filter((c) => c.action === 'ListZones').length, 2, 'one zone lookup per zone');
    // Per name: present lists and creates, cleanUp lists and deletes.
    assert.equal(calls.length, 2 + 10 * 4);
  });

  it('pages through records (per_page, result_info.total_pages) to find ours among many', async () => {
    const small = await startFakeCloudflare({ zones: ['example.test'], maxPerPage: 5 });
    try {
      const p = await createCloudflareProvider(config(tokenBlock), tokenCtx(small), FAST);
      const fqdn = '_acme-challenge.many.example.test.';
      for (let i = 0; i < 12; i++) await small.seedTxt(fqdn, `other-${i}`);
      await p.present(rec(fqdn, 'ours'));
      await p.present(rec(fqdn, 'ours'));
      assert.equal(small.txt(fqdn).filter((v) => v === 'ours').length, 1, 'found on page 3, not created twice');
      const lists = small.calls.filter((c) => c.action === 'ListDNSRecords');
      assert.ok(lists.length >= 6, `paged: ${lists.length} list requests`);
      await p.cleanUp(rec(fqdn, 'ours'));
      assert.equal(small.txt(fqdn).length, 12, 'the 12 others untouched');
    } finally {
      await small.stop();
    }
  });

  it('treats "an identical record already exists" (81058) and "record does not exist" (81044) as success', async () => {
    // Two processes: separate providers, no shared state, racing on one value.
    const [a, b] = await Promise.all([withToken(), withToken()]);
    const r = rec('_acme-challenge.race.example.test.', 'same');
    const before = cf.calls.length;
    // Both list before either creates (each create waits for its own list), so both create.
    await Promise.all([a.present(r), b.present(r)]);
    assert.deepEqual(cf.txt(r.fqdn), ['same']);
    await Promise.all([a.cleanUp(r), b.cleanUp(r)]);
    assert.deepEqual(cf.txt(r.fqdn), []);
    const statuses = (action: string) => cf.calls.slice(before).filter((c) => c.action === action).map((c) => c.status).sort();
    assert.deepEqual(statuses('CreateDNSRecord'), [200, 400], 'the second create got 81058 and counted as success');
    assert.deepEqual(statuses('DeleteDNSRecord'), [200, 404], 'the second delete got 81044 and counted as success');
  });

  it('retries 429 (971) and 5xx with backoff, then reports the limit in one line', async () => {
    const p = await withToken();
    const r = rec('_acme-challenge.throttle.example.test.', 't');
    cf.failNext('CreateDNSRecord', 429, 971, 'Please wait and consider throttling your request speed', 2);
    await p.present(r);
    assert.deepEqual(cf.txt(r.fqdn), ['t']);
    cf.failNext('ListDNSRecords', 502, 1000, 'Bad gateway', 100);
    const limited = await withToken(cf.token, { tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(limited.cleanUp(r), line(/^cloudflare: ListDNSRecords TXT _acme-challenge\.throttle\.example\.test in zone example\.test: HTTP 502, error 1000: Bad gateway \(after 3 attempts\)$/));
    cf.failNext('ListDNSRecords', 502, 1000, 'Bad gateway', 0);
    await p.cleanUp(r);
  });

  it('waits when the Ratelimit header says the quota is used up, instead of collecting 429s', async () => {
    assert.equal(exhaustedForMs('"default";r=0;t=2'), 2000);
    assert.equal(exhaustedForMs('"default";r=5;t=30'), undefined);
    const tight = await startFakeCloudflare({ zones: ['example.test'], limit: { requests: 3, windowS: 1 } });
    try {
      const waits: string[] = [];
      const p = await createCloudflareProvider(config(tokenBlock), tokenCtx(tight, tight.token, (m) => waits.push(m)), FAST);
      const started = Date.now();
      await p.present(rec('_acme-challenge.rl.example.test.', 'a'));
      await p.present(rec('_acme-challenge.rl.example.test.', 'b'));
      assert.equal(tight.calls.filter((c) => c.status === 429).length, 0, 'no request ran into a 429');
      assert.ok(Date.now() - started >= 900, 'held until the window reset');
      assert.ok(waits.some((w) => /rate limited by Cloudflare: waiting 1 s/.test(w)), waits.join('\n'));
    } finally {
      await tight.stop();
    }
  });

  it('names the missing permission or the wrong credential, in one line without the credential', async () => {
    const r = rec('_acme-challenge.err.example.test.', 'x');
    const noEdit = cf.addToken({ dnsEdit: false });
    await assert.rejects((await withToken(noEdit.token)).present(r), line(/^cloudflare: ListDNSRecords TXT _acme-challenge\.err\.example\.test in zone example\.test: HTTP 403, error 10000: Authentication error \(the API token needs Zone → DNS → Edit on this zone\)$/, noEdit.token));
    const noRead = cf.addToken({ zoneRead: false });
    await assert.rejects((await withToken(noRead.token)).present(r), line(/^cloudflare: ListZones named example\.test: HTTP 403, error 9109: Unauthorized to access requested resource \(the API token needs Zone → Zone → Read/, noRead.token));
    const otherZone = cf.addToken({ zones: ['other.test'] });
    await assert.rejects((await withToken(otherZone.token)).present(r), line(/^cloudflare: ListZones: no zone named example\.test is visible to these credentials/, otherZone.token));
    const unknown = 'A'.repeat(40);
    await assert.rejects((await withToken(unknown)).present(r), line(/^cloudflare: ListZones named example\.test: HTTP 403, error 9109: Invalid access token \(the API token is not valid: mistyped, expired, or rolled\)$/, unknown));
    // The Global API Key where a token belongs.
    await assert.rejects((await withToken(cf.globalKey.key)).present(r), line(/HTTP 400, error 6003: Invalid request headers; <- 6111: Invalid format for Authorization header \(apiTokenSecretRef must hold an API token; the Global API Key goes in apiKeySecretRef, with email\)$/, cf.globalKey.key));
    // A token where the Global API Key belongs.
    const key = await createCloudflareProvider(config(keyBlock), keyCtx(cf, cf.token), FAST);
    await assert.rejects(key.present(r), line(/error 6003: Invalid request headers; <- 6103: Invalid format for X-Auth-Key header \(apiKeySecretRef must hold the Global API Key/, cf.token));
    const wrongKey = 'b'.repeat(37);
    const k2 = await createCloudflareProvider(config(keyBlock), keyCtx(cf, wrongKey), FAST);
    await assert.rejects(k2.present(r), line(/HTTP 403, error 9103: Unknown X-Auth-Key or X-Auth-Email \(the e-mail and the Global API Key do not belong to one Cloudflare user\)$/, wrongKey));
  });

  it('refuses an unusable CLOUDFLARE_BASE_URL and a token with a line break, before any request', async () => {
    const before = cf.calls.length;
    const ctx = contextWith({ 'cloudflare-api-token-secret/api-token': cf.token }, { CLOUDFLARE_BASE_URL: 'http://api.example.test/client/v4' });
    await assert.rejects(createCloudflareProvider(config(tokenBlock), ctx), line(/^cloudflare: CLOUDFLARE_BASE_URL: "http:\/\/api\.example\.test\/client\/v4" must be an https:\/\/ URL \(http:\/\/ only for a loopback address\)$/));
    await assert.rejects(createCloudflareProvider(config(tokenBlock), tokenCtx(cf, `${cf.token}\nsecond`)), line(/^cloudflare: spec\.acme\.solvers\[0\]\.dns01\.cloudflare\.apiTokenSecretRef: Secret cloudflare-api-token-secret key api-token: the API token contains a line break/, cf.token));
    assert.equal(cf.calls.length, before);
  });
});
