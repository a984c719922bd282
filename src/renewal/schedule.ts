/**
 * When certctl runs next: from `--interval` (a Go duration) or `--schedule` (a cron expression).
 * ARI needs this to decide whether a moment in the CA's window would be missed by waiting for the
 * next run; `renew --schedule` uses it to sleep.
 */
import { parseGoDuration } from '../spec/duration.js';

/** The shortest `--interval` accepted; anything shorter is a typo (`1s` for `1h`) or a hammer. */
const MIN_INTERVAL_MS = 1000;

/**
 * Parses `--interval` (Go duration syntax, `12h`, `90m`) into milliseconds. Throws an Error with
 * a message naming the value when it is not a duration or not at least one second.
 */
export function parseInterval(text: string): number {
  const d = parseGoDuration(text.trim());
  if (!d.ok) throw new Error(`${d.message}${d.hint ? ` (${d.hint})` : ''}`);
  if (!(d.ms >= MIN_INTERVAL_MS)) throw new Error(`interval ${JSON.stringify(text)} must be at least 1s (e.g. 12h)`);
  return d.ms;
}

/** `now + intervalMs`: the next run of a job started every `intervalMs` (cron, a systemd timer). */
export function nextRunFromInterval(now: Date, intervalMs: number): Date {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new Error(`interval must be a positive number of milliseconds, got ${intervalMs}`);
  return new Date(now.getTime() + intervalMs);
}

/**
 * The first time strictly after `now` that the cron expression `expr` fires (5 fields, or 6 with
 * seconds first; `@daily` and friends), in `timezone` (IANA name) or the system's local zone.
 * The `cron` package (and luxon under it) loads only here, so commands that never schedule do not
 * pay for it. Rejects with a message naming the expression or the zone when either is invalid.
 */
export async function nextRunFromCron(expr: string, now: Date, timezone?: string): Promise<Date> {
  const { CronTime } = await import('cron');
  let time: InstanceType<typeof CronTime>;
  try {
    time = new CronTime(expr, timezone);
  } catch (err) {
    const msg = (err as Error).message;
    if (/timezone/i.test(msg)) throw new Error(`invalid time zone ${JSON.stringify(timezone)} (use an IANA name such as Europe/Berlin or UTC)`);
    throw new Error(`invalid cron expression ${JSON.stringify(expr)}: ${msg}`);
  }
  try {
    // CronTime keeps its zone for sendAt() only; getNextDateFrom needs it again.
    return time.getNextDateFrom(now, timezone).toJSDate();
  } catch (err) {
    // e.g. `0 0 30 2 *` (30 February) never fires.
    throw new Error(`cron expression ${JSON.stringify(expr)} never fires: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * A random delay in [0, maxMs) before the first network call of an unattended run, so that the
 * many clients whose cron fires at the same minute do not reach the CA together (certbot and lego
 * do the same). `random` returns [0, 1), like Math.random.
 */
export function jitterMs(maxMs: number, random: () => number): number {
  if (!(maxMs > 0) || !Number.isFinite(maxMs)) return 0;
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * maxMs);
}
