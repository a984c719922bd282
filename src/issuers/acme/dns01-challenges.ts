import { challengeRecordName } from '../../dns/challenge-record.js';
import { followCnames } from '../../dns/cname.js';
import type { Dns01Options } from '../../dns/dns01-options.js';
import { waitForPropagation } from '../../dns/propagation.js';
import type { Resolver } from '../../dns/resolver.js';
import { findZone } from '../../dns/zone.js';
import type { DnsProvider, TxtRecord } from '../../providers/provider.js';
import type { AcmeSolver } from '../../spec/types.js';
import { memo } from '../../shared/memo.js';
import type { JournaledChallenge } from '../../stores/records.js';
import type { IssuerEvent } from '../issuer.js';
import { splitByWaitInsteadOfSelfCheck, waitInsteadOfSelfCheck, type Journal } from './challenge-tasks.js';

/** Records DNS-01 values around provider calls, so a killed run's values are removed later. */
export type ChallengeJournal = Journal<JournaledChallenge>;

/** One dns-01 challenge to answer: the identifier as ordered (`*.` kept) and its TXT value. */
export interface ChallengeTask {
  identifier: string;
  value: string;
  solver: AcmeSolver;
}

/** A TXT value certctl put in DNS, with what it takes to remove it again. */
export interface PresentedRecord {
  identifier: string;
  record: TxtRecord;
  provider: DnsProvider;
  solver: AcmeSolver;
  /** The provider confirmed the write; a value whose write failed is still cleaned up, but quietly. */
  confirmed: boolean;
}

const TTL = 60;
/** Cleanup gets its own budget, independent of a cancelled or timed-out issuance. */
const CLEANUP_TIMEOUT_MS = 30_000;

export interface Dns01Deps {
  resolver: Resolver;
  /** The run's zone lookups, by name, shared by every order. */
  zones: Map<string, Promise<string>>;
  options: Dns01Options;
  providerFor: (solver: AcmeSolver) => Promise<DnsProvider>;
  event: IssuerEvent;
  signal?: AbortSignal;
  /** Told before each present and after each cleanup, so a killed run's records can be removed later. */
  journal?: ChallengeJournal;
}

/**
 * Presents every challenge first, then waits until all are served by every authoritative
 * nameserver, so that all names propagate at once (lego's "max time to propagate"), and always
 * cleans up exactly the values it added.
 */
export class Dns01Challenges {
  private readonly presented: PresentedRecord[] = [];

  constructor(private readonly deps: Dns01Deps) {}

  /** Writes every TXT value. Values sharing a name (apex + wildcard) go to the provider one after another. */
  async presentAll(tasks: ChallengeTask[]): Promise<void> {
    const byName = new Map<string, { task: ChallengeTask; fqdn: string; zone: string }[]>();
    await Promise.all(
      tasks.map(async (task) => {
        const fqdn = await this.recordName(task);
        const parent = parentOf(fqdn);
        const zone = await memo(this.deps.zones, parent, () => findZone(parent, this.deps.resolver, { signal: this.deps.signal })).catch((err: Error) => {
          throw new Error(`${task.identifier}: cannot find the DNS zone of ${fqdn}: ${err.message}`);
        });
        const list = byName.get(fqdn) ?? [];
        list.push({ task, fqdn, zone });
        byName.set(fqdn, list);
      }),
    );
    await Promise.all(
      [...byName.values()].map(async (items) => {
        for (const { task, fqdn, zone } of items) {
          if (this.presented.some((p) => p.record.fqdn === fqdn && p.record.value === task.value)) continue;
          const provider = await this.deps.providerFor(task.solver);
          const presented: PresentedRecord = { identifier: task.identifier, record: { fqdn, zone, value: task.value, ttl: TTL }, provider, solver: task.solver, confirmed: false };
          await this.deps.journal?.added(journaled(presented));
          this.presented.push(presented);
          await provider.present(presented.record, this.deps.signal);
          presented.confirmed = true;
          this.deps.event('Presented', `${task.identifier}: TXT ${fqdn} in zone ${zone} via ${provider.name} (${task.solver.path})`);
        }
      }),
    );
  }

  /**
   * Waits until each presented value is served where the CA will look; for a solver with
   * `waitInsteadOfSelfCheck`, waits that long instead of checking (cert-manager v1.21).
   */
  async waitForAll(): Promise<void> {
    const o = this.deps.options;
    const started = Date.now();
    const { blind, checked, longestMs: longest } = splitByWaitInsteadOfSelfCheck(this.presented);
    if (blind.length > 0) this.deps.event('Waiting', `waiting ${formatMs(longest)} instead of checking propagation (waitInsteadOfSelfCheck) for ${blind.map((p) => p.identifier).join(', ')}`);
    await Promise.all([
      waitInsteadOfSelfCheck(longest, this.deps.signal),
      ...checked.map((p) =>
        waitForPropagation({
          fqdn: p.record.fqdn,
          value: p.record.value,
          resolver: this.deps.resolver,
          timeoutMs: o.propagationTimeoutMs,
          intervalMs: o.pollIntervalMs,
          signal: this.deps.signal,
          recursiveOnly: o.recursiveOnly,
          // As cert-manager's check: the CA follows a CNAME at the name, so the check does too
          // (acme-dns, or a delegation the user made without cnameStrategy: Follow).
          followCnames: true,
          nsPort: o.authoritativePort,
          log: (message, details) => this.deps.event('Propagation', `${p.identifier}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`, 'debug'),
        }).catch((err: Error) => {
          throw new Error(`${p.identifier}: TXT ${p.record.fqdn} did not propagate: ${err.message}`);
        }),
      ),
    ]);
    const where = o.recursiveOnly ? 'the recursive nameservers' : 'every authoritative nameserver';
    if (checked.length > 0) this.deps.event('Propagated', `${checked.length} TXT value(s) served by ${where} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Removes every value this run added; returns the problems instead of throwing. */
  async cleanupAll(): Promise<string[]> {
    const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    const problems: string[] = [];
    const byName = new Map<string, PresentedRecord[]>();
    for (const p of this.presented) byName.set(p.record.fqdn, [...(byName.get(p.record.fqdn) ?? []), p]);
    await Promise.all(
      [...byName.values()].map(async (items) => {
        for (const p of items) {
          try {
            await p.provider.cleanUp(p.record, signal);
            await this.deps.journal?.removed(journaled(p));
          } catch (err) {
            const message = `${p.identifier}: cleanup of TXT ${p.record.fqdn} failed: ${(err as Error).message}`;
            // Its write failed too: most likely nothing is there; the journal keeps it for the next run.
            if (p.confirmed) problems.push(message);
            else this.deps.event('CleanupSkipped', `${message} (the value was never confirmed written; the next run tries again)`, 'debug');
          }
        }
      }),
    );
    const removed = this.presented.filter((p) => p.confirmed).length;
    if (removed > 0 && problems.length === 0) this.deps.event('CleanedUp', `removed ${removed} TXT value(s)`);
    this.presented.length = 0;
    return problems;
  }

  /** `_acme-challenge.<name>`, or where its CNAME chain ends with `cnameStrategy: Follow`. */
  private async recordName(task: ChallengeTask): Promise<string> {
    const name = challengeRecordName(task.identifier);
    if (task.solver.dns01?.cnameStrategy !== 'Follow') return name;
    const target = await followCnames(name, this.deps.resolver, 10, { signal: this.deps.signal });
    if (target !== name) this.deps.event('CNAME', `${task.identifier}: ${name} is a CNAME to ${target}; writing the record there`);
    return target;
  }
}

function journaled(p: PresentedRecord): JournaledChallenge {
  return { solverPath: p.solver.path, fqdn: p.record.fqdn, zone: p.record.zone, value: p.record.value };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The zone walk starts above the challenge name: asking for `_acme-challenge.*` before the record
 * exists would put an NXDOMAIN into resolver caches just before the CA looks it up.
 */
function parentOf(fqdn: string): string {
  const i = fqdn.indexOf('.');
  return i >= 0 && i < fqdn.length - 1 ? fqdn.slice(i + 1) : fqdn;
}
