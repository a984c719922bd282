/**
 * The Akamai provider against the fake Edge DNS API (test/fakes/akamai-server.ts, HTTPS on
 * loopback, trusted through NODE_EXTRA_CA_CERTS), which recomputes every EdgeGrid signature with
 * its own implementation. Both the signer and the fake's verifier are first checked against
 * Akamai's published EdgeGrid test vectors. The conformance run reads what BIND serves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAkamaiProvider, createAkamaiShared } from '../../src/providers/akamai/provider.js';
import type { AkamaiConfig, AkamaiOptions } from '../../src/providers/akamai/provider.js';
import { edgeGridAuthorization, edgeGridTimestamp } from '../../src/providers/akamai/edgegrid.js';
import { SpecError } from '../../src/spec/errors.js';
import { contextWith, parseProviderConfig, providerFromManifest } from './parse-config.js';
import { startFakeAkamai, verifyEdgeGrid } from '../fakes/akamai-server.js';
import type { FakeAkamai, FakeAkamaiClient } from '../fakes/akamai-server.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runProviderConformance } from './conformance.js';

const skipBind = skipUnlessInstalled(['named', 'openssl'], 'bind9 openssl');
const FAST: AkamaiOptions = { tuning: { retryBaseMs: 5, retryMaxDelayMs: 20 } };
const PATH = 'spec.acme.solvers[0].dns01.akamai';

const refs = { clientTokenSecretRef: { name: 'akamai', key: 'client-token' }, clientSecretSecretRef: { name: 'akamai', key: 'client-secret' }, accessTokenSecretRef: { name: 'akamai', key: 'access-token' } };
const block = (host: string, c: Record<string, unknown> = {}) => ({ akamai: { serviceConsumerDomain: host, ...refs, ...c } });
const config = (host: string, c: Record<string, unknown> = {}): AkamaiConfig => parseProviderConfig<AkamaiConfig>(block(host, c));
const secrets = (c: FakeAkamaiClient) => ({ 'akamai/client-token': c.clientToken, 'akamai/client-secret': `${c.clientSecret}\n`, 'akamai/access-token': c.accessToken });
const rec = (fqdn: string, value: string, zone = 'example.test.') => ({ fqdn, zone, value, ttl: 60 });
const line = (re: RegExp, ...hidden: string[]) => (e: Error) => {
  assert.match(e.message, re);
  assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
  for (const s of hidden) assert.ok(!e.message.includes(s), 'no credentials in the message');
  return true;
};

/** Akamai's EdgeGrid test vectors (the edgegrid libraries' shared testdata: fixed credentials, timestamp and nonce). */
const VECTOR = {
  creds: { clientToken: 'akab-client-token-xxx-xxxxxxxxxxxxxxxx', accessToken: 'akab-access-token-xxx-xxxxxxxxxxxxxxxx', clientSecret: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=' },
  host: 'akaa-baseurl-xxxxxxxxxxx-xxxxxxxxxxxxx.luna.akamaiapis.net',
  timestamp: '20140321T19:34:21+0000',
  nonce: 'nonce-xx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
  cases: [
    { name: 'simple GET', method: 'GET', target: '/', signature: 'tL+y4hxyHxgWVD30X3pWnGKHcPzmrIF+LThiAOhMxYU=' },
    { name: 'GET with query string', method: 'GET', target: '/testapi/v1/t1?p1=1&p2=2', signature: 'hKDH1UlnQySSHjvIcZpDMbQHihTQ0XyVAKZaApabdeA=' },
    { name: 'POST with body', method: 'POST', target: '/testapi/v1/t3', body: 'datadatadatadatadatadatadatadata', signature: 'hXm4iCxtpN22m4cbZb4lVLW5rhX8Ca82vCFqXzSTPe4=' },
    { name: 'POST with empty body', method: 'POST', target: '/testapi/v1/t6', body: '', signature: '1gEDxeQGD5GovIkJJGcBaKnZ+VaPtrc4qBUHixjsPCQ=' },
    { name: 'PUT (body not hashed)', method: 'PUT', target: '/testapi/v1/t6', body: 'PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP', signature: 'GNBWEYSEWOLtu+7dD52da2C39aX/Jchpon3K/AmBqBU=' },
  ],
};

describe('akamai EdgeGrid signing', () => {
  it("matches Akamai's test vectors, and so does the fake's independent verifier", () => {
    for (const c of VECTOR.cases) {
      const header = edgeGridAuthorization(VECTOR.creds, { method: c.method, url: new URL(`https://${VECTOR.host}${c.target}`), body: c.body }, { timestamp: VECTOR.timestamp, nonce: VECTOR.nonce, maxBody: 2048 });
      assert.equal(
        header,
        `EG1-HMAC-SHA256 client_token=${VECTOR.creds.clientToken};access_token=${VECTOR.creds.accessToken};timestamp=${VECTOR.timestamp};nonce=${VECTOR.nonce};signature=${c.signature}`,
        c.name,
      );
      const v = verifyEdgeGrid(header, { method: c.method, host: VECTOR.host, target: c.target, body: Buffer.from(c.body ?? '') }, (t) => (t === VECTOR.creds.clientToken ? VECTOR.creds.clientSecret : undefined), 2048);
      assert.ok(v.ok, `fake verifier: ${c.name}`);
      const tampered = verifyEdgeGrid(header, { method: c.method, host: VECTOR.host, target: `${c.target}x`, body: Buffer.from(c.body ?? '') }, () => VECTOR.creds.clientSecret, 2048);
      assert.deepEqual([tampered.ok, tampered.reason], [false, 'The signature does not match']);
    }
  });

  it('formats the timestamp in UTC', () => {
    assert.equal(edgeGridTimestamp(new Date(Date.UTC(2014, 2, 21, 19, 34, 21))), '20140321T19:34:21+0000');
    assert.equal(edgeGridTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '20260102T03:04:05+0000');
  });
});

describe('akamai config', () => {
  const bad = (c: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseProviderConfig({ akamai: c }), (e: Error) => {
      assert.ok(e instanceof SpecError, e.message);
      assert.match(e.message, message);
      return true;
    });

  it("reads the fields with the webhook's rules and positions", () => {
    const c = config('https://akab-abc-def.luna.akamaiapis.net/');
    assert.equal(c.serviceConsumerDomain, 'akab-abc-def.luna.akamaiapis.net');
    assert.equal(c.path, PATH);
    bad({ ...refs }, /issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.akamai\.serviceConsumerDomain: required field is missing/);
    bad({ serviceConsumerDomain: 'h.example', clientTokenSecretRef: refs.clientTokenSecretRef, clientSecretSecretRef: refs.clientSecretSecretRef }, /akamai\.accessTokenSecretRef: required field is missing/);
    bad({ ...refs, serviceConsumerDomain: 'h.example', clientSecretSecretRef: { name: 'akamai' } }, /akamai\.clientSecretSecretRef\.key: required field is missing/);
    bad({ ...refs, serviceConsumerDomain: 'akab host/with spaces' }, /akamai\.serviceConsumerDomain: "akab host\/with spaces" is not a host name \(use the host of the API client/);
    bad({ ...refs, serviceConsumerDomain: '' }, /akamai\.serviceConsumerDomain: must not be empty/);
    bad({ ...refs, serviceConsumerDomain: 'h.example', clientToken: 'x' }, /akamai\.clientToken: unknown field "clientToken"/);
  });
});

let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

runProviderConformance(
  'akamai (EdgeGrid-signed Edge DNS over HTTPS)',
  async () => {
    const bind = await getBind();
    const ak = await startFakeAkamai({ zones: ['example.test'], publisher: bindPublisher(bind) });
    const resolver = bind.resolver();
    return {
      provider: await createAkamaiProvider(config(ak.host), contextWith(secrets(ak.client), { NODE_EXTRA_CA_CERTS: ak.caFile }), FAST),
      zone: 'example.test.',
      readTxt: (fqdn: string) => bind.txt(fqdn),
      seedTxt: (fqdn: string, value: string) => ak.seedTxt(fqdn, value),
      readTtl: async (fqdn: string) => (await resolver.query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
      settleTimeoutMs: 0,
      teardown: () => ak.stop(),
    };
  },
  { skip: skipBind },
);

describe('akamai provider', { skip: skipUnlessInstalled(['openssl'], 'openssl') }, () => {
  let ak: FakeAkamai;
  before(async () => {
    ak = await startFakeAkamai({ zones: ['example.test', 'sub.example.test'] });
  });
  after(() => ak?.stop());
  const env = () => ({ NODE_EXTRA_CA_CERTS: ak.caFile });
  const provider = (o: AkamaiOptions = FAST, client: FakeAkamaiClient = ak.client) => createAkamaiProvider(config(ak.host), contextWith(secrets(client), env()), o);

  it('apex + wildcard: one record set, values quoted, others kept, created with our TTL, deleted with the last value', async () => {
    const p = await provider();
    const fqdn = '_acme-challenge.both.example.test.';
    await ak.seedTxt(fqdn, 'v=spf1 -all');
    await Promise.all([p.present(rec(fqdn, 'apex')), p.present(rec(fqdn, 'wildcard'))]);
    assert.deepEqual(ak.recordSet(fqdn), { name: '_acme-challenge.both.example.test', type: 'TXT', ttl: 300, rdata: ['"v=spf1 -all"', '"apex"', '"wildcard"'] });
    await p.cleanUp(rec(fqdn, 'apex'));
    await p.cleanUp(rec(fqdn, 'wildcard'));
    assert.deepEqual(ak.txt(fqdn), ['v=spf1 -all']);
    ak.calls.length = 0;
    await p.present({ ...rec('_acme-challenge.new.example.test.', 'n'), ttl: 120 });
    assert.equal(ak.recordSet('_acme-challenge.new.example.test.')?.ttl, 120);
    await p.cleanUp(rec('_acme-challenge.new.example.test.', 'n'));
    assert.deepEqual(ak.calls.map((c) => [c.action, c.status]), [
      ['GetRecordSet', 404],
      ['CreateRecordSet', 201],
      ['GetRecordSet', 200],
      ['GetRecordSet', 200],
      ['DeleteRecordSet', 204],
    ]);
    assert.equal(ak.recordSet('_acme-challenge.new.example.test.'), undefined);
  });

  it('concurrent writers: a create that meets 409 reads again; a lost update is seen on read-back and repaired', async () => {
    const p = await provider();
    const fresh = '_acme-challenge.race1.example.test.';
    let raced = false;
    ak.beforeWrite = async () => {
      if (raced) return;
      raced = true;
      await ak.seedTxt(fresh, 'first');
    };
    ak.calls.length = 0;
    try {
      await p.present(rec(fresh, 'second'));
    } finally {
      ak.beforeWrite = undefined;
    }
    assert.deepEqual(ak.txt(fresh).sort(), ['first', 'second']);
    assert.deepEqual(ak.calls.filter((c) => c.action !== 'GetZone').map((c) => [c.action, c.status]), [['GetRecordSet', 404], ['CreateRecordSet', 409], ['GetRecordSet', 200], ['UpdateRecordSet', 200], ['GetRecordSet', 200]]);
    // Another writer's replace, from a read older than ours, lands right after our write.
    const shared = '_acme-challenge.race2.example.test.';
    await ak.seedTxt(shared, 'theirs');
    let overwritten = false;
    ak.afterWrite = async () => {
      if (overwritten) return;
      overwritten = true;
      await ak.replaceTxt(shared, ['theirs', 'their-new-value']);
    };
    ak.calls.length = 0;
    try {
      await p.present(rec(shared, 'ours'));
    } finally {
      ak.afterWrite = undefined;
    }
    assert.deepEqual(ak.txt(shared).sort(), ['ours', 'their-new-value', 'theirs']);
    assert.deepEqual(ak.calls.map((c) => c.action), ['GetRecordSet', 'UpdateRecordSet', 'GetRecordSet', 'GetRecordSet', 'UpdateRecordSet', 'GetRecordSet']);
    await p.cleanUp(rec(shared, 'ours'));
    assert.deepEqual(ak.txt(shared).sort(), ['their-new-value', 'theirs']);
    // Two processes at once, many rounds: both values always end up there.
    const [p1, p2] = await Promise.all([provider({ ...FAST, serializeInProcess: false }), provider({ ...FAST, serializeInProcess: false })]);
    for (let i = 0; i < 3; i++) {
      await Promise.all([p1.present(rec(shared, `one-${i}`)), p2.present(rec(shared, `two-${i}`))]);
      assert.deepEqual(ak.txt(shared).sort(), [`one-${i}`, 'their-new-value', 'theirs', `two-${i}`]);
      await p1.cleanUp(rec(shared, `one-${i}`));
      await p2.cleanUp(rec(shared, `two-${i}`));
    }
    assert.deepEqual(ak.txt(shared).sort(), ['their-new-value', 'theirs']);
  });

  it('finds the Edge DNS zone from the DNS zone, falling back to parents, once per zone per run', async () => {
    const shared = createAkamaiShared();
    ak.calls.length = 0;
    const ctx = contextWith(secrets(ak.client), env());
    const providers = await Promise.all(Array.from({ length: 5 }, () => createAkamaiProvider(config(ak.host), ctx, FAST, shared)));
    await Promise.all(providers.map((p, i) => p.present(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    await Promise.all(providers.map((p, i) => p.cleanUp(rec(`_acme-challenge.count${i}.example.test.`, 'v'))));
    assert.equal(ak.calls.filter((c) => c.action === 'GetZone').length, 1, 'one zone lookup for five solvers');
    assert.ok(ak.calls.every((c) => c.clientToken === ak.client.clientToken));
    const p = providers[0];
    assert.equal(await p.zoneFor(rec('_acme-challenge.a.sub.example.test.', 'x', 'sub.example.test.')), 'sub.example.test');
    assert.equal(await p.zoneFor(rec('_acme-challenge.b.other.example.test.', 'x', 'elsewhere.test.')), 'example.test');
    await assert.rejects(p.present(rec('_acme-challenge.nope.invalid.', 'x', 'nope.invalid.')), {
      message: `akamai: GetZone: none of nope.invalid, _acme-challenge.nope.invalid is an Edge DNS zone this API client can see (serviceConsumerDomain ${ak.host}); add the zone in Edge DNS, or give the API client access to its contract and group`,
    });
  });

  it('says what to fix: wrong secret, read-only client, clock skew — one line, no credentials', async () => {
    const wrong = { ...ak.client, clientSecret: 'bm90IHRoZSBzZWNyZXQgb2YgdGhpcyBjbGllbnQ=' };
    const bad = await provider(FAST, wrong);
    await assert.rejects(
      bad.present(rec('_acme-challenge.err.example.test.', 'x')),
      line(/^akamai: GetZone zone example\.test: HTTP 401: Not authorized: The signature does not match \(the EdgeGrid credentials were refused: clientTokenSecretRef, clientSecretSecretRef, accessTokenSecretRef and serviceConsumerDomain must all come from the same API client\)$/, wrong.clientSecret, wrong.accessToken, wrong.clientToken),
    );
    const ro = ak.addClient({ readOnly: true });
    const readOnly = await provider(FAST, ro);
    await assert.rejects(
      readOnly.present(rec('_acme-challenge.err.example.test.', 'x')),
      line(/^akamai: CreateRecordSet TXT _acme-challenge\.err\.example\.test in zone example\.test: HTTP 403: Forbidden: The client does not have the grant needed for the request \(the API client needs READ-WRITE access to the "DNS—Zone Record Management" API/, ro.clientSecret),
    );
    ak.maxSkewMs = -1;
    try {
      const skewed = await provider();
      await assert.rejects(skewed.present(rec('_acme-challenge.err2.example.test.', 'x', 'sub.example.test.')), line(/HTTP 401: Not authorized: Invalid timestamp \(check this machine's clock: EdgeGrid signatures carry the time\)$/));
    } finally {
      ak.maxSkewMs = 120_000;
    }
  });

  it('retries 429 after Retry-After and 5xx, then gives up with a clear line', async () => {
    const p = await provider();
    ak.failNext('UpdateRecordSet', { status: 429, title: 'Too Many Requests', detail: 'Rate limit exceeded', retryAfter: '0', times: 1 });
    ak.failNext('CreateRecordSet', { status: 429, title: 'Too Many Requests', detail: 'Rate limit exceeded', retryAfter: '0', times: 2 });
    ak.calls.length = 0;
    await p.present(rec('_acme-challenge.throttle.example.test.', 't'));
    assert.deepEqual(ak.calls.filter((c) => c.action === 'CreateRecordSet').map((c) => c.status), [429, 429, 201]);
    ak.failNext('GetRecordSet', { status: 503, title: 'Service Unavailable', detail: 'Edge DNS is unavailable', times: 100 });
    const few = await provider({ tuning: { ...FAST.tuning, maxAttempts: 3 } });
    await assert.rejects(few.cleanUp(rec('_acme-challenge.throttle.example.test.', 't')), {
      message: 'akamai: GetRecordSet TXT _acme-challenge.throttle.example.test in zone example.test: HTTP 503: Service Unavailable: Edge DNS is unavailable (after 3 attempts)',
    });
    ak.failNext('GetRecordSet', { status: 503, title: 'x', times: 0 });
    await p.cleanUp(rec('_acme-challenge.throttle.example.test.', 't'));
    assert.deepEqual(ak.txt('_acme-challenge.throttle.example.test.'), []);
  });

  it('builds from the manifest through the catalog', async () => {
    const p = await providerFromManifest(block(ak.host), contextWith(secrets(ak.client), env()));
    assert.equal(p.name, 'akamai');
    await p.present(rec('_acme-challenge.manifest.example.test.', 'm'));
    assert.deepEqual(ak.txt('_acme-challenge.manifest.example.test.'), ['m']);
    await p.cleanUp(rec('_acme-challenge.manifest.example.test.', 'm'));
  });
});
