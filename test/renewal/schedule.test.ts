import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jitterMs, nextRunFromCron, nextRunFromInterval, parseInterval } from '../../src/renewal/schedule.js';

const H = 3600 * 1000;

test('parseInterval: Go durations into milliseconds', () => {
  assert.equal(parseInterval('12h'), 12 * H);
  assert.equal(parseInterval('1h30m'), 1.5 * H);
  assert.equal(parseInterval('90s'), 90_000);
  assert.equal(parseInterval(' 6h '), 6 * H);
});

test('parseInterval: bad values say why', () => {
  assert.throws(() => parseInterval('1d'), /unknown unit "d".*use hours/);
  assert.throws(() => parseInterval('twelve hours'), /invalid duration/);
  assert.throws(() => parseInterval('12'), /missing unit/);
  assert.throws(() => parseInterval('0'), /at least 1s/);
  assert.throws(() => parseInterval('-5m'), /at least 1s/);
  assert.throws(() => parseInterval('500ms'), /at least 1s/);
});

test('nextRunFromInterval: now + interval; rejects nonsense', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(nextRunFromInterval(now, 12 * H).toISOString(), '2026-06-01T12:00:00.000Z');
  assert.throws(() => nextRunFromInterval(now, 0), /positive/);
  assert.throws(() => nextRunFromInterval(now, NaN), /positive/);
  assert.throws(() => nextRunFromInterval(now, Infinity), /positive/);
});

test('nextRunFromCron: the next firing strictly after now, in UTC', async () => {
  const at = (iso: string) => new Date(iso);
  assert.equal((await nextRunFromCron('17 3 * * *', at('2026-06-01T00:00:00Z'), 'UTC')).toISOString(), '2026-06-01T03:17:00.000Z');
  assert.equal((await nextRunFromCron('17 3 * * *', at('2026-06-01T03:17:00Z'), 'UTC')).toISOString(), '2026-06-02T03:17:00.000Z');
  assert.equal((await nextRunFromCron('0 */12 * * *', at('2026-06-01T12:00:01Z'), 'UTC')).toISOString(), '2026-06-02T00:00:00.000Z');
  assert.equal((await nextRunFromCron('@daily', at('2026-06-01T10:00:00Z'), 'UTC')).toISOString(), '2026-06-02T00:00:00.000Z');
  assert.equal((await nextRunFromCron('@every 12h', at('2026-06-01T10:00:00Z'), 'UTC')).toISOString(), '2026-06-01T22:00:00.000Z');
  // Five fields, as cron(8) and cert-manager's renewal windows: no seconds field.
  await assert.rejects(nextRunFromCron('*/10 * * * * *', at('2026-06-01T00:00:05.500Z'), 'UTC'), /invalid cron expression .*expected exactly 5 fields/);
});

test('nextRunFromCron: across spring-forward a skipped wall time does not fire, and time never goes backwards', async () => {
  // Europe/Berlin, 2027-03-28: 02:00–03:00 does not exist.
  assert.equal((await nextRunFromCron('30 2 * * *', new Date('2027-03-27T02:00:00Z'), 'Europe/Berlin')).toISOString(), '2027-03-29T00:30:00.000Z');
  // Lord Howe's 30-minute DST, where the npm cron package answered a time before `now`.
  const after = new Date('2026-04-04T15:00:00Z');
  assert.ok((await nextRunFromCron('*/15 1-3 * * *', after, 'Australia/Lord_Howe')).getTime() > after.getTime());
});

test('nextRunFromCron: a time zone shifts the firing', async () => {
  const now = new Date('2026-01-01T00:00:00Z');
  // 03:00 in Shanghai (UTC+8) is 19:00 UTC.
  assert.equal((await nextRunFromCron('0 3 * * *', now, 'Asia/Shanghai')).toISOString(), '2026-01-01T19:00:00.000Z');
  // 03:00 in Berlin in winter (UTC+1) is 02:00 UTC.
  assert.equal((await nextRunFromCron('0 3 * * *', now, 'Europe/Berlin')).toISOString(), '2026-01-01T02:00:00.000Z');
});

test('nextRunFromCron: invalid expressions and zones are clear errors', async () => {
  const now = new Date('2026-01-01T00:00:00Z');
  await assert.rejects(nextRunFromCron('61 * * * *', now, 'UTC'), /invalid cron expression "61 \* \* \* \*": .*above maximum/);
  await assert.rejects(nextRunFromCron('0 3 * *', now, 'UTC'), /invalid cron expression .*expected exactly 5 fields/);
  await assert.rejects(nextRunFromCron('every day', now, 'UTC'), /invalid cron expression "every day"/);
  await assert.rejects(nextRunFromCron('0 3 * * *', now, 'Mars/Olympus'), /invalid time zone "Mars\/Olympus"/);
  await assert.rejects(nextRunFromCron('0 0 30 2 *', now, 'UTC'), /never fires/);
});

test('jitterMs: within [0, max), driven by the random source', () => {
  assert.equal(jitterMs(480_000, () => 0), 0);
  assert.equal(jitterMs(480_000, () => 0.5), 240_000);
  assert.ok(jitterMs(480_000, () => 0.999999999) < 480_000);
  assert.ok(jitterMs(480_000, () => 1) < 480_000);
  assert.equal(jitterMs(480_000, () => -1), 0);
  assert.equal(jitterMs(0, () => 0.5), 0);
  assert.equal(jitterMs(-5, () => 0.5), 0);
  assert.equal(jitterMs(NaN, () => 0.5), 0);
  for (let i = 0; i < 1000; i++) {
    const j = jitterMs(1000, Math.random);
    assert.ok(Number.isInteger(j) && j >= 0 && j < 1000);
  }
});
