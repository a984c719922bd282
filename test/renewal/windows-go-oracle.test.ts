/**
 * certctl's cron, time zones and renewal windows against cert-manager's own Go code: every case
 * in data/windows-go-oracle.json was answered by cert-manager v1.21.1's internal/cron,
 * util.CronParse and pki.RenewalTime, run by data/windows-go-oracle/gen.sh (see there for how).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWindowCron } from '../../src/renewal/cron-parse.js';
import { goNext, GO_ZERO_TIME_MS } from '../../src/renewal/cron-next.js';
import { loadTimeZone } from '../../src/renewal/time-zone.js';
import { renewalTimeWithWindows, type WindowedRenewalTime } from '../../src/renewal/windows.js';
import { renewalTime } from '../../src/renewal/renewal-time.js';
import { parseGoDuration } from '../../src/spec/duration.js';

interface NextCase { id: string; cron: string; timezone: string; after: string; count: number; error?: string; times?: string[] }
interface RenewalCase {
  id: string;
  notBefore: string;
  notAfter: string;
  desired?: string;
  renewBefore?: string;
  renewBeforePercentage?: number;
  renewal?: { policy: string; windows?: { cron: string; windowDuration: string; timezone?: string }[] };
  time?: string;
  error?: string;
}
const oracle = JSON.parse(readFileSync(new URL('./data/windows-go-oracle.json', import.meta.url), 'utf8')) as {
  generator: string;
  next: NextCase[];
  locations: { name: string; error?: string }[];
  renewal: RenewalCase[];
};

const DAY = 24 * 3600 * 1000;

/**
 * Zones whose rules changed in IANA tzdata after the oracle's (Debian tzdata 2025b, ICU 2025c):
 * tzdata 2026 keeps Morocco on +00 all year from 2026, where 2025 data had it at +01 outside
 * Ramadan. Wall-clock schedules there legitimately differ by an hour when this Node's ICU data is
 * newer (Node 26: ICU tz 2026e). Cases in these zones are compared only when the data matches.
 */
const ORACLE_TZ = '2025c';
const CHANGED_SINCE_ORACLE = process.versions.tz === ORACLE_TZ ? new Set<string>() : new Set(['Africa/Casablanca', 'Africa/El_Aaiun']);
const zoneChanged = (zones: (string | undefined)[]): boolean => zones.some((z) => z !== undefined && CHANGED_SINCE_ORACLE.has(z));
const goTime = (ms: number): string => (ms === GO_ZERO_TIME_MS ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const ms = (text: string): number => {
  const d = parseGoDuration(text);
  if (!d.ok) throw new Error(`test data: ${text}`);
  return d.ms;
};
/** Case ids are `<group>-<n>`; results are checked per group so a failure names its kind. */
const group = (id: string): string => id.replace(/-\d+$/, '');
function byGroup<T extends { id: string }>(cases: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const c of cases) out.set(group(c.id), [...(out.get(group(c.id)) ?? []), c]);
  return out;
}

test('the oracle data is there and says where it came from', () => {
  assert.match(oracle.generator, /^cert-manager@24e33194fb39488eff2bbf10c6dc640f407cad44 \(v1\.21\.1\), go1\./);
  assert.ok(oracle.next.length > 1000, `${oracle.next.length} cron cases`);
  assert.ok(oracle.renewal.length > 1000, `${oracle.renewal.length} renewal cases`);
  assert.ok(oracle.next.some((c) => c.error) && oracle.next.some((c) => c.times?.[0] === '0001-01-01T00:00:00Z'));
});

for (const [name, cases] of byGroup(oracle.next)) {
  test(`cron parse and Next as Go: ${name} (${cases.length} cases)`, () => {
    const wrong: unknown[] = [];
    for (const c of cases) {
      if (zoneChanged([c.timezone])) continue;
      const parsed = parseWindowCron(c.cron, c.timezone);
      let got: { error?: string; times?: string[] };
      if (!parsed.ok) {
        got = { error: parsed.message };
      } else {
        const times: string[] = [];
        let t = Date.parse(c.after);
        for (let i = 0; i < c.count; i++) {
          t = goNext(parsed.schedule, t);
          times.push(goTime(t));
          if (t === GO_ZERO_TIME_MS) break;
        }
        got = { times };
      }
      const want = c.error !== undefined ? { error: c.error } : { times: c.times };
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push({ cron: c.cron, timezone: c.timezone, after: c.after, want, got });
    }
    assert.deepEqual(wrong, []);
  });
}

/** Names Go loads from the system's zoneinfo files that are not zones Intl knows. */
const GO_ONLY_ZONE_FILES = new Set(['Factory', 'posixrules']);

test('time zone names: accepted and rejected as Go’s time.LoadLocation does', () => {
  const wrong: unknown[] = [];
  for (const { name, error } of oracle.locations) {
    const loaded = loadTimeZone(name);
    const goAccepts = error === undefined && !GO_ONLY_ZONE_FILES.has(name);
    if (loaded.ok !== goAccepts) wrong.push({ name, go: error ?? 'ok', certctl: loaded.ok ? 'ok' : loaded.message });
    if (!loaded.ok && error !== undefined) assert.equal(loaded.message, error, name);
  }
  assert.deepEqual(wrong, []);
  for (const name of GO_ONLY_ZONE_FILES) assert.ok(oracle.locations.some((l) => l.name === name && l.error === undefined), name);
});

function certctlRenewal(c: RenewalCase): WindowedRenewalTime | { kind: 'unsupported policy' } {
  const notBefore = new Date(c.notBefore);
  const notAfter = new Date(c.notAfter);
  const desired = c.desired
    ? new Date(c.desired)
    : renewalTime(notBefore, notAfter, { renewBeforeMs: c.renewBefore ? ms(c.renewBefore) : undefined, renewBeforePercentage: c.renewBeforePercentage });
  const policy = c.renewal?.policy;
  if (c.renewal && policy !== 'RenewBefore' && policy !== 'Disabled') return { kind: 'unsupported policy' };
  return renewalTimeWithWindows({
    desired,
    notBefore,
    notAfter,
    policy: policy as 'RenewBefore' | 'Disabled' | undefined,
    windows: (c.renewal?.windows ?? []).map((w) => ({ cron: w.cron, timezone: w.timezone, windowDurationMs: w.windowDuration ? ms(w.windowDuration) : 0 })),
  });
}

/**
 * certctl's one intended difference from cert-manager's formula (README, renewal-time.ts): with
 * no renewBefore or percentage that applies, a certificate living under 10 days renews at half
 * its lifetime instead of at two thirds.
 */
function shortLivedDefault(c: RenewalCase): boolean {
  if (c.desired) return false;
  const life = Date.parse(c.notAfter) - Date.parse(c.notBefore);
  const rb = c.renewBefore ? ms(c.renewBefore) : undefined;
  const pct = c.renewBeforePercentage;
  const userSet = (rb !== undefined && rb > 0 && rb < life) || (pct !== undefined && pct > 0 && pct < 100);
  return life < 10 * DAY && !userSet;
}

for (const [name, cases] of byGroup(oracle.renewal)) {
  test(`renewal time as cert-manager's RenewalTime: ${name} (${cases.length} cases)`, () => {
    const wrong: unknown[] = [];
    let deviations = 0;
    for (const c of cases) {
      if (zoneChanged((c.renewal?.windows ?? []).map((w) => w.timezone))) continue;
      const got = certctlRenewal(c);
      const at = 'at' in got ? goTime(got.at.getTime()) : undefined;
      const failed = got.kind === 'noWindow' || got.kind === 'invalid' || got.kind === 'unsupported policy';
      let want = { at: c.time, failed: c.error !== undefined };
      if (shortLivedDefault(c) && !c.renewal?.windows?.length && c.renewal?.policy !== 'Disabled' && c.error === undefined) {
        deviations++;
        const half = Date.parse(c.notBefore) + (Date.parse(c.notAfter) - Date.parse(c.notBefore)) / 2;
        want = { at: goTime(Math.floor(half / 1000) * 1000), failed: false };
      }
      if (at !== want.at || failed !== want.failed) wrong.push({ ...c, want, got });
    }
    assert.deepEqual(wrong, []);
    if (name === 'formula') assert.ok(deviations > 0 && deviations < cases.length, `${deviations} short-lived deviations`);
  });
}
