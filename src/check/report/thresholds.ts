/**
 * `--warning` and `--critical`: how long before expiry a check turns WARNING or CRITICAL.
 * Days as monitoring people write them (`30d`, or a bare `30`), Go durations as the rest of
 * certctl (`720h`), or a share of the certificate's lifetime (`25%`), which suits 90-day,
 * 45-day and 6-day certificates alike.
 */
import { parseGoDuration } from '../../spec/duration.js';

const DAY_MS = 86_400_000;

/** A parsed threshold; `text` is how it was written, for messages. */
export type Threshold = { kind: 'duration'; ms: number; text: string } | { kind: 'percent'; percent: number; text: string };

/** Parses a threshold; throws an Error saying what is accepted. */
export function parseThreshold(text: string): Threshold {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (percent) {
    const p = Number(percent[1]);
    if (p > 100) throw new Error(`${JSON.stringify(text)}: a share of the lifetime cannot exceed 100%`);
    return { kind: 'percent', percent: p, text: t };
  }
  const days = /^(\d+(?:\.\d+)?)d?$/.exec(t);
  if (days) return { kind: 'duration', ms: Number(days[1]) * DAY_MS, text: t };
  const d = parseGoDuration(t);
  if (d.ok && d.ms >= 0) return { kind: 'duration', ms: d.ms, text: t };
  throw new Error(`${JSON.stringify(text)}: expected days (30d or 30), a Go duration (720h) or a share of the lifetime (25%)`);
}

/** The threshold as a time before expiry for a certificate living `lifetimeMs`. */
export function thresholdMs(t: Threshold, lifetimeMs: number): number {
  return t.kind === 'percent' ? (lifetimeMs * t.percent) / 100 : t.ms;
}

/** Throws when `critical` would fire before `warning` (both fixed), a sure sign of swapped flags. */
export function checkThresholdOrder(warning: Threshold, critical: Threshold): void {
  const bothFixed = warning.kind === critical.kind;
  const w = warning.kind === 'percent' ? warning.percent : warning.ms;
  const c = critical.kind === 'percent' ? critical.percent : critical.ms;
  if (bothFixed && c > w) throw new Error(`--critical ${critical.text} is earlier than --warning ${warning.text}: critical must be closer to expiry`);
}
