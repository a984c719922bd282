/**
 * The cron syntax cert-manager accepts in `spec.renewal.windows[].cron`, parsed exactly as its
 * copy of robfig/cron v3 does (`internal/cron`, parser options Minute | Hour | Dom | Month | Dow |
 * Descriptor) and wrapped as `util.CronParse` wraps it:
 *
 * - five fields, split on white space: minute 0–59, hour 0–23, day of month 1–31, month 1–12 or
 *   `jan`–`dec`, day of week 0–6 or `sun`–`sat` (names in any case; 7 is not Sunday);
 * - each field a comma list of `*` or `?`, `N`, `N-M`, any of them with `/step`; `N/step` means
 *   `N-max/step`; `+5` and `05` are numbers; empty list items are skipped;
 * - `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`, and
 *   `@every <Go duration>` (a fixed delay after the time asked about, rounded down to seconds,
 *   at least 1s);
 * - an optional `CRON_TZ=<zone> ` or `TZ=<zone> ` prefix; cert-manager adds one itself from the
 *   window's timezone, so a window with a timezone cannot have its own.
 *
 * Days: when the day-of-month or the day-of-week field starts with `*` or `?` (without a step
 * above 1), both must match; otherwise either may. So `0 0 1 * MON` fires on the 1st and on
 * Mondays, and a day-of-month of every-second-day (star, slash, 2) with MON fires on odd days
 * and on Mondays.
 */
import { loadTimeZone, UTC_ZONE, type TimeZone } from './time-zone.js';
import { parseGoDuration } from '../spec/duration.js';

/** The values one field matches, and whether it was written as `*`/`?` (robfig's star bit). */
export interface CronField {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/** A parsed expression: a calendar pattern in a zone, or `@every` (a fixed delay). */
export type CronSchedule =
  | {
      readonly kind: 'calendar';
      readonly second: CronField;
      readonly minute: CronField;
      readonly hour: CronField;
      readonly dayOfMonth: CronField;
      readonly month: CronField;
      readonly dayOfWeek: CronField;
      /** Without a CRON_TZ prefix: UTC (Go's Local, which evaluates in the time's own zone: UTC). */
      readonly zone: TimeZone;
    }
  | { readonly kind: 'every'; readonly delayMs: number };

/** A parsed expression, or cert-manager's message for why it does not parse. */
export type ParsedCron = { ok: true; schedule: CronSchedule } | { ok: false; message: string };

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace use (JS's \s differs). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACES = new RegExp(`[${GO_SPACE}]+`);
const EDGE_SPACES = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

class CronSyntaxError extends Error {}

/**
 * cert-manager's `util.CronParse(cron, timezone)`: `CRON_TZ=<timezone> ` is put in front when
 * `timezone` is not empty, then the expression is parsed. The message reads like cert-manager's:
 * `failed to parse cron spec '<cron>': <why>`.
 */
export function parseWindowCron(cron: string, timezone: string): ParsedCron {
  const spec = timezone !== '' ? `CRON_TZ=${timezone} ${cron}` : cron;
  try {
    return { ok: true, schedule: parseCronSpec(spec) };
  } catch (err) {
    if (!(err instanceof CronSyntaxError)) throw err;
    return { ok: false, message: `failed to parse cron spec '${cron}': ${err.message}` };
  }
}

/** robfig's `Parser.Parse`; throws CronSyntaxError with its message. */
function parseCronSpec(input: string): CronSchedule {
  if (input.length === 0) throw new CronSyntaxError('empty spec string');
  let spec = input;
  let zone = UTC_ZONE;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    if (space === -1) throw new CronSyntaxError(`expected timezone prefix to be followed by a cron spec: ${spec}`);
    const name = spec.slice(spec.indexOf('=') + 1, space);
    const loaded = loadTimeZone(name);
    if (!loaded.ok) throw new CronSyntaxError(`provided bad location ${name}: ${loaded.message}`);
    zone = loaded.zone;
    spec = spec.slice(space).replace(EDGE_SPACES, '');
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, zone);
  const fields = spec.split(SPACES).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return {
    kind: 'calendar',
    second: parseField('0', SECONDS),
    minute: parseField(fields[0], MINUTES),
    hour: parseField(fields[1], HOURS),
    dayOfMonth: parseField(fields[2], DAYS_OF_MONTH),
    month: parseField(fields[3], MONTHS),
    dayOfWeek: parseField(fields[4], DAYS_OF_WEEK),
    zone,
  };
}

function parseField(field: string, bounds: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    if (expr === '') continue;
    const range = parseRange(expr, bounds);
    for (const v of range.values) values.add(v);
    star ||= range.star;
  }
  return { values, star };
}

/** `number | number "-" number [ "/" number ]`, `*` or `?` for the whole range. */
function parseRange(expr: string, bounds: Bounds): { values: number[]; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const single = lowAndHigh.length === 1;
  let start: bigint;
  let end: bigint;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    // Whatever follows a `*-` is ignored, as robfig does.
    start = BigInt(bounds.min);
    end = BigInt(bounds.max);
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], bounds.names);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    step = parseNonNegativeInt(rangeAndStep[1]);
    if (single) end = BigInt(bounds.max);
    if (step > 1n) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronSyntaxError(`too many slashes: ${expr}`);
  }
  if (start < BigInt(bounds.min)) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > BigInt(bounds.max)) throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  // start and end are within bounds here; any step longer than a field leaves just `start`.
  const stride = step > 60n ? 60 : Number(step);
  for (let v = Number(start); v <= Number(end); v += stride) values.push(v);
  return { values, star };
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): bigint {
  const name = expr.toLowerCase();
  return names && Object.hasOwn(names, name) ? BigInt(names[name]) : parseNonNegativeInt(expr);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.Atoi` (an int64: optional sign, decimal digits), then "not negative". */
function parseNonNegativeInt(expr: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(expr)) {
    throw new CronSyntaxError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`);
  }
  const n = BigInt(expr);
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new CronSyntaxError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`);
  }
  if (n < 0n) throw new CronSyntaxError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

/** Close enough to Go's %q for the messages: JSON's escaping. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

function fixed(second: number, minute: number, hour: number, dayOfMonth: CronField, month: CronField, dayOfWeek: CronField): Omit<
  Extract<CronSchedule, { kind: 'calendar' }>,
  'zone'
> {
  return { kind: 'calendar', second: only(second), minute: only(minute), hour: only(hour), dayOfMonth, month, dayOfWeek };
}

function only(v: number): CronField {
  return { values: new Set([v]), star: false };
}

function all(bounds: Bounds): CronField {
  const values = new Set<number>();
  for (let v = bounds.min; v <= bounds.max; v++) values.add(v);
  return { values, star: true };
}

function parseDescriptor(descriptor: string, zone: TimeZone): CronSchedule {
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return { ...fixed(0, 0, 0, only(1), only(1), all(DAYS_OF_WEEK)), zone };
    case '@monthly':
      return { ...fixed(0, 0, 0, only(1), all(MONTHS), all(DAYS_OF_WEEK)), zone };
    case '@weekly':
      return { ...fixed(0, 0, 0, all(DAYS_OF_MONTH), all(MONTHS), only(0)), zone };
    case '@daily':
    case '@midnight':
      return { ...fixed(0, 0, 0, all(DAYS_OF_MONTH), all(MONTHS), all(DAYS_OF_WEEK)), zone };
    case '@hourly':
      return { ...fixed(0, 0, 0, all(DAYS_OF_MONTH), all(MONTHS), all(DAYS_OF_WEEK)), hour: all(HOURS), zone };
    default:
      break;
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    const d = parseGoDuration(descriptor.slice(every.length));
    if (!d.ok) throw new CronSyntaxError(`failed to parse duration ${descriptor}: time: ${d.message}`);
    // robfig's Every: at least a second, whole seconds.
    const ms = Math.max(d.ms, 1000);
    return { kind: 'every', delayMs: Math.floor(ms / 1000) * 1000 };
  }
  throw new CronSyntaxError(`unrecognized descriptor: ${descriptor}`);
}
