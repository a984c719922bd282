/**
 * Google Cloud DNS provider (cert-manager `dns01.cloudDNS`) over the Cloud DNS REST API v1 with
 * our own small client (src/providers/rest/): googleapis / @google-cloud/dns with
 * google-auth-library bring dozens of packages (gaxios, gtoken, jws, …) for four REST calls, and
 * read process.env themselves where certctl passes the environment explicitly.
 *
 * A TXT name holds one resource record set; apex and wildcard challenges (and other certctl runs)
 * share it. Each change reads the set and submits, in one atomic changes.create, the deletion of
 * the set exactly as read plus the addition of the new set; when someone else changed the set in
 * between, the deletion no longer matches (412 conditionNotMet) or the addition collides (409
 * alreadyExists), and the provider reads again. Present waits until the change is done.
 */
import { memo } from '../../shared/memo.js';
import { gateFor } from '../../shared/rate-gate.js';
import { redact } from '../../shared/redact.js';
import { sleep } from '../../shared/sleep.js';
import { extraCaFromEnv } from '../../shared/http-client.js';
import { DEFAULT_API_TUNING } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { quoteTxt, unquoteTxt } from '../rest/txt.js';
import { zoneCandidates } from '../rest/zones.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { apiBase, CloudDnsApi, GoogleApiError } from './api.js';
import type { RRSet } from './api.js';
import type { CloudDnsConfig } from './config.js';
import { googleCredentials } from './credentials.js';
import { createCloudDnsShared, REQUEST_RATE } from './shared.js';
import type { CloudDnsShared } from './shared.js';

export type { CloudDnsConfig } from './config.js';
export type { CloudDnsShared } from './shared.js';
export { createCloudDnsShared } from './shared.js';

/** Timing knobs; users get the defaults, tests shrink them. */
export interface CloudDnsTuning extends ApiTuning {
  /** Read-modify-write rounds when concurrent writers keep changing the record set. */
  casAttempts: number;
  /** changes.get polling: first interval, growing ×1.5 up to `pollMaxMs`, for at most `doneTimeoutMs`. */
  pollFirstMs: number;
  pollMaxMs: number;
  doneTimeoutMs: number;
}

/** Retries for up to 60 s per call; changes polled for at most 3 minutes. */
export const DEFAULT_TUNING: CloudDnsTuning = { ...DEFAULT_API_TUNING, casAttempts: 8, pollFirstMs: 1000, pollMaxMs: 5000, doneTimeoutMs: 180_000 };

/** Knobs for tests; users get the defaults. */
export interface CloudDnsOptions {
  tuning?: Partial<CloudDnsTuning>;
  /** Default true. Off, two providers in one process race like two processes (tests of the atomic swap). */
  serializeInProcess?: boolean;
}

/** The managed zone a record goes to, and why. */
export interface CloudDnsZone {
  name: string;
  note: string;
}

/** The Cloud DNS provider, plus what it can tell about its choices. */
export interface CloudDnsProvider extends DnsProvider {
  zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<CloudDnsZone>;
  /** Where the token comes from (never a secret). */
  readonly credentialSource: string;
}

const holds = (set: RRSet | undefined, value: string): boolean => (set?.rrdatas ?? []).some((r) => unquoteTxt(r) === value);

/** Creates the provider for a `dns01.cloudDNS` block; credentials are resolved once per run (shared). */
export async function createCloudDnsProvider(config: CloudDnsConfig, ctx: ProviderContext, options: CloudDnsOptions = {}, shared: CloudDnsShared = createCloudDnsShared()): Promise<CloudDnsProvider> {
  const tuning: CloudDnsTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const extraCa = extraCaFromEnv(ctx.env);
  const base = apiBase(ctx.env);
  const ref = config.serviceAccountSecretRef;
  // Secret references by name, never their values; ambient sources by the variables that select them.
  const credentialKey = JSON.stringify(
    ref ? [ctx.secretNamespace, ref.name, ref.key] : ['ambient', ...['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG', 'HOME', 'GCE_METADATA_HOST'].map((k) => ctx.env[k])],
  );
  const creds = await memo(shared.credentials, credentialKey, () => googleCredentials(config, ctx, { tuning, extraCa }));
  const scrub = (s: string): string => redact(s, creds.secrets);
  const gate = gateFor(shared.gates, `${base}|${config.project}`, REQUEST_RATE, (ms) => ctx.debug(`clouddns: pacing Cloud DNS requests (10 per second per project): waiting ${Math.ceil(ms)} ms`));
  const api = new CloudDnsApi({ base, project: config.project, token: creds.token, quotaProject: creds.quotaProject, tuning, extraCa, redact: scrub, pace: (signal) => gate.wait(signal), debug: ctx.debug });
  ctx.debug(`clouddns: ${base}, project ${config.project}, credentials: ${creds.source}`);

  async function lookUp(record: TxtRecord, signal?: AbortSignal): Promise<CloudDnsZone> {
    const asked: string[] = [];
    for (const name of zoneCandidates(record.fqdn, record.zone)) {
      const dnsName = `${name}.`;
      asked.push(dnsName);
      const zones = await memo(shared.zones, `${base}|${config.project}|${dnsName}`, () => api.zonesNamed(dnsName, signal));
      const matching = zones.filter((z) => z.dnsName.toLowerCase() === dnsName);
      if (matching.length === 0) continue;
      // As cert-manager: the first public zone, else the first (private) one.
      const zone = matching.find((z) => (z.visibility ?? 'public') === 'public') ?? matching[0];
      const parts = [`clouddns: using managed zone ${zone.name} (${dnsName}${zone.visibility === 'private' ? ', private' : ''}) of project ${config.project} for ${record.fqdn}`];
      if (matching.length > 1) parts.push(`${matching.length} managed zones have that DNS name (${matching.map((z) => z.name).join(', ')}): set hostedZoneName to pick another`);
      if (name !== record.zone.replace(/\.$/, '')) parts.push(`but DNS serves the name from zone ${record.zone}: if ${dnsName} is not delegated, set hostedZoneName`);
      return { name: zone.name, note: parts.join('; ') };
    }
    throw new Error(`clouddns: managedZones.list: no managed zone of project ${config.project} contains ${record.fqdn} (looked for ${asked.join(', ')}); create the zone or set hostedZoneName`);
  }

  const zoneFor = (record: TxtRecord, signal?: AbortSignal): Promise<CloudDnsZone> => {
    if (config.hostedZoneName) return Promise.resolve({ name: config.hostedZoneName, note: `clouddns: using managed zone ${config.hostedZoneName} (hostedZoneName) for ${record.fqdn}` });
    return lookUp(record, signal);
  };

  /** Polls changes.get until done: 1 s, growing to 5 s, bounded. */
  async function waitDone(zone: string, id: string, signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    let interval = tuning.pollFirstMs;
    for (;;) {
      const change = await api.getChange(zone, id, signal);
      if (change.status === 'done') return;
      const waited = Date.now() - started;
      if (waited + interval > tuning.doneTimeoutMs) throw new Error(`clouddns: changes.get on zone ${zone} (project ${config.project}): change ${id} is still ${change.status} after ${Math.round(waited / 1000)} s`);
      await sleep(interval, signal);
      interval = Math.min(tuning.pollMaxMs, Math.round(interval * 1.5));
    }
  }

  /** One read-modify-write of our value; returns the change to wait for, or undefined when nothing had to change. */
  async function apply(zone: string, record: TxtRecord, op: 'present' | 'cleanUp', signal?: AbortSignal): Promise<{ id: string; status: string } | undefined> {
    for (let round = 1; ; round++) {
      const sets = await api.txtSets(zone, record.fqdn, signal);
      const routed = sets.find((s) => s.routingPolicy !== undefined);
      if (routed) throw new Error(`clouddns: ${op} on zone ${zone} (project ${config.project}): the TXT record set at ${record.fqdn} uses a routing policy; certctl only writes plain record sets`);
      const set = sets[0];
      let change: { additions: RRSet[]; deletions: RRSet[] };
      if (op === 'present') {
        if (holds(set, record.value)) return undefined;
        const rrdatas = [...(set?.rrdatas ?? []), quoteTxt(record.value)];
        change = { deletions: set ? [set] : [], additions: [{ name: record.fqdn, type: 'TXT', ttl: set?.ttl ?? record.ttl, rrdatas }] };
      } else {
        if (!set || !holds(set, record.value)) return undefined;
        const rest = (set.rrdatas ?? []).filter((r) => unquoteTxt(r) !== record.value);
        change = { deletions: [set], additions: rest.length > 0 ? [{ ...set, rrdatas: rest }] : [] };
      }
      try {
        return await api.createChange(zone, change, signal);
      } catch (err) {
        const raced = err instanceof GoogleApiError && ((err.status === 412 && err.reason === 'conditionNotMet') || (err.status === 409 && err.reason === 'alreadyExists'));
        if (!raced || round >= tuning.casAttempts) throw err;
        ctx.debug(`clouddns: TXT ${record.fqdn} in zone ${zone} changed after it was read (HTTP ${err.status} ${err.reason}); reading it again`);
        // A random pause, so two writers that collided do not collide again in lockstep.
        await sleep(Math.random() * 50 * round, signal);
      }
    }
  }

  const serialized = <T>(zone: string, record: TxtRecord, task: () => Promise<T>): Promise<T> =>
    options.serializeInProcess === false ? task() : shared.locks.run(`${base}|${config.project}|${zone}|${record.fqdn}`, task);

  return {
    name: 'clouddns',
    credentialSource: creds.source,
    zoneFor,
    async present(record, signal) {
      const zone = await zoneFor(record, signal);
      ctx.debug(zone.note);
      const change = await serialized(zone.name, record, () => apply(zone.name, record, 'present', signal));
      // Outside the lock: the other value of an apex + wildcard pair need not wait for this one.
      if (change && change.status !== 'done') await waitDone(zone.name, change.id, signal);
    },
    async cleanUp(record, signal) {
      const zone = await zoneFor(record, signal);
      await serialized(zone.name, record, () => apply(zone.name, record, 'cleanUp', signal));
    },
  };
}
