/**
 * When a cron schedule next fires, exactly as cert-manager's copy of robfig/cron v3
 * (`SpecSchedule.Next`, `ConstantDelaySchedule.Next`) computes it, daylight saving included:
 *
 * - the search walks the wall clock field by field (month, day, hour, minute) and adds whole
 *   hours and minutes as absolute time, so a time skipped by a spring-forward change does not
 *   fire that day (Berlin `30 2 * * *` skips 29 March 2026), and a repeated one fires twice
 *   (`30 2 * * *` fires at 02:30 CEST and again at 02:30 CET on 25 October 2026);
 * - the result is strictly after the time given, on a whole second;
 * - nothing within five years of it: "never" (robfig returns Go's zero time).
 */
import type { CronField, CronSchedule } from './cron-parse.js';
import { wallClock, zonedDate, type WallClock } from './time-zone.js';

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which robfig returns for "never". */
export const GO_ZERO_TIME_MS = -62_135_596_800_000;

/** robfig v3.0.1 and cert-manager v1.21 give up after five years (cert-manager's master: nine). */
const SEARCH_YEARS = 5;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** `a mod b` for a positive b, never negative. */
const mod = (a: number, b: number): number => ((a % b) + b) % b;

/**
 * The first time the schedule fires strictly after `after`, or undefined when it does not
 * fire within five years (`0 0 30 2 *` never does).
 */
export function nextFiring(schedule: CronSchedule, after: Date): Date | undefined {
  const next = goNext(schedule, after.getTime());
  return next === GO_ZERO_TIME_MS ? undefined : new Date(next);
}

/**
 * robfig's `Next` on epoch milliseconds, returning {@link GO_ZERO_TIME_MS} for "never" as Go
 * does, because cert-manager's window search compares that zero time like any other.
 */
export function goNext(schedule: CronSchedule, afterMs: number): number {
  if (schedule.kind === 'every') return afterMs + schedule.delayMs - mod(afterMs, SECOND);
  if (neverMatches(schedule)) return GO_ZERO_TIME_MS;
  const { zone } = schedule;
  const date = (y: number, mo: number, d: number, h: number, mi: number, s: number): number => zonedDate(zone, y, mo, d, h, mi, s);
  let t = afterMs + SECOND - mod(afterMs, SECOND);
  let f = wallClock(zone, t);
  let added = false;
  const yearLimit = f.year + SEARCH_YEARS;
  const set = (ms: number): void => {
    t = ms;
    f = wallClock(zone, t);
  };

  wrap: for (;;) {
    if (f.year > yearLimit) return GO_ZERO_TIME_MS;

    while (!schedule.month.values.has(f.month)) {
      if (!added) {
        added = true;
        set(date(f.year, f.month, 1, 0, 0, 0));
      }
      set(date(f.year, f.month + 1, f.day, f.hour, f.minute, f.second));
      if (f.month === 1) continue wrap;
    }

    while (!dayMatches(schedule, f)) {
      if (!added) {
        added = true;
        set(date(f.year, f.month, f.day, 0, 0, 0));
      }
      set(date(f.year, f.month, f.day + 1, f.hour, f.minute, f.second));
      // Where midnight does not exist (a DST change at 00:00), land back on the day's start.
      if (f.hour !== 0) set(f.hour > 12 ? t + (24 - f.hour) * HOUR : t - f.hour * HOUR);
      if (f.day === 1) continue wrap;
    }

    while (!schedule.hour.values.has(f.hour)) {
      if (!added) {
        added = true;
        set(date(f.year, f.month, f.day, f.hour, 0, 0));
      }
      set(t + HOUR);
      if (f.hour === 0) continue wrap;
    }

    while (!schedule.minute.values.has(f.minute)) {
      if (!added) {
        added = true;
        set(Math.floor(t / MINUTE) * MINUTE);
      }
      set(t + MINUTE);
      if (f.minute === 0) continue wrap;
    }

    while (!schedule.second.values.has(f.second)) {
      if (!added) {
        added = true;
        set(Math.floor(t / SECOND) * SECOND);
      }
      set(t + SECOND);
      if (f.second === 0) continue wrap;
    }

    return t;
  }
}

function dayMatches(schedule: Extract<CronSchedule, { kind: 'calendar' }>, f: WallClock): boolean {
  const dom = schedule.dayOfMonth.values.has(f.day);
  const dow = schedule.dayOfWeek.values.has(f.weekday);
  return schedule.dayOfMonth.star || schedule.dayOfWeek.star ? dom && dow : dom || dow;
}

/**
 * A field with no values (`,` is a valid, empty list) can never match; robfig would walk five
 * years of minutes to find that out. The answer is the same.
 */
function neverMatches(schedule: Extract<CronSchedule, { kind: 'calendar' }>): boolean {
  const empty = (f: CronField): boolean => f.values.size === 0;
  const days = schedule.dayOfMonth.star || schedule.dayOfWeek.star
    ? empty(schedule.dayOfMonth) || empty(schedule.dayOfWeek)
    : empty(schedule.dayOfMonth) && empty(schedule.dayOfWeek);
  return empty(schedule.second) || empty(schedule.minute) || empty(schedule.hour) || empty(schedule.month) || days;
}
