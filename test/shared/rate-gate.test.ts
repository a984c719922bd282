import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateGate, gateFor } from '../../src/shared/rate-gate.js';
import type { RateGate } from '../../src/shared/rate-gate.js';

test('paces like a token bucket: a burst goes at once, then one request per interval', async () => {
  const waits: [number, string][] = [];
  let clock = 0;
  const gate = createRateGate({ perSecond: 100, burst: 2, now: () => clock, onWait: (ms, why) => waits.push([ms, why]) });
  for (let i = 0; i < 4; i++) await gate.wait();
  // The clock stands still: the third request waits one interval (10 ms), the fourth two.
  assert.deepEqual(waits, [
    [10, 'pace'],
    [20, 'pace'],
  ]);
  // A second later the bucket is full again: a whole burst goes without waiting.
  clock += 1000;
  waits.length = 0;
  await gate.wait();
  await gate.wait();
  assert.deepEqual(waits, []);
});

test('a hold pauses every request until it ends; a shorter hold does not shorten it', async () => {
  const waits: [number, string][] = [];
  const gate = createRateGate({ perSecond: 1000, burst: 10, onWait: (ms, why) => waits.push([ms, why]) });
  assert.equal(gate.heldFor(), 0);
  gate.holdFor(60);
  gate.holdFor(5);
  assert.ok(gate.heldFor() > 40 && gate.heldFor() <= 60, String(gate.heldFor()));
  const started = Date.now();
  await Promise.all([gate.wait(), gate.wait()]);
  assert.ok(Date.now() - started >= 55, `waited ${Date.now() - started} ms`);
  assert.ok(waits.length >= 2 && waits.every(([, why]) => why === 'hold'), JSON.stringify(waits));
  assert.equal(gate.heldFor(), 0);
});

test('waiting ends with the signal', async () => {
  const gate = createRateGate({ perSecond: 1, burst: 1 });
  gate.holdFor(60_000);
  const ac = new AbortController();
  const waiting = gate.wait(ac.signal);
  ac.abort(new Error('run interrupted'));
  await assert.rejects(waiting, { name: 'AbortError' });
});

test('gateFor keeps one gate per key', () => {
  const gates = new Map<string, RateGate>();
  const a = gateFor(gates, 'account-a', { perSecond: 5, burst: 5 });
  assert.equal(gateFor(gates, 'account-a', { perSecond: 5, burst: 5 }), a);
  assert.notEqual(gateFor(gates, 'account-b', { perSecond: 5, burst: 5 }), a);
  a.holdFor(10_000);
  assert.equal(gates.get('account-b')!.heldFor(), 0, 'a hold of one account leaves the others alone');
});
