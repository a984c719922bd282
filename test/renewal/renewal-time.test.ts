import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renewalTime } from '../../src/renewal/renewal-time.js';

const H = 3600 * 1000;
const D = 24 * H;
const nb = new Date('2026-01-01T00:00:00Z');
const after = (ms: number): Date => new Date(nb.getTime() + ms);

test('default: one third of the actual lifetime before notAfter (90-day: 30 days before)', () => {
  assert.equal(renewalTime(nb, after(90 * D)).toISOString(), after(60 * D).toISOString());
});

test('45-day certificate renews with 15 days left', () => {
  assert.equal(renewalTime(nb, after(45 * D)).toISOString(), after(30 * D).toISOString());
});

test('6-day certificate (under 10 days) renews at half its lifetime', () => {
  assert.equal(renewalTime(nb, after(6 * D)).toISOString(), after(3 * D).toISOString());
});

test('renewBefore wins when shorter than the lifetime', () => {
  assert.equal(renewalTime(nb, after(90 * D), { renewBeforeMs: 15 * D }).toISOString(), after(75 * D).toISOString());
});

test('renewBefore longer than the lifetime falls back to the default', () => {
  assert.equal(renewalTime(nb, after(30 * D), { renewBeforeMs: 60 * D }).toISOString(), after(20 * D).toISOString());
});

test('renewBeforePercentage is the percentage of the lifetime left at renewal', () => {
  assert.equal(renewalTime(nb, after(100 * D), { renewBeforePercentage: 25 }).toISOString(), after(75 * D).toISOString());
});

test('renewBeforePercentage out of (0,100) is ignored', () => {
  assert.equal(renewalTime(nb, after(90 * D), { renewBeforePercentage: 100 }).toISOString(), after(60 * D).toISOString());
  assert.equal(renewalTime(nb, after(90 * D), { renewBeforePercentage: 0 }).toISOString(), after(60 * D).toISOString());
});

test('the result is truncated to the second', () => {
  const t = renewalTime(nb, new Date(nb.getTime() + 90 * D + 1234));
  assert.equal(t.getMilliseconds(), 0);
});
