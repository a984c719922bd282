import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AriError, fetchRenewalInfo } from '../../src/issuers/acme/ari-client.js';
import { AcmeServerClient } from '../../src/issuers/acme/transport/server-client.js';
import { ariDecision } from '../../src/renewal/ari.js';
import { startAriServer } from '../fakes/ari-server.js';
import type { FakeAriServer } from '../fakes/ari-server.js';

const H = 3600 * 1000;
const D = 24 * H;
const now = new Date();
const rel = (ms: number): Date => new Date(now.getTime() + ms);

let ari: FakeAriServer;
before(async () => {
  ari = await startAriServer();
});
after(() => ari.stop());

/** The account-less client ARI uses in production: no key, no JWS. */
const client = (server = ari, trust = true): AcmeServerClient =>
  new AcmeServerClient({ directoryUrl: server.directoryUrl, ...(trust ? { caBundle: server.caPem } : {}), timeoutMs: 5000 });

async function rejectsAri(p: Promise<unknown>, re: RegExp): Promise<AriError> {
  const err = await p.then(
    () => assert.fail('expected an AriError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AriError, `expected AriError, got ${String(err)}`);
  assert.match(err.message, re);
  return err;
}

test('a future window, explanation URL and Retry-After (delta-seconds)', async () => {
  const id = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';
  ari.set(id, { window: { start: rel(30 * D), end: rel(32 * D) }, explanationURL: 'https://ca.example/why', retryAfter: '21600' });
  const before = ari.requests.length;
  const info = await fetchRenewalInfo(client(), id, now);
  assert.ok(info);
  assert.equal(info.window.start.getTime(), Math.floor(rel(30 * D).getTime()));
  assert.equal(info.window.end.getTime(), rel(32 * D).getTime());
  assert.equal(info.explanationURL, 'https://ca.example/why');
  assert.equal(info.retryAfter?.getTime(), now.getTime() + 6 * H);
  // Unauthenticated GETs only: the directory and the renewalInfo resource, no nonce or JWS.
  assert.deepEqual(ari.requests.slice(before).map((r) => `${r.method} ${r.path}`), ['GET /dir', `GET /renewal-info/${id}`]);
  assert.equal(ariDecision({ window: info.window, now, nextRunAt: rel(12 * H), random: () => 0.5 }).renew, false);
});

test('a window in the past (the CA wants it replaced now) with an HTTP-date Retry-After', async () => {
  ari.set('past.AQ', { window: { start: rel(-2 * D), end: rel(-1 * D) }, retryAfter: new Date(now.getTime() + 2 * H).toUTCString() });
  const info = await fetchRenewalInfo(client(), 'past.AQ', now);
  assert.ok(info && info.window.end < now);
  assert.equal(info.explanationURL, undefined);
  assert.equal(Math.floor(info.retryAfter!.getTime() / 1000), Math.floor((now.getTime() + 2 * H) / 1000));
  assert.equal(ariDecision({ window: info.window, now, nextRunAt: rel(12 * H), random: Math.random }).renew, true);
});

test('no Retry-After header: retryAfter is absent (the caller uses its default)', async () => {
  ari.set('noretry.AQ', { window: { start: rel(D), end: rel(2 * D) } });
  const info = await fetchRenewalInfo(client(), 'noretry.AQ', now);
  assert.equal(info?.retryAfter, undefined);
});

test('an absurd Retry-After is capped at a day; a garbage one is ignored', async () => {
  ari.set('huge.AQ', { window: { start: rel(D), end: rel(2 * D) }, retryAfter: '99999999' });
  assert.equal((await fetchRenewalInfo(client(), 'huge.AQ', now))?.retryAfter?.getTime(), now.getTime() + D);
  ari.set('junk.AQ', { window: { start: rel(D), end: rel(2 * D) }, retryAfter: 'soon' });
  assert.equal((await fetchRenewalInfo(client(), 'junk.AQ', now))?.retryAfter, undefined);
});

test('a directory without renewalInfo means no ARI: undefined, and no renewalInfo request', async () => {
  const plain = await startAriServer();
  try {
    plain.advertise(false);
    assert.equal(await fetchRenewalInfo(client(plain), 'x.AQ', now), undefined);
    assert.deepEqual(plain.requests.map((r) => r.path), ['/dir']);
  } finally {
    await plain.stop();
  }
});

test('404 for a certificate the CA does not know is an AriError with the status', async () => {
  const err = await rejectsAri(fetchRenewalInfo(client(), 'unknown.AQ', now), /HTTP 404 \(the CA does not know this certificate\): Certificate not found/);
  assert.equal(err.status, 404);
});

test('a 503 with Retry-After is an AriError carrying the Retry-After', async () => {
  ari.set('busy.AQ', { status: 503, body: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'try later' }, retryAfter: '120' });
  const err = await rejectsAri(fetchRenewalInfo(client(), 'busy.AQ', now), /HTTP 503.*try later/);
  assert.equal(err.status, 503);
  assert.equal(err.retryAfter?.getTime(), now.getTime() + 120_000);
});

test('malformed responses are AriErrors naming what is wrong', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['notjson', 'this is not json', /not a JSON object/],
    ['array', [1, 2], /not a JSON object/],
    ['nowindow', { explanationURL: 'https://x' }, /no suggestedWindow/],
    ['badstart', { suggestedWindow: { start: 'yesterday', end: rel(D).toISOString() } }, /start is not an RFC 3339 time/],
    ['noend', { suggestedWindow: { start: rel(D).toISOString() } }, /end is not an RFC 3339 time/],
    ['numbers', { suggestedWindow: { start: 1, end: 2 } }, /start is not an RFC 3339 time/],
    ['nozone', { suggestedWindow: { start: '2026-01-01T00:00:00', end: '2026-01-02T00:00:00' } }, /RFC 3339/],
    ['reversed', { suggestedWindow: { start: rel(2 * D).toISOString(), end: rel(D).toISOString() } }, /ends .* before it starts/],
    ['empty', { suggestedWindow: { start: rel(D).toISOString(), end: rel(D).toISOString() } }, /before it starts/],
  ];
  for (const [name, body, re] of cases) {
    ari.set(`${name}.AQ`, { body });
    await rejectsAri(fetchRenewalInfo(client(), `${name}.AQ`, now), re);
  }
});

test('offsets in RFC 3339 times are honoured; a non-http explanationURL is dropped', async () => {
  ari.set('offset.AQ', { body: { suggestedWindow: { start: '2030-01-01T02:00:00+02:00', end: '2030-01-02T00:00:00.5Z' }, explanationURL: 'javascript:alert(1)' } });
  const info = await fetchRenewalInfo(client(), 'offset.AQ', now);
  assert.equal(info?.window.start.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.equal(info?.window.end.toISOString(), '2030-01-02T00:00:00.500Z');
  assert.equal(info?.explanationURL, undefined);
});

test('a malformed certID is refused before any request', async () => {
  const before = ari.requests.length;
  await rejectsAri(fetchRenewalInfo(client(), '../dir', now), /invalid ARI certificate identifier/);
  await rejectsAri(fetchRenewalInfo(client(), 'a.b/c', now), /invalid ARI certificate identifier/);
  assert.equal(ari.requests.length, before);
});

test('the same TLS trust as the ACME server: without its caBundle the request fails as an AriError', async () => {
  const other = await startAriServer();
  try {
    await rejectsAri(fetchRenewalInfo(client(other, false), 'x.AQ', now), /not trusted|certificate/i);
  } finally {
    await other.stop();
  }
});
