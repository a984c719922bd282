/**
 * When certctl runs next: from `--interval` (a Go duration) or `--schedule` (a cron expression).
 * ARI needs this to decide whether a moment in the CA's window would be missed by waiting for the
 * next run; `renew --schedule` uses it to sleep.
 */
import { parseGoDuration } from '../spec/duration.js';
import { parseWindowCron } from './cron-parse.js';
import { nextFiring } from './cron-next.js';
import { loadTimeZone } from './time-zone.js';

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
 * The first time strictly after `now` that the cron expression `expr` fires, in `timezone` (an
 * IANA name; the caller passes the system's zone when the user gave none). The same cron dialect
 * and daylight-saving behaviour as `spec.renewal.windows` (Go's robfig/cron, which cert-manager
 * uses): five fields, or `@daily`, `@weekly`, `@every 12h`... The npm `cron` package fires at
 * wall times a spring-forward skips and, across some DST changes, returns a time earlier than
 * `now` (measured: see src/renewal/cron-next.ts), which would make a daemon loop.
 */
export async function nextRunFromCron(expr: string, now: Date, timezone: string): Promise<Date> {
  const zone = loadTimeZone(timezone);
  if (!zone.ok) throw new Error(`invalid time zone ${JSON.stringify(timezone)} (use an IANA name such as Europe/Berlin or UTC)`);
  const parsed = parseWindowCron(expr, timezone);
  if (!parsed.ok) throw new Error(`invalid cron expression ${JSON.stringify(expr)}: ${parsed.message.replace(/^failed to parse cron spec '.*?': /, '')}`);
  const next = nextFiring(parsed.schedule, now);
  if (!next) throw new Error(`cron expression ${JSON.stringify(expr)} never fires (no time in the next five years matches)`);
  return next;
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
