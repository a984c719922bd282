/**
 * Go `time.ParseDuration`, the syntax of every cert-manager duration field (`metav1.Duration`).
 * Accepting exactly Go's syntax keeps manifests portable between certctl and cert-manager.
 */

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's limit: a Duration is an int64 count of nanoseconds. */
const MAX_NS = 9223372036854775807;

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string; hint?: string };

const HINT = 'use Go duration syntax with h, m or s, e.g. 2160h for 90 days';

/** Parses a Go duration string (`2160h`, `1h30m`, `1.5h`, `-5m`, `300ms`) into milliseconds. */
export function parseGoDuration(text: string): DurationResult {
  const bad = (message: string): DurationResult => ({ ok: false, message, hint: HINT });
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return bad(`invalid duration ${JSON.stringify(text)}`);
  let totalNs = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === '')) return bad(`invalid duration ${JSON.stringify(text)}`);
    s = s.slice(m?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return bad(`invalid duration ${JSON.stringify(text)}: missing unit`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) {
      const days = unit === 'd' || unit === 'w' || unit === 'y';
      return {
        ok: false,
        message: `invalid duration ${JSON.stringify(text)}: unknown unit ${JSON.stringify(unit)}`,
        hint: days ? 'use hours, e.g. 2160h for 90 days' : HINT,
      };
    }
    s = s.slice(unit.length);
    totalNs += Number(`${whole || '0'}.${frac ?? ''}0`) * scale;
    if (totalNs > MAX_NS) return { ok: false, message: `invalid duration ${JSON.stringify(text)}: too large` };
  }
  const ms = totalNs / 1e6;
  return { ok: true, ms: negative ? -ms : ms };
}

/** Renders milliseconds the way Go prints durations (`2160h0m0s` becomes the friendlier `2160h`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  return sign + (h ? `${h}h` : '') + (m ? `${m}m` : '') + (s ? `${s}s` : '');
}
