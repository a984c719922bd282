/**
 * Daylight-saving transitions with a fixed clock, as Go's cron (cert-manager's copy of robfig/cron
 * v3) behaves. Every expected value is Go's answer for the same case in data/windows-go-oracle.json.
 * The rule behind them: robfig walks the wall clock and adds absolute hours and minutes, so a
 * wall time skipped by spring-forward does not fire that day, and one repeated by fall-back fires
 * twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWindowCron, type CronSchedule } from '../../src/renewal/cron-parse.js';
import { nextFiring } from '../../src/renewal/cron-next.js';
import { loadTimeZone, zonedDate } from '../../src/renewal/time-zone.js';
import { renewalTimeWithWindows } from '../../src/renewal/windows.js';

const H = 3_600_000;

function schedule(cron: string, timezone: string): CronSchedule {
  const parsed = parseWindowCron(cron, timezone);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.schedule;
}

/** The next `count` firings after `after`, as ISO strings. */
function firings(cron: string, timezone: string, after: string, count: number): string[] {
  const s = schedule(cron, timezone);
  const out: string[] = [];
  let t = new Date(after);
  for (let i = 0; i < count; i++) {
    const next = nextFiring(s, t);
    if (!next) break;
    out.push(next.toISOString().replace('.000Z', 'Z'));
    t = next;
  }
  return out;
}

test('Europe/Berlin spring-forward (29 March 2026, 02:00 CET → 03:00 CEST): 02:30 does not fire that day', () => {
  assert.deepEqual(firings('30 2 * * *', 'Europe/Berlin', '2026-03-27T19:00:00Z', 3), ['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
  // The window "02:30 on Sundays": 29 March is the last Sunday of March and is skipped.
  assert.deepEqual(firings('30 2 * * 0', 'Europe/Berlin', '2026-03-27T19:00:00Z', 2), ['2026-04-05T00:30:00Z', '2026-04-12T00:30:00Z']);
  // 01:30 exists and fires; hourly runs lose the 02:00 hour.
  assert.deepEqual(firings('30 1 * * *', 'Europe/Berlin', '2026-03-28T01:00:00Z', 2), ['2026-03-29T00:30:00Z', '2026-03-29T23:30:00Z']);
  assert.deepEqual(firings('0 * * * *', 'Europe/Berlin', '2026-03-28T23:30:00Z', 3), ['2026-03-29T00:00:00Z', '2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z']);
});

test('Europe/Berlin fall-back (25 October 2026, 03:00 CEST → 02:00 CET): 02:30 fires twice', () => {
  assert.deepEqual(firings('30 2 * * *', 'Europe/Berlin', '2026-10-23T19:00:00Z', 4), [
    '2026-10-24T00:30:00Z',
    '2026-10-25T00:30:00Z', // 02:30 CEST
    '2026-10-25T01:30:00Z', // 02:30 CET
    '2026-10-26T01:30:00Z',
  ]);
  assert.deepEqual(firings('30 2 * * 0', 'Europe/Berlin', '2026-10-23T19:00:00Z', 3), ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-11-01T01:30:00Z']);
});

test('America/New_York: 02:30 skipped on 8 March, 01:30 twice on 1 November', () => {
  assert.deepEqual(firings('30 2 * * *', 'America/New_York', '2026-03-07T01:00:00Z', 2), ['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z']);
  assert.deepEqual(firings('30 1 * * *', 'America/New_York', '2026-10-31T00:00:00Z', 3), ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z']);
});

test('Asia/Kolkata (UTC+5:30, no DST): every day at the same UTC time', () => {
  assert.deepEqual(firings('30 2 * * *', 'Asia/Kolkata', '2026-03-28T12:00:00Z', 3), ['2026-03-28T21:00:00Z', '2026-03-29T21:00:00Z', '2026-03-30T21:00:00Z']);
  assert.deepEqual(firings('15 2 * * *', 'Asia/Kolkata', '2026-03-28T12:00:00Z', 1), ['2026-03-28T20:45:00Z']);
});

test('Australia/Lord_Howe (30-minute DST): spring 02:00 → 02:30 on 4 October, fall 02:00 → 01:30 on 5 April', () => {
  // Spring: 02:15 does not exist on 4 October and does not fire; 02:30 does.
  assert.deepEqual(firings('15 2 * * *', 'Australia/Lord_Howe', '2026-10-02T09:30:00Z', 2), ['2026-10-02T15:45:00Z', '2026-10-04T15:15:00Z']);
  assert.deepEqual(firings('30 2 * * *', 'Australia/Lord_Howe', '2026-10-02T09:30:00Z', 2), ['2026-10-02T16:00:00Z', '2026-10-03T15:30:00Z']);
  // Fall: 01:30–02:00 happens twice and 01:30 fires twice; hourly runs land at :30 UTC after it.
  assert.deepEqual(firings('30 1 * * *', 'Australia/Lord_Howe', '2026-04-03T09:00:00Z', 3), ['2026-04-03T14:30:00Z', '2026-04-04T14:30:00Z', '2026-04-04T15:00:00Z']);
  assert.deepEqual(firings('0 * * * *', 'Australia/Lord_Howe', '2026-04-04T12:00:00Z', 4), ['2026-04-04T13:00:00Z', '2026-04-04T14:00:00Z', '2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z']);
  // A quirk of the field walk: 02:15 on 5 April exists (after the change) but does not fire.
  assert.deepEqual(firings('15 2 * * *', 'Australia/Lord_Howe', '2026-04-03T09:00:00Z', 2), ['2026-04-03T15:15:00Z', '2026-04-05T15:45:00Z']);
});

test('wall times that do not exist or exist twice resolve as Go’s time.Date', () => {
  const berlin = loadTimeZone('Europe/Berlin');
  const newYork = loadTimeZone('America/New_York');
  assert.ok(berlin.ok && newYork.ok);
  const iso = (ms: number): string => new Date(ms).toISOString();
  // Skipped: 02:30 on Berlin's spring-forward day is 03:30 CEST.
  assert.equal(iso(zonedDate(berlin.zone, 2026, 3, 29, 2, 30, 0)), '2026-03-29T01:30:00.000Z');
  // Repeated: Berlin's 02:30 is the second one (CET); New York's 01:30 the first one (EDT).
  assert.equal(iso(zonedDate(berlin.zone, 2026, 10, 25, 2, 30, 0)), '2026-10-25T01:30:00.000Z');
  assert.equal(iso(zonedDate(newYork.zone, 2026, 11, 1, 1, 30, 0)), '2026-11-01T05:30:00.000Z');
  // Fields overflow like Go's: month 13 is January.
  assert.equal(iso(zonedDate(berlin.zone, 2026, 13, 1, 0, 0, 0)), '2026-12-31T23:00:00.000Z');
});

test('a Berlin window at 02:30 on Sundays: the spring-forward Sunday has no window, renewal waits a week', () => {
  const r = renewalTimeWithWindows({
    desired: new Date('2026-03-28T12:00:00Z'),
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2026-04-30T00:00:00Z'),
    policy: 'RenewBefore',
    windows: [{ cron: '30 2 * * 0', windowDurationMs: H, timezone: 'Europe/Berlin' }],
  });
  assert.equal(r.kind === 'moved' && r.at.toISOString(), '2026-04-05T00:30:00.000Z');
});

test('a Berlin window at 02:30 for 30m on the fall-back day: two windows, an hour apart', () => {
  const windows = [{ cron: '30 2 * * *', windowDurationMs: H / 2, timezone: 'Europe/Berlin' }];
  const base = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-11-30T00:00:00Z'), policy: 'RenewBefore' as const, windows };
  const first = renewalTimeWithWindows({ ...base, desired: new Date('2026-10-24T12:00:00Z') });
  assert.equal(first.kind === 'moved' && first.at.toISOString(), '2026-10-25T00:30:00.000Z');
  const insideFirst = renewalTimeWithWindows({ ...base, desired: new Date('2026-10-25T00:45:00Z') });
  assert.equal(insideFirst.kind, 'inWindow');
  // Between the two (02:15 CET, after the first 02:30-03:00 CEST closed): the second 02:30.
  const between = renewalTimeWithWindows({ ...base, desired: new Date('2026-10-25T01:15:00Z') });
  assert.equal(between.kind === 'moved' && between.at.toISOString(), '2026-10-25T01:30:00.000Z');
});
