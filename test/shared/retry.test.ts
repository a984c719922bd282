/** The one retry policy of the vendor API clients (src/shared/retry.ts), with real (short) timers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, DEFAULT_API_TUNING, RetryableError, retryAfterMs, withRetries } from '../../src/shared/retry.js';
import type { RetryLimits } from '../../src/shared/retry.js';

const FAST: RetryLimits = { retryBaseMs: 5, retryMaxDelayMs: 20, retryBudgetMs: 5000, maxAttempts: 4 };

/** An attempt that fails `failures` times with a RetryableError, then answers. */
function flaky(failures: number, opts: { retryAfterMs?: number } = {}) {
  const calls: number[] = [];
  const attempt = async (n: number): Promise<string> => {
    calls.push(n);
    if (calls.length <= failures) throw new RetryableError(`vendor: GetThing: HTTP 503`, opts);
    return 'answer';
  };
  return { calls, attempt };
}

describe('withRetries', () => {
  it('retries a retryable failure, tells debug about each wait, and returns the answer', async () => {
    const { calls, attempt } = flaky(2);
    const debug: string[] = [];
    const paced: number[] = [];
    const answer = await withRetries({ tuning: FAST, debug: (m) => debug.push(m), pace: async () => void paced.push(calls.length) }, attempt);
    assert.equal(answer, 'answer');
    assert.deepEqual(calls, [1, 2, 3]);
    assert.deepEqual(paced, [0, 1, 2], 'paced before every attempt');
    assert.equal(debug.length, 2);
    for (const line of debug) assert.match(line, /^vendor: GetThing: HTTP 503; retrying in \d+ ms$/);
  });

  it('gives up after maxAttempts with the failure\'s own error, ending in (after N attempts)', async () => {
    class VendorError extends Error {}
    const calls: number[] = [];
    const err = await withRetries({ tuning: { ...FAST, maxAttempts: 3 } }, async (n) => {
      calls.push(n);
      throw new RetryableError('vendor: GetThing: HTTP 503', { giveUp: (after) => new VendorError(`vendor: GetThing: HTTP 503 (ask the vendor)${after}`) });
    }).catch((e: unknown) => e);
    assert.deepEqual(calls, [1, 2, 3]);
    assert.ok(err instanceof VendorError);
    assert.equal(err.message, 'vendor: GetThing: HTTP 503 (ask the vendor) (after 3 attempts)');
    // Without giveUp: a plain Error with the message.
    const plain = await withRetries({ tuning: { ...FAST, maxAttempts: 2 } }, flaky(5).attempt).catch((e: unknown) => e);
    assert.ok(plain instanceof Error && !(plain instanceof RetryableError));
    assert.equal(plain.message, 'vendor: GetThing: HTTP 503 (after 2 attempts)');
  });

  it('throws anything else at once', async () => {
    let calls = 0;
    const boom = new Error('vendor: GetThing: HTTP 403: forbidden');
    await assert.rejects(
      withRetries({ tuning: FAST }, async () => {
        calls++;
        throw boom;
      }),
      (e) => e === boom,
    );
    assert.equal(calls, 1);
  });

  it("waits at least the server's Retry-After", async () => {
    const { calls, attempt } = flaky(1, { retryAfterMs: 150 });
    const debug: string[] = [];
    const started = Date.now();
    await withRetries({ tuning: FAST, debug: (m) => debug.push(m) }, attempt);
    assert.ok(Date.now() - started >= 145, `waited ${Date.now() - started} ms`);
    assert.equal(calls.length, 2);
    assert.match(debug[0], /retrying in 15\d ms$/);
  });

  it('reports at once a Retry-After longer than the time left for the call', async () => {
    const { calls, attempt } = flaky(1, { retryAfterMs: 60_000 });
    const started = Date.now();
    await assert.rejects(withRetries({ tuning: { ...FAST, retryBudgetMs: 1000 } }, attempt), { message: 'vendor: GetThing: HTTP 503' });
    assert.equal(calls.length, 1);
    assert.ok(Date.now() - started < 500);
  });

  it('ends with the signal, during a wait, with its reason', async () => {
    const ac = new AbortController();
    const reason = new Error('run interrupted');
    const { calls, attempt } = flaky(5, { retryAfterMs: 10_000 });
    setTimeout(() => ac.abort(reason), 50);
    const started = Date.now();
    await assert.rejects(withRetries({ tuning: { ...FAST, retryBudgetMs: 60_000 }, signal: ac.signal }, attempt), (e) => e === reason);
    assert.equal(calls.length, 1);
    assert.ok(Date.now() - started < 2000);
    // An already aborted signal makes no attempt.
    const again = flaky(0);
    await assert.rejects(withRetries({ tuning: FAST, signal: ac.signal }, again.attempt), (e) => e === reason);
    assert.equal(again.calls.length, 0);
  });
});

describe('backoff and Retry-After', () => {
  it('doubles from retryBaseMs up to retryMaxDelayMs, with jitter between half and all of it', () => {
    const t = DEFAULT_API_TUNING;
    for (let i = 0; i < 200; i++) {
      const first = backoffMs(t, 1);
      assert.ok(first >= 250 && first <= 500, String(first));
      const fourth = backoffMs(t, 4);
      assert.ok(fourth >= 2000 && fourth <= 4000, String(fourth));
      const late = backoffMs(t, 12);
      assert.ok(late >= 4000 && late <= 8000, String(late));
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs(' 1.5 ', now), 1500);
    assert.equal(retryAfterMs(['2', '9'], now), 2000);
    assert.equal(retryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs('', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });
});
