/**
 * Validation of `spec.renewal` and its windows with cert-manager v1.21's rules: the CRD schema
 * (types, required fields, the windowDuration pattern, minLength), the webhook
 * (`validateCertificateRenewal` in internal/apis/certmanager/validation/certificate.go: the cron
 * parses, the zone loads, Disabled forbids windows) and what the controller itself cannot use
 * although the webhook lets it through (windowDuration 0s; a CRON_TZ= prefix in a window without
 * timezone), because such a Certificate never gets a renewal time under cert-manager either.
 * Problems carry the field they are about, relative to `renewal`, for the caller to attach a
 * position to.
 */
import { parseWindowCron } from './cron-parse.js';
import { loadTimeZone } from './time-zone.js';
import { parseGoDuration } from '../spec/duration.js';

/** One thing wrong, about one field. */
export interface RenewalProblem {
  /** Path relative to the object validated: `cron`, `windowDuration`, `timezone`, `policy`, `windows[1].cron`; `` for the object itself. */
  field: string;
  message: string;
  hint?: string;
  /** Which part of cert-manager rejects it: the CRD schema, its webhook, or its controller at run time. */
  by: 'schema' | 'webhook' | 'controller';
}

/** The CRD's pattern for windowDuration: hours, minutes and seconds only, no sign. */
const WINDOW_DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(s|m|h))+$/;
const WINDOW_KEYS = ['cron', 'windowDuration', 'timezone'];
const RENEWAL_KEYS = ['policy', 'windows'];
const CRON_HINT = 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly';
const ZONE_HINT = 'use an IANA name such as Europe/Berlin, America/New_York or UTC';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Kubernetes drops null fields: `timezone: null` is no timezone. */
const present = (raw: Record<string, unknown>, key: string): boolean => raw[key] !== undefined && raw[key] !== null;

/**
 * The problems of one `spec.renewal.windows[]` entry, as plain data (parsed YAML or JSON). An
 * empty list means cert-manager would accept it and can compute renewal times with it.
 */
export function validateRenewalWindow(raw: unknown): RenewalProblem[] {
  if (!isObject(raw)) return [{ field: '', message: 'a renewal window must be a mapping with cron and windowDuration', by: 'schema' }];
  const problems: RenewalProblem[] = unknownKeys(raw, WINDOW_KEYS, 'a renewal window has cron, windowDuration and timezone');

  const zone = checkTimezone(raw, problems);
  checkWindowDuration(raw, problems);

  if (!present(raw, 'cron')) {
    problems.push({ field: 'cron', message: 'required', hint: CRON_HINT, by: 'schema' });
  } else if (typeof raw.cron !== 'string') {
    problems.push({ field: 'cron', message: `must be a string, got ${describe(raw.cron)}`, hint: `quote it: "${String(raw.cron)}"`, by: 'schema' });
  } else if (raw.cron === '') {
    problems.push({ field: 'cron', message: 'must not be empty', hint: CRON_HINT, by: 'schema' });
  } else if (zone !== 'invalid') {
    checkCron(raw.cron, zone, problems);
  }
  return problems;
}

/**
 * The problems of `spec.renewal` as a whole: its policy, and each window (fields prefixed with
 * `windows[i].`). With `policy: Disabled` the windows are not looked into, as in the webhook.
 */
export function validateRenewal(raw: unknown): RenewalProblem[] {
  if (!isObject(raw)) return [{ field: '', message: 'renewal must be a mapping with policy and windows', by: 'schema' }];
  const problems = unknownKeys(raw, RENEWAL_KEYS, 'renewal has policy and windows');
  const policy = raw.policy;
  const windows = raw.windows;
  if (!present(raw, 'policy')) {
    // The schema lets `renewal: {}` through; the webhook does not.
    problems.push({ field: 'policy', message: 'required: RenewBefore or Disabled', by: 'webhook' });
  } else if (typeof policy !== 'string') {
    problems.push({ field: 'policy', message: `must be a string, got ${describe(policy)}`, hint: 'RenewBefore or Disabled', by: 'schema' });
  } else if (policy !== 'RenewBefore' && policy !== 'Disabled') {
    problems.push({ field: 'policy', message: `unsupported value ${JSON.stringify(policy)}: RenewBefore or Disabled`, by: 'schema' });
  }
  if (!present(raw, 'windows')) return problems;
  if (!Array.isArray(windows)) {
    problems.push({ field: 'windows', message: `must be a list of windows, got ${describe(windows)}`, by: 'schema' });
    return problems;
  }
  if (policy === 'Disabled') {
    if (windows.length > 0) {
      problems.push({ field: 'windows', message: 'windows cannot be set when renewal.policy is Disabled', hint: 'remove them, or use policy: RenewBefore', by: 'webhook' });
    }
    return problems;
  }
  windows.forEach((w, i) => {
    for (const p of validateRenewalWindow(w)) problems.push({ ...p, field: p.field ? `windows[${i}].${p.field}` : `windows[${i}]` });
  });
  return problems;
}

function unknownKeys(raw: Record<string, unknown>, known: string[], hint: string): RenewalProblem[] {
  return Object.keys(raw)
    .filter((k) => !known.includes(k))
    .map((k) => ({ field: k, message: `unknown field ${JSON.stringify(k)}`, hint, by: 'schema' as const }));
}

/** The zone name the webhook parses the cron with (`''` when absent), or 'invalid'. */
function checkTimezone(raw: Record<string, unknown>, problems: RenewalProblem[]): string | 'invalid' {
  if (!present(raw, 'timezone')) return '';
  const tz = raw.timezone;
  if (typeof tz !== 'string') {
    problems.push({ field: 'timezone', message: `must be a string, got ${describe(tz)}`, hint: ZONE_HINT, by: 'schema' });
    return 'invalid';
  }
  if (tz === '') {
    problems.push({ field: 'timezone', message: 'must not be empty (leave it out for UTC)', by: 'schema' });
    return 'invalid';
  }
  const loaded = loadTimeZone(tz);
  if (!loaded.ok) {
    problems.push({ field: 'timezone', message: `invalid time zone ${JSON.stringify(tz)}: ${loaded.message}`, hint: ZONE_HINT, by: 'webhook' });
    return 'invalid';
  }
  return tz;
}

function checkWindowDuration(raw: Record<string, unknown>, problems: RenewalProblem[]): void {
  const hint = 'hours, minutes or seconds, e.g. 2h, 90m or 1h30m';
  if (!present(raw, 'windowDuration')) {
    problems.push({ field: 'windowDuration', message: 'required: how long each window stays open', hint, by: 'webhook' });
    return;
  }
  const text = raw.windowDuration;
  if (typeof text !== 'string') {
    problems.push({ field: 'windowDuration', message: `must be a duration string, got ${describe(text)}`, hint, by: 'schema' });
    return;
  }
  if (!WINDOW_DURATION_PATTERN.test(text)) {
    problems.push({ field: 'windowDuration', message: `invalid duration ${JSON.stringify(text)}: only h, m and s units, no sign`, hint, by: 'schema' });
    return;
  }
  const parsed = parseGoDuration(text);
  if (!parsed.ok) {
    problems.push({ field: 'windowDuration', message: parsed.message, hint, by: 'webhook' });
  } else if (!(parsed.ms > 0)) {
    problems.push({
      field: 'windowDuration',
      message: `must be longer than 0s, got ${JSON.stringify(text)}`,
      hint: 'cert-manager accepts 0s but then cannot compute a renewal time',
      by: 'controller',
    });
  }
}

/**
 * The webhook parses the cron with the timezone as written (no prefix when there is none); the
 * controller always prefixes one (`UTC` by default). An expression may pass the first and fail
 * the second (its own `CRON_TZ=`) or the reverse (`@daily ` with a trailing space).
 */
function checkCron(cron: string, timezone: string, problems: RenewalProblem[]): void {
  const webhook = parseWindowCron(cron, timezone);
  if (!webhook.ok) {
    problems.push({ field: 'cron', message: `invalid cron syntax: ${webhook.message}`, hint: CRON_HINT, by: 'webhook' });
    return;
  }
  const controller = parseWindowCron(cron, timezone || 'UTC');
  if (!controller.ok) {
    const ownZone = /^(CRON_)?TZ=/.test(cron);
    problems.push({
      field: 'cron',
      message: `cert-manager's controller cannot use this cron expression: ${controller.message}`,
      hint: ownZone ? 'put the zone in the window\'s timezone field, not in the cron expression' : CRON_HINT,
      by: 'controller',
    });
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
