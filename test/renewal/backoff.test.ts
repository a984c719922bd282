import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, BackoffReason, failureBackoff } from '../../src/renewal/backoff.js';
import type { CertificateStatus } from '../../src/stores/records.js';

const H = 3600 * 1000;
const t0 = new Date('2026-03-01T12:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const failed = (attempts: number | undefined, extra: Partial<CertificateStatus> = {}): CertificateStatus => ({
  version: 1,
  lastFailureTime: t0.toISOString(),
  ...(attempts !== undefined ? { failedIssuanceAttempts: attempts } : {}),
  lastFailureReason: 'Failed',
  ...extra,
});

test('no status, or a status without failures, does not back off', () => {
  assert.equal(failureBackoff(undefined, t0), undefined);
  assert.equal(failureBackoff({ version: 1 }, t0), undefined);
});

test('each step of the schedule: 1h, 2h, 4h, 8h, 16h, 32h, then capped at 32h', () => {
  const expected = [1, 2, 4, 8, 16, 32, 32, 32];
  expected.forEach((hours, i) => {
    const n = i + 1;
    assert.equal(backoffDelayMs(n), hours * H, `attempt ${n}`);
    const b = failureBackoff(failed(n), at(1000));
    assert.ok(b, `attempt ${n} backs off`);
    assert.equal(b.until.toISOString(), at(hours * H).toISOString(), `attempt ${n}`);
    assert.equal(b.reason, BackoffReason.Backoff);
    assert.match(b.message, new RegExp(`${n} failed issuance attempts?`));
    // One millisecond before the end it still waits; at the end it is free.
    assert.ok(failureBackoff(failed(n), at(hours * H - 1)));
    assert.equal(failureBackoff(failed(n), at(hours * H)), undefined);
  });
});

test('10 consecutive failures wait the 32h cap, counted from the last failure', () => {
  const b = failureBackoff(failed(10), at(5 * H));
  assert.equal(b?.until.toISOString(), at(32 * H).toISOString());
  assert.match(b!.message, /10 failed issuance attempts \(Failed\).*waiting 32 h/);
  assert.equal(failureBackoff(failed(10), at(32 * H)), undefined);
});

test('huge attempt counts do not overflow past the cap', () => {
  assert.equal(backoffDelayMs(2000), 32 * H);
  assert.equal(backoffDelayMs(Number.MAX_SAFE_INTEGER), 32 * H);
});

test('a missing or non-positive attempt count waits the initial delay, like cert-manager', () => {
  for (const n of [undefined, 0, -3]) {
    assert.equal(backoffDelayMs(n), H);
    assert.equal(failureBackoff(failed(n), at(0))?.until.toISOString(), at(H).toISOString());
  }
});

test('custom initial and max delays', () => {
  const opts = { initialMs: 60_000, maxMs: 10 * 60_000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, opts) / 60_000), [1, 2, 4, 8, 10, 10]);
  assert.equal(failureBackoff(failed(3), t0, opts)?.until.toISOString(), at(4 * 60_000).toISOString());
  // A max below the initial never shortens the initial delay.
  assert.equal(backoffDelayMs(5, { initialMs: H, maxMs: 1 }), H);
});

test('a notBefore (Retry-After) in the future holds the certificate back until then', () => {
  const b = failureBackoff({ version: 1, notBefore: at(3 * H).toISOString() }, t0);
  assert.equal(b?.reason, BackoffReason.RetryAfter);
  assert.equal(b?.until.toISOString(), at(3 * H).toISOString());
  assert.match(b!.message, /Retry-After/);
});

test('a notBefore in the past does not hold anything back', () => {
  assert.equal(failureBackoff({ version: 1, notBefore: at(-H).toISOString() }, t0), undefined);
  assert.equal(failureBackoff({ version: 1, notBefore: t0.toISOString() }, t0), undefined);
});

test('with both a backoff and a notBefore, the later one wins', () => {
  const later = failureBackoff(failed(1, { notBefore: at(5 * H).toISOString() }), t0);
  assert.equal(later?.reason, BackoffReason.RetryAfter);
  assert.equal(later?.until.toISOString(), at(5 * H).toISOString());
  const earlier = failureBackoff(failed(3, { notBefore: at(H).toISOString() }), t0);
  assert.equal(earlier?.reason, BackoffReason.Backoff);
  assert.equal(earlier?.until.toISOString(), at(4 * H).toISOString());
  // Backoff over, notBefore still ahead.
  const onlyRetry = failureBackoff(failed(1, { notBefore: at(50 * H).toISOString() }), at(2 * H));
  assert.equal(onlyRetry?.reason, BackoffReason.RetryAfter);
});

test('a lastFailureTime in the future (clock went back) waits one delay from now, not longer', () => {
  const b = failureBackoff(failed(2), at(-10 * H));
  assert.equal(b?.until.toISOString(), at(-10 * H + 2 * H).toISOString());
});

test('unparseable times in a damaged status are ignored rather than blocking renewal forever', () => {
  assert.equal(failureBackoff({ version: 1, lastFailureTime: 'yesterday', failedIssuanceAttempts: 3, notBefore: 'soon' }, t0), undefined);
});
