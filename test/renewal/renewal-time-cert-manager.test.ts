/**
 * cert-manager's own tables for the renewal-time formula (pkg/util/pki/renewaltime_test.go:
 * TestRenewalTime and TestRenewBefore), in our words, on a fixed clock. Where certctl means to
 * differ, the row says so and gives both answers: with no renewBefore or percentage that applies,
 * a certificate living under 10 days renews at half its lifetime, not at two thirds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renewalTime } from '../../src/renewal/renewal-time.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const NOW = new Date('2026-03-10T08:17:23Z');
const after = (ms: number): Date => new Date(NOW.getTime() + ms);

interface Row {
  name: string;
  lifetimeMs: number;
  renewBeforeMs?: number;
  renewBeforePercentage?: number;
  /** cert-manager's answer, as time after notBefore. */
  certManager: number;
  /** certctl's, when it differs on purpose. */
  certctl?: number;
}

const rows: Row[] = [
  // TestRenewalTime
  { name: '3h certificate, no renewBefore', lifetimeMs: 3 * H, certManager: 2 * H, certctl: 1.5 * H },
  { name: '6-month certificate, no renewBefore: renew after 4 months', lifetimeMs: 4380 * H, certManager: 2920 * H },
  { name: 'renewBefore 20h of a day', lifetimeMs: 24 * H, renewBeforeMs: 20 * H, certManager: 4 * H },
  { name: '1-month certificate renewed every day', lifetimeMs: 730 * H, renewBeforeMs: 706 * H, certManager: 24 * H },
  { name: 'renewBefore longer than the lifetime: the default', lifetimeMs: 24 * H, renewBeforeMs: 25 * H, certManager: 16 * H, certctl: 12 * H },
  { name: 'renewBeforePercentage 30 of a month: after 70%', lifetimeMs: 730 * H, renewBeforePercentage: 30, certManager: 511 * H },
  { name: 'renewBefore just under the lifetime: renew "continuously"', lifetimeMs: 24 * H + 3 * M, renewBeforeMs: 24 * H, certManager: 3 * M },
  { name: 'lifetime a second short of a day (the #4399 truncation guard)', lifetimeMs: 24 * H - S, certManager: 16 * H - S, certctl: 12 * H - S },
  // TestRenewBefore: a 3h certificate unless stated; the answer there is renewBefore, here the time.
  { name: '3h, nothing set: 1h before expiry', lifetimeMs: 3 * H, certManager: 2 * H, certctl: 1.5 * H },
  { name: '3h, 25%: 45m before expiry', lifetimeMs: 3 * H, renewBeforePercentage: 25, certManager: 3 * H - 45 * M },
  { name: '3h, 100% is out of range: the default', lifetimeMs: 3 * H, renewBeforePercentage: 100, certManager: 2 * H, certctl: 1.5 * H },
  { name: '3h, 0% is out of range: the default', lifetimeMs: 3 * H, renewBeforePercentage: 0, certManager: 2 * H, certctl: 1.5 * H },
  { name: '3h, renewBefore 1h', lifetimeMs: 3 * H, renewBeforeMs: H, certManager: 2 * H },
  { name: '3h, renewBefore 4h is too long: the default', lifetimeMs: 3 * H, renewBeforeMs: 4 * H, certManager: 2 * H, certctl: 1.5 * H },
  // 99% of 3650 days is 3613.5 days, exactly representable in float64 nanoseconds: no overflow, no rounding.
  { name: '10 years at 99% does not overflow', lifetimeMs: 3650 * D, renewBeforePercentage: 99, certManager: 36.5 * D },
  { name: '3 years at 99% does not overflow', lifetimeMs: 1095 * D, renewBeforePercentage: 99, certManager: 10.95 * D },
];

for (const r of rows) {
  test(`cert-manager's formula: ${r.name}${r.certctl !== undefined ? ' (certctl: half the lifetime under 10 days)' : ''}`, () => {
    const got = renewalTime(NOW, after(r.lifetimeMs), { renewBeforeMs: r.renewBeforeMs, renewBeforePercentage: r.renewBeforePercentage });
    assert.equal(got.toISOString(), after(r.certctl ?? r.certManager).toISOString());
    if (r.certctl !== undefined) {
      assert.ok(r.lifetimeMs < 10 * D, 'certctl differs only under 10 days');
      assert.notEqual(r.certctl, r.certManager);
    }
  });
}

test('long lifetimes with a percentage round as Go’s float64 nanoseconds do (answers from cert-manager’s code)', () => {
  // Both from data/windows-go-oracle.json (formula-long); millisecond sums gave one second later.
  const cases = [
    ['2025-02-16T15:52:04Z', '2032-03-20T07:00:24Z', 87, '2026-01-19T04:23:44.000Z'],
    ['2025-06-15T09:09:04Z', '2036-05-04T20:24:04Z', 75, '2028-03-05T11:57:48.000Z'],
  ] as const;
  for (const [notBefore, notAfter, pct, want] of cases) {
    assert.equal(renewalTime(new Date(notBefore), new Date(notAfter), { renewBeforePercentage: pct }).toISOString(), want);
  }
});
