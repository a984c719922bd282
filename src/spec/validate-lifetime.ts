/**
 * Certificate lifetime and renewal fields: `duration`, `renewBefore`, `renewBeforePercentage`,
 * `renewal`. Durations use Go's syntax so manifests stay valid for cert-manager.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { fail, mapEntries, readList, readString, report, typeError } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { formatDuration, parseGoDuration } from './duration.js';
import { toPlainJson } from './plain-json.js';
import { validateRenewalWindow } from '../renewal/window-validation.js';
import type { RenewalWindow } from '../renewal/windows.js';

const HOUR = 3_600_000;
const MIN_DURATION_MS = HOUR;
const MIN_RENEW_BEFORE_MS = 5 * 60_000;
/** cert-manager's DefaultCertificateDuration (90 days). */
export const DEFAULT_DURATION_MS = 2160 * HOUR;

/** A Go duration string in milliseconds; reports and returns undefined otherwise. */
export function readDuration(cur: Cur): number | undefined {
  if (isScalar(cur.node) && typeof cur.node.value === 'number') {
    return typeError(cur, 'a duration string such as "2160h"', 'durations need a unit: h, m or s, e.g. 2160h for 90 days');
  }
  const text = readString(cur);
  if (text === undefined) return undefined;
  const parsed = parseGoDuration(text);
  return parsed.ok ? parsed.ms : fail(cur, parsed.message, parsed.hint);
}

export interface Lifetime {
  durationMs: number;
  durationSet: boolean;
  renewBeforeMs?: number;
  renewBeforePercentage?: number;
  renewalDisabled: boolean;
  /** `spec.renewal.windows`, validated: renewals happen only inside them. */
  renewalWindows: RenewalWindow[];
}

export function readLifetime(spec: MapReader): Lifetime {
  const out: Lifetime = { durationMs: DEFAULT_DURATION_MS, durationSet: false, renewalDisabled: false, renewalWindows: [] };
  const durCur = spec.get('duration');
  const duration = durCur && readDuration(durCur);
  if (durCur && duration !== undefined) {
    if (duration < MIN_DURATION_MS) fail(durCur, `must be at least 1h, got ${formatDuration(duration)}`);
    out.durationMs = duration;
    out.durationSet = true;
  }
  const rbCur = spec.get('renewBefore');
  const renewBefore = rbCur && readDuration(rbCur);
  if (rbCur && renewBefore !== undefined) {
    if (renewBefore < MIN_RENEW_BEFORE_MS) fail(rbCur, `must be at least 5m, got ${formatDuration(renewBefore)}`);
    else if (renewBefore >= out.durationMs) {
      const what = out.durationSet ? 'spec.duration' : 'the default duration';
      fail(rbCur, `must be less than ${what} (${formatDuration(out.durationMs)}), got ${formatDuration(renewBefore)}`);
    }
    out.renewBeforeMs = renewBefore;
  }
  const pctCur = spec.get('renewBeforePercentage');
  const pct = spec.int('renewBeforePercentage');
  if (pctCur && pct !== undefined) {
    if (rbCur) {
      report(pctCur, pctCur.keyPos, 'renewBefore and renewBeforePercentage are mutually exclusive', 'set only one of them');
    } else if (pct <= 0 || pct >= 100) {
      fail(pctCur, `must be between 1 and 99, got ${pct}`);
    } else {
      // The controller renews when pct% of the lifetime is left (pki.RenewalTime). cert-manager's
      // webhook checks the complement, (100-pct)%, which is a bug (fixed upstream in #9129); we
      // validate what will actually happen, and also when duration and renewBefore are unset.
      const effective = (out.durationMs * pct) / 100;
      if (effective < MIN_RENEW_BEFORE_MS) {
        fail(pctCur, `${pct}% of ${formatDuration(out.durationMs)} is ${formatDuration(effective)}, less than the 5m minimum`);
      }
    }
    out.renewBeforePercentage = pct;
  }
  readRenewal(spec, out);
  return out;
}

/**
 * `spec.renewal`: policy and windows. Each window is checked with cert-manager's rules
 * (renewal/window-validation.ts: the cron parses, the zone loads, the duration matches the CRD's
 * pattern and is not zero), each problem placed at the field it is about.
 */
function readRenewal(spec: MapReader, out: Lifetime): void {
  const m = spec.map('renewal', ['policy', 'windows']);
  if (!m) return;
  const policyCur = m.required('policy', 'a string');
  const policy = policyCur && m.enumOf('policy', ['RenewBefore', 'Disabled'] as const);
  out.renewalDisabled = policy === 'Disabled';
  const windowsCur = m.get('windows');
  const items = windowsCur && readList(windowsCur);
  if (!windowsCur || !items || items.length === 0) return;
  if (policy === 'Disabled') {
    report(windowsCur, windowsCur.keyPos, 'windows cannot be set when renewal.policy is Disabled', 'remove them, or use policy: RenewBefore');
    return;
  }
  for (const item of items) {
    const raw = toPlainJson(item);
    const problems = validateRenewalWindow(raw);
    for (const p of problems) {
      const at = curAt(item, p.field);
      const path = p.field ? `${item.path}.${p.field}` : item.path;
      report({ ctx: item.ctx, path }, at === item && p.field ? item.pos : at.pos, p.message, p.hint);
    }
    if (problems.length > 0) continue;
    const w = raw as { cron: string; windowDuration: string; timezone?: string | null };
    const d = parseGoDuration(w.windowDuration);
    out.renewalWindows.push({ cron: w.cron, windowDurationMs: d.ok ? d.ms : 0, ...(w.timezone ? { timezone: w.timezone } : {}) });
  }
}

/** The cursor at `field` (`windows[1].cron`) below `cur`, or the deepest one that exists. */
function curAt(cur: Cur, field: string): Cur {
  let at = cur;
  for (const token of field.match(/[^.[\]]+/g) ?? []) {
    // Only where the node has that shape: reading it otherwise would report a second problem.
    const next = /^\d+$/.test(token) ? (isSeq(at.node) ? readList(at)?.[Number(token)] : undefined) : isMap(at.node) ? mapEntries(at)?.find(([k]) => k === token)?.[1] : undefined;
    if (!next) break;
    at = next;
  }
  return at;
}
