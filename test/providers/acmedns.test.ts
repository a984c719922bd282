/**
 * The acme-dns provider against the fake acme-dns (test/fakes/acmedns-server.ts), which serves
 * its values into its own zone in BIND, with a real CNAME from `_acme-challenge.<domain>` to the
 * account's name, as users set it up.
 *
 * The shared conformance suite does not apply: acme-dns cannot delete a value (cleanUp is a
 * no-op, as in cert-manager and lego) and keeps only the two newest values of a name. These tests
 * check what acme-dns does promise — apex and wildcard values both served, each update replacing
 * the oldest, nothing else touched — and that the value can be found through the CNAME, which
 * is where the CA and the propagation check look.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { acmedns as descriptor } from '../../src/providers/acmedns/descriptor.js';
import { accountFor, parseAccounts } from '../../src/providers/acmedns/accounts.js';
import { createAcmeDnsProvider, createAcmeDnsShared } from '../../src/providers/acmedns/provider.js';
import type { AcmeDnsConfig, AcmeDnsOptions } from '../../src/providers/acmedns/provider.js';
import { waitForPropagation } from '../../src/dns/propagation.js';
import { SpecError } from '../../src/spec/errors.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { startFakeAcmeDns } from '../fakes/acmedns-server.js';
import type { FakeAcmeDns, FakeAcmeDnsAccount } from '../fakes/acmedns-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { DEFAULT_ZONES, startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';

const skip = skipUnlessInstalled(['named', 'nsupdate'], 'bind9 bind9-dnsutils');
const FAST: AcmeDnsOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.acmeDNS';
const SECRET = 'acme-dns/acmedns.json';

const block = (host: string) => ({ acmeDNS: { host, accountSecretRef: { name: 'acme-dns', key: 'acmedns.json' } } });
const config = (host: string): AcmeDnsConfig => parseProviderConfig<AcmeDnsConfig>(block(host));
const json = (accounts: Record<string, FakeAcmeDnsAccount>): string => JSON.stringify(accounts);
const ctxWith = (accounts: string, debug?: (m: string) => void): ProviderContext => contextWith({ [SECRET]: accounts }, {}, debug);
/** An ACME challenge value: 43 base64url characters, as acme-dns requires. */
const token = (): string => randomBytes(32).toString('base64url');
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line =
  (re: RegExp, ...secrets: string[]) =>
  (e: Error) => {
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    for (const s of secrets) assert.ok(!e.message.includes(s), 'no credentials in the message');
    return true;
  };

describe('acmedns config and accounts (as cert-manager reads them)', () => {
  it('reads host and accountSecretRef; both required, the reference with a key; host must be an http(s) URL', () => {
    const c = config('https://auth.acme-dns.io/');
    assert.deepEqual([c.host, c.accountSecretRef.name, c.accountSecretRef.key, c.path], ['https://auth.acme-dns.io', 'acme-dns', 'acmedns.json', PATH]);
    assert.equal(config('http://acme-dns.acme-dns.svc:8080').host, 'http://acme-dns.acme-dns.svc:8080');
    const bad = (b: Record<string, unknown>, re: RegExp) =>
      assert.throws(
        () => parseProviderConfig(b),
        (e: Error) => e instanceof SpecError && re.test(e.message),
        JSON.stringify(b),
      );
    bad({ acmeDNS: { accountSecretRef: { name: 'a', key: 'b' } } }, /dns01\.acmeDNS\.host: required field is missing/);
    bad({ acmeDNS: { host: 'auth.acme-dns.io', accountSecretRef: { name: 'a', key: 'b' } } }, /dns01\.acmeDNS\.host: "auth\.acme-dns\.io" is not a URL \(e\.g\. https:\/\/auth\.acme-dns\.io\)/);
    bad({ acmeDNS: { host: 'ftp://x', accountSecretRef: { name: 'a', key: 'b' } } }, /host: must be an http:\/\/ or https:\/\/ URL/);
    bad({ acmeDNS: { host: 'https://x', accountSecretRef: { name: 'a' } } }, /dns01\.acmeDNS\.accountSecretRef\.key: required field is missing/);
    bad({ acmeDNS: { host: 'https://x' } }, /dns01\.acmeDNS\.accountSecretRef: required field is missing/);
    bad({ acmeDNS: { host: 'https://x', accountSecretRef: { name: 'a', key: 'b' }, hots: 1 } }, /dns01\.acmeDNS\.hots: unknown field "hots" \(did you mean "host"\?\)/);
  });

  it('parses the account JSON like Go does (field names in any case, extra fields ignored) and finds accounts both ways', () => {
    const a = parseAccounts(
      JSON.stringify({
        'example.com': { username: 'u1', password: 'p1', fulldomain: 'd1.auth.example.org', subdomain: 'd1', allowfrom: [] },
        'Other.com.': { Username: 'u2', Password: 'p2', FullDomain: 'D2.auth.example.org.', SubDomain: 'd2', server_url: 'https://x' },
      }),
    );
    assert.equal(accountFor(a, '_acme-challenge.example.com.').account?.username, 'u1');
    assert.equal(accountFor(a, '_acme-challenge.other.com.').account?.username, 'u2');
    assert.equal(accountFor(a, 'd2.auth.example.org.').account?.username, 'u2', 'by CNAME target (cnameStrategy Follow)');
    assert.equal(accountFor(a, '_acme-challenge.www.example.com.').account, undefined);
    assert.equal(accountFor(a, 'www.example.com.').account, undefined);
  });

  it('reports a bad Secret before anything is ordered, never quoting it', async () => {
    const check = async (v: string) => (await descriptor.checkSecrets!(config('https://x'), async () => v))[0]?.message;
    assert.equal(await check(JSON.stringify({ 'a.com': { username: 'u', password: 'p', subdomain: 's' } })), undefined);
    const broken = '{"a.com": {"username": "u", "password": "hunter2-very-secret" ';
    const m = await check(broken);
    assert.match(m!, /^the acme-dns account JSON is not valid JSON \(error at character \d+\); acme-dns accounts look like/);
    assert.ok(!m!.includes('hunter2'));
    assert.match((await check('[1]'))!, /must be a JSON object of acme-dns accounts by domain/);
    assert.match((await check('{}'))!, /holds no acme-dns account/);
    assert.match((await check('{"a.com": {"username": "u", "subdomain": "s"}}'))!, /^the acme-dns account JSON the account for "a\.com" has no password$/);
  });
});

describe('acmedns provider', { skip }, () => {
  let bind: BindServer;
  let adns: FakeAcmeDns;
  let account: FakeAcmeDnsAccount;
  let accounts: string;
  before(async () => {
    bind = await startBind({ zones: [...DEFAULT_ZONES, { name: 'auth.acme-dns.test' }] });
    adns = await startFakeAcmeDns({ zone: 'auth.acme-dns.test', publisher: bindPublisher(bind) });
    account = await adns.register();
    accounts = json({ 'example.test': account });
    // The CNAME users create when they register, in their own zone.
    await bind.nsupdate([`update add _acme-challenge.example.test. 60 CNAME ${account.fulldomain}.`]);
  });
  after(async () => {
    await adns?.stop();
    await bind?.stop();
  });
  const provider = (secret = accounts, debug?: (m: string) => void, o: AcmeDnsOptions = FAST) => createAcmeDnsProvider(config(adns.url), ctxWith(secret, debug), o);

  it('apex + wildcard: both values served at the account name, and found through the CNAME as the CA and the check look', async () => {
    const notes: string[] = [];
    const p = await providerFromManifest(block(adns.url), ctxWith(accounts, (m) => notes.push(m)));
    const [apex, wildcard] = [token(), token()];
    await p.present(rec('_acme-challenge.example.test.', apex));
    await p.present(rec('_acme-challenge.example.test.', wildcard));
    assert.deepEqual((await bind.txt(`${account.fulldomain}.`)).sort(), [apex, wildcard].sort());
    assert.deepEqual(await bind.txt('_acme-challenge.example.test.'), [], 'no TXT at the CNAME itself');
    assert.ok(notes.some((n) => n.includes(`TXT for _acme-challenge.example.test. goes to ${account.fulldomain}.`)), notes.join('\n'));
    // What the solver's check sees when it follows the CNAME (cert-manager's check always does).
    for (const value of [apex, wildcard]) {
      const r = await waitForPropagation({ fqdn: '_acme-challenge.example.test.', value, resolver: bind.resolver(), timeoutMs: 3000, intervalMs: 100, mapNameserver: (n) => bind.mapNameserver(n) });
      assert.equal(r.fqdn, `${account.fulldomain}.`);
    }
    const updates = adns.calls.filter((c) => c.path === '/update');
    assert.deepEqual(updates.slice(-2).map((c) => [c.status, c.user, c.subdomain]), [[200, account.username, account.subdomain], [200, account.username, account.subdomain]]);
  });

  it('with cnameStrategy Follow the record name is the CNAME target: the account is found by its fulldomain', async () => {
    const p = await provider();
    const v = token();
    await p.present(rec(`${account.fulldomain}.`, v, 'auth.acme-dns.test.'));
    assert.ok((await bind.txt(`${account.fulldomain}.`)).includes(v));
    assert.equal(p.accountFor(rec(`${account.fulldomain}.`, v)).subdomain, account.subdomain);
  });

  it('keeps the two newest values: a third update replaces the oldest (acme-dns rotation)', async () => {
    const p = await provider();
    const [a, b, c] = [token(), token(), token()];
    await p.present(rec('_acme-challenge.example.test.', a));
    await p.present(rec('_acme-challenge.example.test.', b));
    // acme-dns keeps update times in whole seconds: let the next one be newer than both.
    await new Promise((r) => setTimeout(r, 1100));
    await p.present(rec('_acme-challenge.example.test.', c));
    assert.equal(adns.txt(account.subdomain).length, 2);
    assert.ok(adns.txt(account.subdomain).includes(c));
    assert.deepEqual((await bind.txt(`${account.fulldomain}.`)).sort(), adns.txt(account.subdomain).sort());
  });

  it('cleanUp is a no-op: no request, no error, the value stays (acme-dns has no delete)', async () => {
    const notes: string[] = [];
    const p = await provider(accounts, (m) => notes.push(m));
    const v = token();
    await p.present(rec('_acme-challenge.example.test.', v));
    const before = adns.calls.length;
    await p.cleanUp(rec('_acme-challenge.example.test.', v));
    await p.cleanUp(rec('_acme-challenge.unknown.test.', v, 'unknown.test.'));
    assert.equal(adns.calls.length, before);
    assert.ok((await bind.txt(`${account.fulldomain}.`)).includes(v));
    assert.ok(notes.some((n) => /acme-dns cannot delete a TXT value; .* keeps it until two newer values replace it/.test(n)));
  });

  it('one run reads and parses the account Secret once for every solver', async () => {
    const shared = createAcmeDnsShared();
    let reads = 0;
    const base = ctxWith(accounts);
    const ctx: ProviderContext = { ...base, secretValue: (r, k) => (reads++, base.secretValue(r, k)) };
    const ps = await Promise.all(Array.from({ length: 4 }, () => createAcmeDnsProvider(config(adns.url), ctx, FAST, shared)));
    for (const p of ps) await p.present(rec('_acme-challenge.example.test.', token()));
    assert.equal(reads, 1);
  });

  it('says which account is missing, and how to add it', async () => {
    const second = await adns.register();
    const p = await provider(json({ 'example.test': account, '*.other.test': second }));
    await assert.rejects(
      p.present(rec('_acme-challenge.other.test.', token(), 'other.test.')),
      line(
        new RegExp(
          `^acmedns: no acme-dns account for other\\.test in Secret default/acme-dns key acmedns\\.json \\(it has accounts for example\\.test, \\*\\.other\\.test\\); rename the key "\\*\\.other\\.test" to "other\\.test": accounts are looked up by the domain without "\\*\\."; register one with POST ${adns.url.replace(/[.]/g, '\\.')}/register, store it under "other\\.test", and point _acme-challenge\\.other\\.test at its fulldomain with a CNAME$`,
        ),
        second.password,
      ),
    );
  });

  it('explains 401 forbidden (credentials, allowfrom) in one line without the username or password', async () => {
    const wrong = { ...account, password: 'x'.repeat(40) };
    await assert.rejects(
      (await provider(json({ 'example.test': wrong }))).present(rec('_acme-challenge.example.test.', token())),
      line(new RegExp(`^acmedns: update ${account.fulldomain}\\. \\(account of example\\.test\\) at http://127\\.0\\.0\\.1:\\d+/update: HTTP 401 forbidden \\(the username and password are not this acme-dns server's account for subdomain ${account.subdomain}\\)$`), wrong.password, account.username),
    );
    const fenced = await adns.register(['10.0.0.0/8']);
    await assert.rejects(
      (await provider(json({ 'example.test': fenced }))).present(rec('_acme-challenge.example.test.', token())),
      line(/HTTP 401 forbidden \(.*, or this machine's address is outside the account's allowfrom \(10\.0\.0\.0\/8\)\)$/, fenced.password, fenced.username),
    );
  });

  it('retries 5xx, and names a wrong host', async () => {
    const p = await provider();
    adns.failNext(500, 'db_error', 2);
    const v = token();
    await p.present(rec('_acme-challenge.example.test.', v));
    assert.ok(adns.txt(account.subdomain).includes(v));
    const wrongPath = await createAcmeDnsProvider(config(`${adns.url}/api`), ctxWith(accounts), FAST);
    await assert.rejects(wrongPath.present(rec('_acme-challenge.example.test.', token())), line(/\/api\/update: HTTP 404 not_found \(is host the acme-dns API base URL \(the one \/register was called on\)\?\)$/));
  });
});
