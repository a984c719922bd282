/**
 * IANA time zones from the runtime's Intl data (no tz database of our own), with the two things
 * Go's `time` package does that cron windows depend on: which names `time.LoadLocation` accepts,
 * and how `time.Date` resolves a wall-clock time that a daylight-saving change skips or repeats.
 */

/** A loaded zone: its name and its UTC offset at any instant. */
export interface TimeZone {
  /** The name as given (Go's `Location.String()`), `UTC` for UTC. */
  readonly name: string;
  /** Milliseconds to add to a UTC instant to get the wall clock (+3_600_000 for CET). */
  offsetAt(utcMs: number): number;
}

/** Wall-clock fields in a zone, as Go's `Time.Date()`, `Clock()` and `Weekday()` give them. */
export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31. */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 (Sunday) – 6. */
  weekday: number;
}

/** UTC: what Go returns for `""`, `UTC` and (on a machine or container without a zone) `Local`. */
export const UTC_ZONE: TimeZone = Object.freeze({ name: 'UTC', offsetAt: () => 0 });

/** A loaded zone, or Go's message for a name it does not load (`unknown time zone X`). */
export type LoadedZone = { ok: true; zone: TimeZone } | { ok: false; message: string };

/**
 * Go's `time.LoadLocation(name)`, answered from Intl. `""` and `UTC` are UTC; `Local` is treated
 * as UTC, which is what cert-manager's controller sees in its container (and the times it works
 * on are UTC anyway). Other names must be IANA names spelled exactly, case included: Go reads
 * them as file names, so `europe/berlin`, which Intl would accept, fails there and fails here.
 * Intl cannot tell the case of an alias (`US/Eastern`), so an alias is accepted when it is
 * shaped like one (each part capitalised). Offsets such as `+01:00` are not zone names in Go;
 * Go's `Factory` and `posixrules` (files, not zones) are not accepted here.
 */
export function loadTimeZone(name: string): LoadedZone {
  if (name === '' || name === 'UTC' || name === 'Local') return { ok: true, zone: UTC_ZONE };
  const unknown = { ok: false as const, message: `unknown time zone ${name}` };
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return { ok: false, message: 'time: invalid location name' };
  // ICU still knows the SystemV/ zones the tz database dropped in 2020.
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name) || name.startsWith('SystemV/')) return unknown;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return unknown;
  }
  const canonical = format.resolvedOptions().timeZone;
  if (canonical !== name) {
    // Same letters in another case: Go looks up a file by that exact name and does not find it.
    if (canonical.toLowerCase() === name.toLowerCase()) return unknown;
    // An alias: its case cannot be checked against Intl, so accept the shapes IANA names have
    // (each part capitalised, not a shouted word like EASTERN).
    if (!name.split('/').every((part) => /^[A-Z0-9]/.test(part) && !/^[A-Z]{5,}$/.test(part))) return unknown;
  }
  return { ok: true, zone: intlZone(name, format) };
}

function intlZone(name: string, format: Intl.DateTimeFormat): TimeZone {
  return Object.freeze({
    name,
    offsetAt(utcMs: number): number {
      const second = Math.floor(utcMs / 1000) * 1000;
      const p = partsOf(format, second);
      return civilToMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - second;
    },
  });
}

/**
 * The wall clock Intl prints for `ms` as the six numbers of en-US's `M/D/YYYY, HH:MM:SS`
 * (`format` is three times faster than `formatToParts`, and cron searches call this a lot).
 */
function partsOf(format: Intl.DateTimeFormat, ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const n = format.format(ms).match(/\d+/g);
  if (!n || n.length !== 6) throw new Error(`unexpected date format from Intl: ${format.format(ms)}`);
  return { month: Number(n[0]), day: Number(n[1]), year: Number(n[2]), hour: Number(n[3]), minute: Number(n[4]), second: Number(n[5]) };
}

/** Days from 1970-01-01 to the given proleptic Gregorian date; month may be outside 1–12. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y0 = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  // Count from March so that the leap day is the last day of the counted year.
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The instant whose UTC fields are these; every field may overflow, as in Go's `time.Date`. */
function civilToMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
}

/** The wall clock in `zone` at `utcMs`. */
export function wallClock(zone: TimeZone, utcMs: number): WallClock {
  const d = new Date(utcMs + zone.offsetAt(utcMs));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * Go's `time.Date(year, month, day, hour, minute, second, 0, zone)` as an instant. Fields may
 * overflow (month 13 is January next year). A wall time that does not exist or exists twice is
 * resolved as Go does: take the offset in force at the wall time read as UTC; if the instant that
 * gives lies outside that offset's period, use the offset in force at that instant instead. So
 * 02:30 on Berlin's spring-forward day is 03:30 CEST, 02:30 on its fall-back day the second one
 * (CET), and 01:30 on New York's fall-back day the first one (EDT).
 */
export function zonedDate(zone: TimeZone, year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const asUtc = civilToMs(year, month, day, hour, minute, second);
  const guess = zone.offsetAt(asUtc);
  if (guess === 0) return asUtc;
  // Go keeps `guess` when asUtc - guess lies in the same zone period and otherwise looks the
  // offset up again at asUtc - guess; either way the offset is the one in force there.
  return asUtc - zone.offsetAt(asUtc - guess);
}
