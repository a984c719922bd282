/**
 * Renewal windows, situation by situation, with a fixed clock. Every expected time below is also
 * what cert-manager v1.21.1's Go code answers (data/windows-go-oracle.json, `hand-*` cases, and
 * the cron cases for the DST days); the comments say why it is that time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renewalTimeWithWindows, explainWindowedRenewal, windowContaining, type RenewalWindow, type WindowedRenewalInput } from '../../src/renewal/windows.js';
import { renewalTime } from '../../src/renewal/renewal-time.js';
import { chooseRenewalMoment } from '../../src/renewal/ari.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const at = (iso: string): Date => new Date(iso);
const w = (cron: string, windowDurationMs: number, timezone?: string): RenewalWindow => ({ cron, windowDurationMs, timezone });
const NB = at('2026-01-01T00:00:00Z');
const NA = at('2026-04-01T00:00:00Z');

function run(desired: string, windows: RenewalWindow[], notAfter = NA, notBefore = NB, policy?: WindowedRenewalInput['policy']) {
  return renewalTimeWithWindows({ desired: at(desired), notBefore, notAfter, windows, policy: policy ?? 'RenewBefore' });
}
function time(r: ReturnType<typeof run>): string | undefined {
  return 'at' in r ? r.at.toISOString() : undefined;
}

test('no windows: the desired time stands', () => {
  assert.deepEqual(run('2026-03-02T13:30:00Z', []), { kind: 'unrestricted', at: at('2026-03-02T13:30:00Z') });
  assert.deepEqual(renewalTimeWithWindows({ desired: at('2026-03-02T13:30:00Z'), notBefore: NB, notAfter: NA }), { kind: 'unrestricted', at: at('2026-03-02T13:30:00Z') });
});

test('desired time inside a window: kept, and the window is named', () => {
  const r = run('2026-03-02T10:30:00Z', [w('0 10 * * *', 2 * H)]);
  assert.deepEqual(r, {
    kind: 'inWindow',
    at: at('2026-03-02T10:30:00Z'),
    window: { index: 0, cron: '0 10 * * *', timezone: 'UTC', start: at('2026-03-02T10:00:00Z'), end: at('2026-03-02T12:00:00Z') },
  });
  assert.equal(explainWindowedRenewal(r), 'renewal at 2026-03-02T10:30:00Z, inside window 0 (0 10 * * *, UTC) open 2026-03-02T10:00:00Z to 2026-03-02T12:00:00Z');
});

test('window edges: the start is inside, and so is the end (cert-manager keeps D = start + duration)', () => {
  assert.equal(time(run('2026-03-02T10:00:00Z', [w('0 10 * * *', 2 * H)])), '2026-03-02T10:00:00.000Z');
  const atEnd = run('2026-03-02T12:00:00Z', [w('0 10 * * *', 2 * H)]);
  assert.equal(atEnd.kind, 'inWindow');
  assert.equal(time(atEnd), '2026-03-02T12:00:00.000Z');
  // One second later the window is over: the next one, the day after.
  assert.equal(time(run('2026-03-02T12:00:01Z', [w('0 10 * * *', 2 * H)])), '2026-03-03T10:00:00.000Z');
  assert.equal(time(run('2026-03-02T09:59:59Z', [w('0 10 * * *', 2 * H)])), '2026-03-02T10:00:00.000Z');
});

test('desired time before the day’s window: moved to its start, and why', () => {
  const r = run('2026-03-02T09:00:00Z', [w('0 15 * * *', 2 * H)]);
  assert.equal(r.kind, 'moved');
  assert.equal(time(r), '2026-03-02T15:00:00.000Z');
  assert.equal(
    explainWindowedRenewal(r),
    'renewal moved from 2026-03-02T09:00:00Z to 2026-03-02T15:00:00Z, when window 0 (0 15 * * *, UTC) opens until 2026-03-02T17:00:00Z',
  );
});

test('a weekly window in Berlin: Monday’s desired time waits for Saturday 02:00 CET', () => {
  const r = run('2026-03-02T09:00:00Z', [w('0 2 * * 6', 4 * H, 'Europe/Berlin')]);
  assert.equal(time(r), '2026-03-07T01:00:00.000Z');
  assert.equal(r.kind === 'moved' && r.window.end.toISOString(), '2026-03-07T05:00:00.000Z');
});

test('after the last window before expiry: WindowError, renewal at the desired time anyway', () => {
  const r = run('2026-03-02T13:30:00Z', [w('0 10 * * *', 2 * H)], at('2026-03-03T00:00:00Z'));
  assert.equal(r.kind, 'noWindow');
  assert.equal(time(r), '2026-03-02T13:30:00.000Z');
  assert.equal(r.kind === 'noWindow' && r.reason, 'WindowError');
  assert.match(explainWindowedRenewal(r), /^WindowError: no renewal window contains 2026-03-02T13:30:00Z or opens between it and the certificate's expiry \(2026-03-03T00:00:00Z\)/);
});

test('lifetime edge: a window may open up to one window length after notAfter (cert-manager renews after expiry then)', () => {
  // notAfter 10:00, window 10:00 for 2h: opens exactly at expiry.
  assert.equal(time(run('2026-03-02T09:00:00Z', [w('0 10 * * *', 2 * H)], at('2026-03-02T10:00:00Z'))), '2026-03-02T10:00:00.000Z');
  // notAfter 08:00: the window opens 2h after expiry, still within notAfter + 2h.
  assert.equal(time(run('2026-03-02T07:00:00Z', [w('0 10 * * *', 2 * H)], at('2026-03-02T08:00:00Z'))), '2026-03-02T10:00:00.000Z');
  // notAfter 07:59:59: one second too far.
  assert.equal(run('2026-03-02T07:00:00Z', [w('0 10 * * *', 2 * H)], at('2026-03-02T07:59:59Z')).kind, 'noWindow');
  // The window containing D may end after notAfter.
  assert.equal(time(run('2026-03-02T10:30:00Z', [w('0 10 * * *', 2 * H)], at('2026-03-02T11:00:00Z'))), '2026-03-02T10:30:00.000Z');
});

test('desired time outside the lifetime', () => {
  // Before notBefore: the first window after notBefore - windowDuration.
  assert.equal(time(run('2025-12-31T20:00:00Z', [w('0 10 * * *', 2 * H)])), '2026-01-01T10:00:00.000Z');
  // After notAfter + windowDuration: nothing is searched beyond it.
  assert.equal(run('2026-04-01T10:30:00Z', [w('0 10 * * *', 2 * H)]).kind, 'noWindow');
});

test('several windows: inside any keeps D; else the earliest next start of all', () => {
  const weekdayNight = w('0 23 * * 1-5', 2 * H);
  const weekend = w('0 10 * * 6,0', 4 * H);
  // cert-manager's own case: Saturday 06:00 → the weekend window at 10:00.
  const sat = run('2026-03-07T06:00:00Z', [weekdayNight, weekend], at('2026-03-08T00:00:00Z'));
  assert.equal(time(sat), '2026-03-07T10:00:00.000Z');
  assert.equal(sat.kind === 'moved' && sat.window.index, 1);
  const inSecond = run('2026-03-02T23:30:00Z', [w('0 10 * * *', 2 * H), w('0 23 * * *', H)]);
  assert.equal(inSecond.kind === 'inWindow' && inSecond.window.index, 1);
  const earliest = run('2026-03-02T13:00:00Z', [w('0 23 * * *', H), w('0 20 * * *', H), w('0 22 * * *', H)]);
  assert.equal(time(earliest), '2026-03-02T20:00:00.000Z');
  assert.equal(earliest.kind === 'moved' && earliest.window.index, 1);
});

test('cert-manager quirk kept: a later window with no start in range erases what earlier ones found', () => {
  const daily = w('0 20 * * *', H);
  const newYearOnly = w('0 0 1 1 *', H);
  const nb = NB;
  const na = at('2026-03-03T00:00:00Z');
  // Order matters: the New Year window (next start 2027, beyond notAfter + 1h) comes last and wins nothing but erases.
  assert.equal(run('2026-03-02T13:00:00Z', [daily, newYearOnly], na, nb).kind, 'noWindow');
  assert.equal(time(run('2026-03-02T13:00:00Z', [newYearOnly, daily], na, nb)), '2026-03-02T20:00:00.000Z');
  // Same for a desired time before a later window's search range: window 0 contains D, but
  // window 1 (10m long, so its range starts at notBefore - 10m) erases that; the next start wins.
  assert.equal(time(run('2025-12-31T23:30:00Z', [w('0 23 * * *', 2 * H), w('0 12 * * *', 10 * M)])), '2026-01-01T12:00:00.000Z');
});

test('a schedule that never fires, and leap days', () => {
  assert.equal(run('2026-03-02T13:30:00Z', [w('0 0 31 2 *', 2 * H)]).kind, 'noWindow');
  assert.equal(time(run('2026-03-02T13:30:00Z', [w('0 0 31 2 *', 2 * H), w('0 15 * * *', H)])), '2026-03-02T15:00:00.000Z');
  assert.equal(time(run('2028-02-01T00:00:00Z', [w('0 0 29 2 *', D)], at('2028-06-01T00:00:00Z'), at('2027-06-01T00:00:00Z'))), '2028-02-29T00:00:00.000Z');
});

test('descriptors and half-hour zones', () => {
  // @weekly is Sunday 00:00 in the window's zone: New York, EST.
  assert.equal(time(run('2026-03-02T13:30:00Z', [w('@weekly', 6 * H, 'America/New_York')])), '2026-03-08T05:00:00.000Z');
  // Kolkata is UTC+5:30: 22:00 there is 16:30Z.
  assert.equal(time(run('2026-03-02T13:30:00Z', [w('0 22 * * *', H, 'Asia/Kolkata')])), '2026-03-02T16:30:00.000Z');
});

test('Disabled: no renewal time at all', () => {
  assert.deepEqual(run('2026-03-02T13:30:00Z', [], NA, NB, 'Disabled'), { kind: 'disabled' });
  assert.equal(explainWindowedRenewal({ kind: 'disabled' }), 'automatic renewal disabled (renewal.policy: Disabled)');
});

test('windows cert-manager cannot use give no time (validation reports them first)', () => {
  assert.deepEqual(run('2026-03-02T13:30:00Z', [w('0 10 * * *', 0)]), { kind: 'invalid', message: 'renewal window 0: windowDuration must be longer than 0s' });
  assert.deepEqual(run('2026-03-02T13:30:00Z', [w('0 10 * * *', H, 'Nowhere/Zone')]), { kind: 'invalid', message: 'renewal window 0: unknown time zone Nowhere/Zone' });
  const ownZone = run('2026-03-02T13:30:00Z', [w('CRON_TZ=Asia/Tokyo 0 10 * * *', H)]);
  assert.equal(ownZone.kind, 'invalid');
  assert.match(explainWindowedRenewal(ownZone), /^no renewal time: renewal window 0: failed to parse cron spec 'CRON_TZ=Asia\/Tokyo 0 10 \* \* \*': expected exactly 5 fields, found 6/);
});

test('the desired time is truncated to the second first, as cert-manager stores times', () => {
  assert.equal(time(run('2026-03-02T10:30:00.999Z', [w('0 10 * * *', 2 * H)])), '2026-03-02T10:30:00.000Z');
});

test('windowContaining: the occurrence open at an instant, for runs that land inside or missed one', () => {
  const windows = [w('0 2 * * 6', 2 * H, 'Europe/Berlin'), w('0 22 * * *', 30 * M)];
  assert.deepEqual(windowContaining(windows, at('2026-03-07T02:30:00Z')), {
    index: 0,
    cron: '0 2 * * 6',
    timezone: 'Europe/Berlin',
    start: at('2026-03-07T01:00:00Z'),
    end: at('2026-03-07T03:00:00Z'),
  });
  assert.equal(windowContaining(windows, at('2026-03-07T03:00:00Z')), undefined);
  assert.equal(windowContaining(windows, at('2026-03-04T22:29:59Z'))?.index, 1);
  assert.equal(windowContaining(windows, at('2026-03-04T22:30:00Z')), undefined);
});

/**
 * cert-manager's renewaltime_test.go, in our words, on a fixed clock: "now" is
 * 2026-03-10T08:17:23Z, "future" midnight UTC five days later (2026-03-15, a Sunday), and the
 * desired time is stated through renewBefore = notAfter - target, as that test does.
 */
const NOW = at('2026-03-10T08:17:23Z');
const FUTURE = at('2026-03-15T00:00:00Z').getTime();
const TEN_DAYS_AGO = at('2026-02-28T00:00:00Z');
const plus = (ms: number): Date => new Date(FUTURE + ms);
const cmWindowCases: { name: string; notBefore: Date; notAfter: Date; target: Date; windows: RenewalWindow[]; want: Date; windowError?: boolean }[] = [
  { name: 'one window, target inside it', notBefore: TEN_DAYS_AGO, notAfter: plus(48 * H), target: plus(10 * H + 30 * M), windows: [w('0 10 * * *', 2 * H, 'UTC')], want: plus(24 * H - 13 * H - 30 * M) },
  { name: 'one window, target after it: the next day’s', notBefore: TEN_DAYS_AGO, notAfter: plus(48 * H), target: plus(13 * H), windows: [w('0 10 * * *', 2 * H, 'UTC')], want: plus(34 * H) },
  { name: 'one window, target before it', notBefore: TEN_DAYS_AGO, notAfter: plus(24 * H), target: plus(9 * H), windows: [w('0 15 * * *', 2 * H, 'UTC')], want: plus(15 * H) },
  {
    name: 'weekday and weekend windows, target Saturday 06:00',
    notBefore: TEN_DAYS_AGO,
    notAfter: plus(6 * D + 24 * H),
    target: plus(6 * D + 6 * H),
    windows: [w('0 23 * * 1-5', 2 * H, 'UTC'), w('0 10 * * 6,0', 4 * H, 'UTC')],
    want: plus(6 * D + 10 * H),
  },
  // 10:30 in Phoenix (UTC-7, no DST) is 17:30Z; cert-manager writes the expected value as midnight of the next day there minus 13:30.
  { name: 'one window in America/Phoenix, target inside', notBefore: TEN_DAYS_AGO, notAfter: plus(48 * H), target: plus(17 * H + 30 * M), windows: [w('0 10 * * *', 2 * H, 'America/Phoenix')], want: at('2026-03-15T17:30:00Z') },
  // Denver leaves DST on 1 November 2026: 15:30 MDT on 31 October is 21:30Z; the next 10:00 is MST, 17:00Z.
  {
    name: 'one window in America/Denver across the end of DST',
    notBefore: at('2026-02-26T00:00:00Z'),
    notAfter: at('2026-11-03T00:00:00Z'),
    target: at('2026-10-31T21:30:00Z'),
    windows: [w('0 10 * * *', 2 * H, 'America/Denver')],
    want: at('2026-11-01T17:00:00Z'),
  },
  { name: 'no window before expiry: error, target kept', notBefore: TEN_DAYS_AGO, notAfter: plus(24 * H), target: plus(13 * H + 30 * M), windows: [w('0 10 * * *', 2 * H, 'UTC')], want: plus(13 * H + 30 * M), windowError: true },
];

for (const c of cmWindowCases) {
  test(`cert-manager's TestRenewalWithWindowsForRenewBefore: ${c.name}`, () => {
    const desired = renewalTime(c.notBefore, c.notAfter, { renewBeforeMs: c.notAfter.getTime() - c.target.getTime() });
    assert.equal(desired.toISOString(), c.target.toISOString());
    const r = renewalTimeWithWindows({ desired, notBefore: c.notBefore, notAfter: c.notAfter, policy: 'RenewBefore', windows: c.windows });
    assert.equal(time(r), c.want.toISOString());
    assert.equal(r.kind === 'noWindow', c.windowError === true);
  });
}

test('cert-manager’s ARI case: a moment picked in the ARI window [10:00, 11:00) stays inside the cron window', () => {
  const ari = { start: plus(10 * H), end: plus(11 * H) };
  for (const random of [0, 0.25, 0.999999]) {
    const pick = chooseRenewalMoment(ari, () => random);
    const r = renewalTimeWithWindows({ desired: pick, notBefore: TEN_DAYS_AGO, notAfter: plus(48 * H), policy: 'RenewBefore', windows: [w('0 10 * * *', 2 * H, 'UTC')] });
    assert.equal(r.kind, 'inWindow');
    assert.equal(time(r), pick.toISOString());
    assert.ok(pick >= ari.start && pick < ari.end && NOW < pick);
  }
});

test('ARI and windows: a pick outside every window waits for the next one (not due before it opens)', () => {
  const pick = chooseRenewalMoment({ start: at('2026-03-02T12:00:00Z'), end: at('2026-03-03T12:00:00Z') }, () => 0.5);
  assert.equal(pick.toISOString(), '2026-03-03T00:00:00.000Z');
  const r = renewalTimeWithWindows({ desired: pick, notBefore: NB, notAfter: NA, policy: 'RenewBefore', windows: [w('0 2 * * 6', 4 * H, 'Europe/Berlin')] });
  assert.equal(time(r), '2026-03-07T01:00:00.000Z');
  // A run on Wednesday finds nothing due: the renewal time is Saturday's window.
  const wednesday = at('2026-03-04T12:00:00Z');
  assert.ok('at' in r && r.at > wednesday);
});

test('cert-manager’s TestRenewalWithDisable', () => {
  const now = NOW.getTime();
  const desired = renewalTime(NOW, new Date(now + 24 * H), { renewBeforeMs: 20 * H });
  assert.deepEqual(renewalTimeWithWindows({ desired, notBefore: NOW, notAfter: new Date(now + 24 * H), policy: 'Disabled' }), { kind: 'disabled' });
});
