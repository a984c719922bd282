/**
 * Advice for running `certctl renew` unattended against renewal windows: a run only renews
 * inside a window if a run happens inside it, so runs must be at least as frequent as the
 * shortest window, or timed to land in every window. Pure functions; the CLI prints them.
 */
import { parseWindowCron, type CronField } from './cron-parse.js';
import type { RenewalWindow } from './windows.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A window that runs every `intervalMs` can step over. */
export interface MissableWindow {
  index: number;
  cron: string;
  windowDurationMs: number;
}

/**
 * The windows a run every `intervalMs`, each started up to `jitterMs` late (`--jitter`), can miss
 * entirely: those shorter than interval + jitter. Two runs are at most that far apart, so a
 * window at least that long always contains one. A missed window does not lose the renewal: the
 * next run after it renews, outside the windows, as cert-manager does after a missed window.
 */
export function windowShorterThanInterval(windows: readonly RenewalWindow[], intervalMs: number, jitterMs = 0): MissableWindow[] {
  const gap = intervalMs + Math.max(jitterMs, 0);
  return windows.flatMap((w, index) => (w.windowDurationMs < gap ? [{ index, cron: w.cron, windowDurationMs: w.windowDurationMs }] : []));
}

/** A `renew --schedule` (and its `--timezone`) that lands in every window, or why none does. */
export type ScheduleSuggestion =
  | { ok: true; schedule: string; timezone: string; explanation: string }
  | { ok: false; message: string };

/** Fixed periods that divide an hour or a day, so "every N" stays regular across midnight. */
const PERIODS_MS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].map((m) => m * MINUTE).concat([1, 2, 3, 4, 6, 8, 12].map((h) => h * HOUR));

/**
 * A cron schedule for `renew --schedule` that lands inside every window:
 *
 * - when all windows share a zone and differ at most in their hour, the windows' own schedule one
 *   minute after they open (a timer that fires a little early then still lands inside), e.g.
 *   `1 2 * * 6` for `0 2 * * 6`; it needs every window longer than 1m + `jitterMs`;
 * - otherwise a run every N (in UTC) with N + `jitterMs` no longer than the shortest window.
 *
 * `jitterMs` is the longest random delay before each run (`--jitter`, 0 with `--no-jitter`).
 */
export function suggestSchedule(windows: readonly RenewalWindow[], jitterMs = 0): ScheduleSuggestion {
  if (windows.length === 0) return { ok: false, message: 'no renewal windows: any schedule will do' };
  const jitter = Math.max(jitterMs, 0);
  const shortest = Math.min(...windows.map((w) => w.windowDurationMs));
  const aligned = alignedSchedule(windows, jitter);
  if (aligned) return aligned;
  const period = [...PERIODS_MS].reverse().find((p) => p + jitter <= shortest);
  if (period === undefined) {
    return {
      ok: false,
      message: `the shortest renewal window (${minutes(shortest)}) is not longer than the jitter (${minutes(jitter)}) plus a minute: no schedule reliably lands inside it; lengthen the window or lower --jitter`,
    };
  }
  const schedule = period < HOUR ? (period === MINUTE ? '* * * * *' : `*/${period / MINUTE} * * * *`) : period === HOUR ? '0 * * * *' : `0 */${period / HOUR} * * *`;
  return {
    ok: true,
    schedule,
    timezone: 'UTC',
    explanation: `every ${minutes(period)}: with up to ${minutes(jitter)} of jitter a run falls inside every window of at least ${minutes(period + jitter)} (the shortest is ${minutes(shortest)})`,
  };
}

function alignedSchedule(windows: readonly RenewalWindow[], jitter: number): ScheduleSuggestion | undefined {
  const zones = new Set(windows.map((w) => w.timezone || 'UTC'));
  if (zones.size !== 1) return undefined;
  const [zone] = zones;
  if (windows.some((w) => !(w.windowDurationMs > MINUTE + jitter))) return undefined;
  const parsed = windows.map((w) => parseWindowCron(w.cron, zone));
  const fields = [];
  for (const p of parsed) {
    if (!p.ok || p.schedule.kind !== 'calendar') return undefined;
    fields.push(p.schedule);
  }
  const first = fields[0];
  const sameExceptHour = fields.every(
    (f) => sameField(f.minute, first.minute) && sameField(f.dayOfMonth, first.dayOfMonth) && sameField(f.month, first.month) && sameField(f.dayOfWeek, first.dayOfWeek),
  );
  // One minute in, without carrying into the next hour.
  if (!sameExceptHour || first.minute.values.size !== 1) return undefined;
  const [minute] = first.minute.values;
  if (minute > 58) return undefined;
  const hours: CronField = { values: new Set(fields.flatMap((f) => [...f.hour.values])), star: fields.some((f) => f.hour.star) };
  const schedule = [String(minute + 1), render(hours, 0, 23), render(first.dayOfMonth, 1, 31), render(first.month, 1, 12), render(first.dayOfWeek, 0, 6)].join(' ');
  return {
    ok: true,
    schedule,
    timezone: zone,
    explanation: `one minute after each window opens (${zone}), so that a run lands inside it even with up to ${minutes(jitter)} of jitter`,
  };
}

function sameField(a: CronField, b: CronField): boolean {
  return a.star === b.star && a.values.size === b.values.size && [...a.values].every((v) => b.values.has(v));
}

/** A field back as cron text: `*` when it was a star over the whole range, else ranges and steps. */
function render(field: CronField, min: number, max: number): string {
  const values = [...field.values].sort((a, b) => a - b);
  if (field.star && values.length === max - min + 1) return '*';
  if (values.length > 2) {
    const step = values[1] - values[0];
    if (step > 1 && values.every((v, i) => i === 0 || v - values[i - 1] === step)) {
      // Not `*` with a step: a star with a step above 1 has no star bit, and this keeps it so.
      return `${values[0]}-${values[values.length - 1]}/${step}`;
    }
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    parts.push(j - i >= 2 ? `${values[i]}-${values[j]}` : values.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

function minutes(ms: number): string {
  if (ms % HOUR === 0 && ms >= HOUR) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${Math.round(ms / 1000)}s`;
}
