/**
 * DNS-01 self-check: poll until the challenge value is served, asking every authoritative
 * nameserver of the zone directly (cert-manager's default) or each configured recursive server
 * (`--dns01-recursive-nameservers-only`). On timeout the error says what each server last
 * answered, because "propagation timed out" alone is undebuggable.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { followCnames as follow } from './cname.js';
import type { Resolver } from './resolver.js';
import { authoritativeNameservers, findZone } from './zone.js';
import type { NameserverOptions } from './zone.js';
import { RCODE, rcodeName } from './wire/constants.js';
import { DnsError, DnsTimeoutError } from './wire/errors.js';
import { namesEqual, normalizeName } from './wire/name.js';
import { txtValue } from './wire/rdata.js';
import { formatEndpoint } from './wire/transport.js';
import type { Endpoint } from './wire/transport.js';

/** Structured log sink; adapt any logger to this. */
export type PropagationLog = (message: string, details?: Record<string, unknown>) => void;

/** Options of {@link waitForPropagation}. */
export interface PropagationOptions extends Pick<NameserverOptions, 'nsPort' | 'mapNameserver'> {
  /** Where the TXT record was written. */
  fqdn: string;
  /** The TXT value (joined character-strings) to wait for. */
  value: string;
  /** Recursive resolver: zone and NS lookups, or the servers checked with `recursiveOnly`. */
  resolver: Resolver;
  timeoutMs: number;
  /** Pause between rounds of queries. */
  intervalMs: number;
  signal?: AbortSignal;
  /** Check each configured recursive server instead of the authoritative ones. */
  recursiveOnly?: boolean;
  /** Follow CNAMEs from `fqdn` first, as cert-manager's check always does; default true. */
  followCnames?: boolean;
  log?: PropagationLog;
}

/** What one server last answered for the TXT query. */
export type ServerAnswer =
  | { kind: 'values'; values: string[] }
  | { kind: 'nxdomain' }
  | { kind: 'nodata' }
  | { kind: 'rcode'; rcode: string }
  | { kind: 'timeout' }
  | { kind: 'no-address' }
  | { kind: 'error'; message: string };

/** Per-server outcome of the last round. */
export interface ServerReport {
  /** `ns1.example.com. (192.0.2.1:53)`, or `192.0.2.53:53` for recursive servers. */
  server: string;
  answer: ServerAnswer;
  /** True when the server serves our value. */
  ok: boolean;
}

/** Result of a successful wait. */
export interface PropagationResult {
  /** The name checked (after CNAME following). */
  fqdn: string;
  /** The zone found, unless `recursiveOnly`. */
  zone?: string;
  servers: ServerReport[];
  rounds: number;
}

/** Thrown when the deadline passes; `report` holds what each server last answered. */
export class PropagationTimeoutError extends DnsError {
  override name = 'PropagationTimeoutError';
  constructor(
    message: string,
    readonly report: ServerReport[],
  ) {
    super(message);
  }
}

interface Target {
  fqdn: string;
  zone?: string;
  servers: { label: string; addresses: Endpoint[] }[];
}

/** Human form of an answer: `"v1", "v2"`, `NXDOMAIN`, `NODATA`, `REFUSED`, `timeout`. */
export function describeAnswer(a: ServerAnswer): string {
  switch (a.kind) {
    case 'values':
      return a.values.map((v) => JSON.stringify(v)).join(', ');
    case 'nxdomain':
      return 'NXDOMAIN';
    case 'nodata':
      return 'NODATA (name exists, no TXT)';
    case 'rcode':
      return a.rcode;
    case 'timeout':
      return 'timeout';
    case 'no-address':
      return 'no address (the NS name did not resolve)';
    case 'error':
      return `error: ${a.message}`;
  }
}

async function resolveTarget(o: PropagationOptions, signal: AbortSignal): Promise<Target> {
  const fqdn = o.followCnames === false ? normalizeName(o.fqdn) : await follow(o.fqdn, o.resolver, 10, { signal });
  if (o.recursiveOnly) {
    return { fqdn, servers: o.resolver.nameservers.map((e) => ({ label: formatEndpoint(e), addresses: [e] })) };
  }
  const zone = await findZone(fqdn, o.resolver, { signal });
  const ns = await authoritativeNameservers(zone, o.resolver, { signal, nsPort: o.nsPort, mapNameserver: o.mapNameserver });
  return { fqdn, zone, servers: ns.map((n) => ({ label: n.name, addresses: n.addresses })) };
}

function isTimeout(e: unknown): boolean {
  return e instanceof DnsTimeoutError || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'));
}

async function checkServer(o: PropagationOptions, t: Target, s: Target['servers'][number], signal: AbortSignal): Promise<ServerReport> {
  const recursive = o.recursiveOnly === true;
  let answer: ServerAnswer = { kind: 'no-address' };
  let used: Endpoint | undefined;
  for (const address of s.addresses) {
    used = address;
    try {
      const r = await o.resolver.query(t.fqdn, 'TXT', { server: address, recursionDesired: recursive, signal });
      if (r.rcode === RCODE.NXDOMAIN) answer = { kind: 'nxdomain' };
      else if (r.rcode !== RCODE.NOERROR) answer = { kind: 'rcode', rcode: rcodeName(r.rcode) };
      else {
        const values = r.answers.flatMap((rr) => (rr.type === 'TXT' && namesEqual(rr.name, t.fqdn) ? [txtValue(rr.strings)] : []));
        answer = values.length > 0 ? { kind: 'values', values } : { kind: 'nodata' };
      }
      break;
    } catch (e) {
      if (o.signal?.aborted) throw e;
      answer = isTimeout(e) ? { kind: 'timeout' } : { kind: 'error', message: (e as Error).message };
    }
  }
  const label = recursive || !used ? s.label : `${s.label} (${formatEndpoint(used)})`;
  return { server: label, answer, ok: answer.kind === 'values' && answer.values.includes(o.value) };
}

/**
 * Polls until every checked server serves `value` at `fqdn` (among possibly several TXT
 * values), querying servers in parallel each round and pausing `intervalMs` between rounds.
 * Throws PropagationTimeoutError with a per-server report at the deadline, or the abort reason
 * when `signal` fires. Zone/NS lookup failures are retried each round until the deadline.
 */
export async function waitForPropagation(o: PropagationOptions): Promise<PropagationResult> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  let target: Target | undefined;
  let report: ServerReport[] = [];
  let setupError: string | undefined;
  let rounds = 0;
  for (;;) {
    o.signal?.throwIfAborted();
    rounds++;
    const budget = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const signal = o.signal ? AbortSignal.any([o.signal, budget]) : budget;
    try {
      if (!target) {
        target = await resolveTarget(o, signal);
        o.log?.('dns-01 propagation: checking servers', { fqdn: target.fqdn, zone: target.zone, servers: target.servers.map((s) => s.label) });
      }
      const t = target;
      const previous = report;
      report = await Promise.all(t.servers.map((s) => checkServer(o, t, s, signal)));
      // A query cut short by the overall deadline says nothing about the server: keep what it said before.
      if (budget.aborted) report = report.map((r, i) => (r.answer.kind === 'timeout' && previous[i] ? previous[i] : r));
      if (report.every((r) => r.ok)) {
        o.log?.('dns-01 propagation: value visible on all servers', { fqdn: t.fqdn, rounds, elapsedMs: Date.now() - started });
        return { fqdn: t.fqdn, zone: t.zone, servers: report, rounds };
      }
      o.log?.('dns-01 propagation: not yet', { fqdn: t.fqdn, pending: report.filter((r) => !r.ok).map((r) => `${r.server}: ${describeAnswer(r.answer)}`) });
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      // As above: a lookup cut off by the deadline must not hide the previous, informative error.
      if (!(budget.aborted && setupError)) setupError = isTimeout(e) ? 'timed out' : (e as Error).message;
      o.log?.('dns-01 propagation: lookup failed, will retry', { fqdn: o.fqdn, error: setupError });
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(o, target, report, setupError, rounds);
    // timers/promises rejects with a generic AbortError; surface the caller's own reason instead.
    await sleep(Math.min(o.intervalMs, remaining), undefined, o.signal ? { signal: o.signal } : undefined).catch((e: unknown) => {
      throw o.signal?.aborted ? o.signal.reason : e;
    });
  }
}

function timeoutError(o: PropagationOptions, t: Target | undefined, report: ServerReport[], setupError: string | undefined, rounds: number): PropagationTimeoutError {
  const secs = `${(o.timeoutMs / 1000).toFixed(1)} s`;
  if (!t) {
    return new PropagationTimeoutError(`dns-01: could not find the nameservers to check for ${normalizeName(o.fqdn)} within ${secs}: ${setupError ?? 'no result'}`, []);
  }
  const scope = o.recursiveOnly ? 'every recursive nameserver' : `every authoritative nameserver of ${t.zone}`;
  const lines = report.map((r) => `${r.server}: ${r.ok ? 'has our value' : describeAnswer(r.answer)}`);
  return new PropagationTimeoutError(
    `dns-01: TXT ${JSON.stringify(o.value)} at ${t.fqdn} did not reach ${scope} within ${secs} (${rounds} rounds); last answers: ${lines.join('; ')}`,
    report,
  );
}
