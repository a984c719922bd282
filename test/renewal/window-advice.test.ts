/**
 * Advice for unattended runs: which windows a run interval can miss, and a --schedule that lands
 * in every window. The suggested schedules are checked by walking real firings of them (our Go
 * cron) against the windows' real occurrences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suggestSchedule, windowShorterThanInterval } from '../../src/renewal/window-advice.js';
import { parseWindowCron } from '../../src/renewal/cron-parse.js';
import { nextFiring } from '../../src/renewal/cron-next.js';
import { windowContaining, type RenewalWindow } from '../../src/renewal/windows.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const w = (cron: string, windowDurationMs: number, timezone?: string): RenewalWindow => ({ cron, windowDurationMs, timezone });

test('windowShorterThanInterval: windows shorter than interval + jitter can be missed', () => {
  const windows = [w('0 2 * * 6', 2 * H, 'Europe/Berlin'), w('0 22 * * *', 30 * M), w('0 0 * * 0', 12 * H)];
  assert.deepEqual(windowShorterThanInterval(windows, H), [{ index: 1, cron: '0 22 * * *', windowDurationMs: 30 * M }]);
  assert.deepEqual(
    windowShorterThanInterval(windows, 2 * H, 5 * M).map((m) => m.index),
    [0, 1],
  );
  // A window exactly as long as the interval always contains one run.
  assert.deepEqual(windowShorterThanInterval(windows, 2 * H), [{ index: 1, cron: '0 22 * * *', windowDurationMs: 30 * M }]);
  assert.deepEqual(windowShorterThanInterval(windows, 12 * H).length, 2);
  assert.deepEqual(windowShorterThanInterval([], 12 * H), []);
});

/**
 * Every occurrence of every window in four weeks (and across Berlin's spring-forward) must
 * contain a firing of `schedule` that is still inside after `delayMs` of jitter.
 */
function assertLandsInEveryWindow(windows: RenewalWindow[], schedule: string, timezone: string, delayMs: number): number {
  const parsed = parseWindowCron(schedule, timezone);
  assert.ok(parsed.ok, schedule);
  const from = new Date('2026-03-16T00:00:00Z').getTime();
  const to = from + 28 * D;
  const covered = new Set<string>();
  for (let t = nextFiring(parsed.schedule, new Date(from)); t && t.getTime() < to; t = nextFiring(parsed.schedule, t)) {
    const open = windowContaining(windows, new Date(t.getTime() + delayMs));
    if (open && t >= open.start) covered.add(`${open.index}@${open.start.toISOString()}`);
  }
  let occurrences = 0;
  for (const [index, win] of windows.entries()) {
    const cron = parseWindowCron(win.cron, win.timezone || 'UTC');
    assert.ok(cron.ok);
    for (let s = nextFiring(cron.schedule, new Date(from)); s && s.getTime() < to - win.windowDurationMs; s = nextFiring(cron.schedule, s)) {
      occurrences++;
      assert.ok(covered.has(`${index}@${s.toISOString()}`), `window ${index} opening ${s.toISOString()} gets no run of ${schedule} (${timezone})`);
    }
  }
  return occurrences;
}

test('suggestSchedule: one window → its own schedule a minute in, in its zone', () => {
  const windows = [w('0 2 * * 6', 2 * H, 'Europe/Berlin')];
  const s = suggestSchedule(windows, 5 * M);
  assert.deepEqual(s, {
    ok: true,
    schedule: '1 2 * * 6',
    timezone: 'Europe/Berlin',
    explanation: 'one minute after each window opens (Europe/Berlin), so that a run lands inside it even with up to 5m of jitter',
  });
  assert.ok(s.ok);
  assert.equal(assertLandsInEveryWindow(windows, s.schedule, s.timezone, 5 * M), 4);
});

test('suggestSchedule: windows differing only in hour are merged; descriptors and steps come back as cron text', () => {
  const windows = [w('30 2 * * 1-5', H, 'America/New_York'), w('30 22 * * 1-5', H, 'America/New_York')];
  const s = suggestSchedule(windows, 5 * M);
  assert.equal(s.ok && `${s.schedule} ${s.timezone}`, '31 2,22 * * 1-5 America/New_York');
  assert.ok(s.ok);
  assert.equal(assertLandsInEveryWindow(windows, s.schedule, s.timezone, 5 * M), 40);
  assert.equal((suggestSchedule([w('@weekly', 6 * H)]) as { schedule: string }).schedule, '1 0 * * 0');
  assert.equal((suggestSchedule([w('0 */6 1,15 * *', 2 * H)]) as { schedule: string }).schedule, '1 0-18/6 1,15 * *');
});

test('suggestSchedule: windows in different zones or shapes → a run every N in UTC', () => {
  const windows = [w('0 2 * * 6', 2 * H, 'Europe/Berlin'), w('0 22 * * 1-5', 30 * M, 'Asia/Kolkata')];
  const s = suggestSchedule(windows, 5 * M);
  assert.deepEqual(s, {
    ok: true,
    schedule: '*/20 * * * *',
    timezone: 'UTC',
    explanation: 'every 20m: with up to 5m of jitter a run falls inside every window of at least 25m (the shortest is 30m)',
  });
  assert.ok(s.ok);
  assert.equal(assertLandsInEveryWindow(windows, s.schedule, s.timezone, 5 * M), 24);
  const hourly = suggestSchedule([w('0 2 * * 6', 2 * H), w('0 3 * * 0', 2 * H)], 0);
  assert.equal(hourly.ok && hourly.schedule, '0 */2 * * *');
});

test('suggestSchedule: a window too short for the jitter has no schedule, and says why', () => {
  assert.deepEqual(suggestSchedule([w('0 2 * * 6', 5 * M)], 5 * M), {
    ok: false,
    message: 'the shortest renewal window (5m) is not longer than the jitter (5m) plus a minute: no schedule reliably lands inside it; lengthen the window or lower --jitter',
  });
  assert.deepEqual(suggestSchedule([]), { ok: false, message: 'no renewal windows: any schedule will do' });
  // A window opening at minute 59 would carry into the next hour: the periodic fallback instead.
  const s = suggestSchedule([w('59 1 * * *', 2 * H)], 0);
  assert.equal(s.ok && s.schedule, '0 */2 * * *');
});
