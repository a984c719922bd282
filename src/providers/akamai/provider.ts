/**
 * Akamai Edge DNS provider (cert-manager `dns01.akamai`) over the Config DNS v2 REST API with
 * EdgeGrid signing written on node:crypto: Akamai's Node library (akamai-edgegrid) brings axios
 * and an .edgerc reader for what is one HMAC per request here.
 *
 * A TXT name holds one record set, which apex and wildcard challenges (and other certctl runs)
 * share. Edge DNS has no conditional writes, so changes to one name are serialized in this
 * process, a create that finds the set already there (409) reads again, and present reads the set
 * back after writing and writes again if another writer's replace dropped our value.
 */
import { memo } from '../../shared/memo.js';
import { gateFor } from '../../shared/rate-gate.js';
import { redact } from '../../shared/redact.js';
import { sleep } from '../../shared/sleep.js';
import { extraCaFromEnv } from '../../shared/http-client.js';
import { DEFAULT_API_TUNING } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { quoteTxt, unquoteTxt } from '../rest/txt.js';
import { bare, zoneCandidates } from '../rest/zones.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { AkamaiError, EdgeDnsApi } from './api.js';
import type { EdgeRecordSet } from './api.js';
import type { AkamaiConfig } from './config.js';
import type { EdgeGridCredentials } from './edgegrid.js';
import { createAkamaiShared, REQUEST_RATE } from './shared.js';
import type { AkamaiShared } from './shared.js';

export type { AkamaiConfig } from './config.js';
export type { AkamaiShared } from './shared.js';
export { createAkamaiShared } from './shared.js';

/** Timing knobs; users get the defaults, tests shrink them. */
export interface AkamaiTuning extends ApiTuning {
  /** Rounds of read-modify-write when concurrent writers interfere. */
  casAttempts: number;
}

/** Retries for up to 60 s per call, 8 rounds against concurrent writers. */
export const DEFAULT_TUNING: AkamaiTuning = { ...DEFAULT_API_TUNING, casAttempts: 8 };

/** Knobs for tests; users get the defaults. */
export interface AkamaiOptions {
  tuning?: Partial<AkamaiTuning>;
  /** Default true. Off, two providers in one process race like two processes. */
  serializeInProcess?: boolean;
}

/** The Akamai provider, plus the zone lookup it uses (for messages). */
export interface AkamaiProvider extends DnsProvider {
  /** The Edge DNS zone `record` goes to (the DNS zone, or a parent of it). */
  zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<string>;
}

const holds = (set: EdgeRecordSet | undefined, value: string): boolean => (set?.rdata ?? []).some((r) => unquoteTxt(r) === value);

async function readCredentials(config: AkamaiConfig, ctx: ProviderContext): Promise<EdgeGridCredentials> {
  const [clientToken, clientSecret, accessToken] = await Promise.all([ctx.secretValue(config.clientTokenSecretRef), ctx.secretValue(config.clientSecretSecretRef), ctx.secretValue(config.accessTokenSecretRef)]);
  const empty = [
    [clientToken, 'clientTokenSecretRef'],
    [clientSecret, 'clientSecretSecretRef'],
    [accessToken, 'accessTokenSecretRef'],
  ].filter(([v]) => !v.trim());
  if (empty.length > 0) throw new Error(`akamai: ${empty.map(([, f]) => `${config.path}.${f}`).join(', ')}: the Secret value is empty`);
  return { clientToken: clientToken.trim(), clientSecret: clientSecret.trim(), accessToken: accessToken.trim() };
}

/** Creates the provider for a `dns01.akamai` block; the Secrets are read once per run (shared). */
export async function createAkamaiProvider(config: AkamaiConfig, ctx: ProviderContext, options: AkamaiOptions = {}, shared: AkamaiShared = createAkamaiShared()): Promise<AkamaiProvider> {
  const tuning: AkamaiTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const refs = [config.clientTokenSecretRef, config.clientSecretSecretRef, config.accessTokenSecretRef].map((r) => [r.name, r.key]);
  const account = JSON.stringify([ctx.secretNamespace, config.serviceConsumerDomain, ...refs]);
  const credentials = await memo(shared.credentials, account, () => readCredentials(config, ctx));
  const scrub = (s: string): string => redact(s, [credentials.clientSecret, credentials.accessToken, credentials.clientToken]);
  const gate = gateFor(shared.gates, account, REQUEST_RATE, (ms) => ctx.debug(`akamai: pacing Edge DNS requests (5 per second per API client): waiting ${Math.ceil(ms)} ms`));
  const api = new EdgeDnsApi({ host: config.serviceConsumerDomain, credentials, tuning, extraCa: extraCaFromEnv(ctx.env), redact: scrub, pace: (signal) => gate.wait(signal), debug: ctx.debug });

  async function zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<string> {
    const candidates = zoneCandidates(record.fqdn, record.zone);
    for (const zone of candidates) if (await memo(shared.zones, `${account}|${zone}`, () => api.zoneExists(zone, signal))) return zone;
    throw new Error(`akamai: GetZone: none of ${candidates.join(', ')} is an Edge DNS zone this API client can see (serviceConsumerDomain ${config.serviceConsumerDomain}); add the zone in Edge DNS, or give the API client access to its contract and group`);
  }

  /** Read-modify-write of our value, repeated while concurrent writers interfere. */
  async function apply(zone: string, record: TxtRecord, op: 'present' | 'cleanUp', signal?: AbortSignal): Promise<void> {
    const name = bare(record.fqdn);
    for (let round = 1; ; round++) {
      const set = await api.getTxt(zone, name, signal);
      try {
        if (op === 'present') {
          if (holds(set, record.value)) return;
          if (set) await api.replaceTxt(zone, { name, type: 'TXT', ttl: set.ttl, rdata: [...set.rdata, quoteTxt(record.value)] }, signal);
          else await api.createTxt(zone, { name, type: 'TXT', ttl: record.ttl, rdata: [quoteTxt(record.value)] }, signal);
          // No conditional writes: read back, so a concurrent replace that dropped our value is seen and repaired.
          if (holds(await api.getTxt(zone, name, signal), record.value)) return;
          if (round >= tuning.casAttempts) throw new Error(`akamai: UpdateRecordSet TXT ${name} in zone ${zone}: another writer replaced the record set ${round} times, dropping our value; try again`);
          ctx.debug(`akamai: TXT ${name} in zone ${zone} lost our value to a concurrent writer; writing it again`);
        } else {
          if (!set || !holds(set, record.value)) return;
          const rest = set.rdata.filter((r) => unquoteTxt(r) !== record.value);
          if (rest.length === 0) await api.deleteTxt(zone, name, signal);
          else await api.replaceTxt(zone, { ...set, name, rdata: rest }, signal);
          return;
        }
      } catch (err) {
        // 409: created by someone else after our read; 404: deleted by someone else after our read.
        const raced = err instanceof AkamaiError && ((err.status === 409 && err.action === 'CreateRecordSet') || (err.status === 404 && err.action === 'UpdateRecordSet'));
        if (!raced || round >= tuning.casAttempts) throw err;
        ctx.debug(`akamai: TXT ${name} in zone ${zone} changed after it was read (HTTP ${(err as AkamaiError).status}); reading it again`);
      }
      // A random pause, so two writers that collided do not collide again in lockstep.
      await sleep(Math.random() * 50 * round, signal);
    }
  }

  const serialized = (zone: string, record: TxtRecord, task: () => Promise<void>): Promise<void> =>
    options.serializeInProcess === false ? task() : shared.locks.run(`${account}|${zone}|${bare(record.fqdn)}`, task);

  return {
    name: 'akamai',
    zoneFor,
    async present(record, signal) {
      const zone = await zoneFor(record, signal);
      ctx.debug(`akamai: using Edge DNS zone ${zone} for ${record.fqdn}`);
      await serialized(zone, record, () => apply(zone, record, 'present', signal));
    },
    async cleanUp(record, signal) {
      const zone = await zoneFor(record, signal);
      await serialized(zone, record, () => apply(zone, record, 'cleanUp', signal));
    },
  };
}
