import type { CertificateEvent, CertificateResult, PlannedChallenge } from '../core/events.js';
import type { HookFailure } from '../core/run.js';

/** Renders events as one line each on stderr, readable on a terminal and in CI logs. */
export function renderEvent(event: CertificateEvent): string {
  const who = event.name ? `${event.namespace}/${event.name}` : 'certctl';
  const level = event.level === 'debug' ? 'debug: ' : '';
  return `${who}: ${level}${event.reason}: ${event.message}`;
}

/** One line per certificate for stdout in text mode; every result kind has its own wording. */
export function renderResult(r: CertificateResult): string {
  const id = `${r.namespace}/${r.name}`;
  switch (r.action) {
    case 'issued':
      return `issued      ${id} -> ${r.location} (valid until ${r.notAfter})`;
    case 'up-to-date':
      return `up-to-date  ${id} -> ${r.location} (renewal at ${r.renewalTime ?? '-'})`;
    case 'due':
      return `due         ${id}: ${r.message}`;
    case 'backing-off':
      return `backing off ${id}: ${r.reason}; next attempt after ${r.retryAfter}`;
    case 'deferred':
      return `deferred    ${id}: ${r.deferredBy} used up; a run after ${r.retryAfter} issues it`;
    case 'failed':
      return `failed      ${id}: ${r.error ?? r.message}`;
  }
}

/** `http-01`, `dns-01`, `http-01+dns-01` (a table cell); `-` for other issuers. */
export function challengeKinds(challenges: PlannedChallenge[] | undefined): string {
  const kinds = [...new Set((challenges ?? []).map((c) => c.type))].sort().reverse();
  return kinds.length > 0 ? kinds.join('+') : '-';
}

/** `http-01 (standalone :80) for a.example.com, b.example.com; dns-01 (rfc2136) for *.example.com`. */
export function describeChallenges(challenges: PlannedChallenge[]): string {
  const groups = new Map<string, string[]>();
  for (const c of challenges) {
    const key = `${c.type}${c.via ? ` (${c.via})` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), c.identifier]);
  }
  return [...groups].map(([how, names]) => `${how} for ${names.join(', ')}`).join('; ');
}

/** `plan`'s view, like terraform plan: what renew would do, and why (and, for ACME, with which challenges). */
export function renderPlanLine(r: CertificateResult): string {
  const id = `${r.namespace}/${r.name}`;
  switch (r.action) {
    case 'due':
      return `~ renew       ${id}: ${r.message}${r.challenges?.length ? `; ${describeChallenges(r.challenges)}` : ''}`;
    case 'backing-off':
      return `! backing off ${id}: ${r.message}`;
    case 'deferred':
      return `> deferred    ${id}: ${r.message}`;
    case 'failed':
      return `x failed      ${id}: ${r.error ?? r.message}`;
    default:
      return `  up to date  ${id} (renewal at ${r.renewalTime ?? '-'}${windowNote(r)})`;
  }
}

/** `; moved from T into window 0 (0 2 * * 6, Europe/Berlin)`, or the WindowError. */
function windowNote(r: CertificateResult): string {
  if (r.windowError) return `; WindowError: ${r.windowError}`;
  const w = r.renewalWindow;
  if (!w) return '';
  return w.moved ? `; moved from ${w.desired} into window ${w.index} (${w.cron}, ${w.timezone})` : `; inside window ${w.index} (${w.cron}, ${w.timezone})`;
}

export interface Summary {
  total: number;
  issued: number;
  upToDate: number;
  due: number;
  backingOff: number;
  /** Due, but left to a later run by a CA rate-limit budget. */
  deferred: number;
  failed: number;
  hookFailures: number;
}

export function summarize(results: CertificateResult[], hookFailures: HookFailure[] = []): Summary {
  const n = (a: CertificateResult['action']): number => results.filter((r) => r.action === a).length;
  return { total: results.length, issued: n('issued'), upToDate: n('up-to-date'), due: n('due'), backingOff: n('backing-off'), deferred: n('deferred'), failed: n('failed'), hookFailures: hookFailures.length };
}

/** The one-line summary on stderr. */
export function summaryLine(s: Summary, opts: { plan: boolean; where: string }): string {
  const parts = [opts.plan ? `${s.due} due` : `${s.issued} issued`, `${s.upToDate} up to date`];
  if (s.backingOff > 0 || !opts.plan) parts.push(`${s.backingOff} backing off`);
  if (s.deferred > 0) parts.push(`${s.deferred} deferred`);
  parts.push(`${s.failed} failed`);
  if (s.hookFailures > 0) parts.push(`${s.hookFailures} hook failure(s)`);
  return `${parts.join(', ')} (${opts.where})`;
}

/** Deferred certificates grouped by the budget that held them back, for the run's summary. */
export interface DeferredGroup {
  budget: string;
  count: number;
  /** The earliest moment one of them may go. */
  until: string;
  certificates: string[];
}

export function deferredGroups(results: CertificateResult[]): DeferredGroup[] {
  const groups = new Map<string, DeferredGroup>();
  for (const r of results) {
    if (r.action !== 'deferred') continue;
    const key = r.deferredBy ?? r.reason;
    const g = groups.get(key) ?? { budget: key, count: 0, until: r.retryAfter ?? '', certificates: [] };
    g.count++;
    if (r.retryAfter && (!g.until || r.retryAfter < g.until)) g.until = r.retryAfter;
    g.certificates.push(`${r.namespace}/${r.name}`);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** One line per group: `deferred 120 certificate(s): certificates for example.com used up; room again at T`. */
export function deferredLines(groups: DeferredGroup[]): string[] {
  return groups.map((g) => `deferred ${g.count} certificate(s) to a later run: the budget of ${g.budget} is used up; room again at ${g.until}`);
}
