/**
 * Azure DNS provider (cert-manager `dns01.azureDNS`) over the Resource Manager REST API with our
 * own small client (src/providers/rest/): the Azure SDK for JS would bring @azure/identity,
 * @azure/msal-node and @azure/arm-dns (dozens of packages) for four REST calls and three token
 * grants, and it reads `process.env` itself, where certctl passes the environment explicitly.
 *
 * A TXT name holds one record set; apex and wildcard challenges (and other certctl runs) share it.
 * Each change reads the set, adds or removes only our value and writes the whole set back with
 * `If-Match: <etag>` (or `If-None-Match: *` for a new set), keeping its other records, TTL and
 * metadata; when someone else changed the set in between, Resource Manager answers 412 and the
 * provider reads again. Changes to one name are also serialized in this process.
 */
import { memo } from '../../shared/memo.js';
import { gateFor } from '../../shared/rate-gate.js';
import { redact } from '../../shared/redact.js';
import { sleep } from '../../shared/sleep.js';
import { extraCaFromEnv } from '../../shared/http-client.js';
import { DEFAULT_API_TUNING } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { splitTxt } from '../rest/txt.js';
import { relativeName, zoneCandidates } from '../rest/zones.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { ArmError, AzureDnsApi } from './api.js';
import { resolveCloud } from './cloud.js';
import type { AzureCloud } from './cloud.js';
import type { AzureDnsConfig } from './config.js';
import { azureCredentials } from './credentials.js';
import { createAzureDnsShared, REQUEST_RATE } from './shared.js';
import type { AzureDnsShared } from './shared.js';

export type { AzureDnsConfig } from './config.js';
export type { AzureDnsShared } from './shared.js';
export { createAzureDnsShared } from './shared.js';

/** Timing knobs; users get the defaults, tests shrink them. */
export interface AzureDnsTuning extends ApiTuning {
  /** Read-modify-write rounds when concurrent writers keep changing the record set. */
  casAttempts: number;
}

/** Retries for up to 60 s per call, 8 read-modify-write rounds. */
export const DEFAULT_TUNING: AzureDnsTuning = { ...DEFAULT_API_TUNING, casAttempts: 8 };

/** Knobs for tests; users get the defaults. */
export interface AzureDnsOptions {
  tuning?: Partial<AzureDnsTuning>;
  /** Default true. Off, two providers in one process race like two processes (tests of the ETag swap). */
  serializeInProcess?: boolean;
}

/** The zone a record goes to, and why. */
export interface AzureZone {
  name: string;
  note: string;
}

/** The Azure DNS provider, plus what it can tell about its choices. */
export interface AzureDnsProvider extends DnsProvider {
  zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<AzureZone>;
  /** Where the token comes from (never a secret). */
  readonly credentialSource: string;
  readonly cloud: AzureCloud;
}

/** Creates the provider for a `dns01.azureDNS` block; credentials and the cloud are resolved once per run (shared). */
export async function createAzureDnsProvider(config: AzureDnsConfig, ctx: ProviderContext, options: AzureDnsOptions = {}, shared: AzureDnsShared = createAzureDnsShared()): Promise<AzureDnsProvider> {
  const tuning: AzureDnsTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const extraCa = extraCaFromEnv(ctx.env);
  const cloudKey = JSON.stringify([config.environment, config.environmentWritten, ctx.env.ARM_CLOUD_METADATA_URL, ctx.env.AZURE_AUTHORITY_HOST]);
  const cloud = await memo(shared.clouds, cloudKey, () => resolveCloud(config, ctx.env, { extraCa, timeoutMs: tuning.requestTimeoutMs }));
  // Secret references by name, never their values; ambient sources by the variables that select them.
  const credentialKey = JSON.stringify([
    ctx.secretNamespace,
    cloud,
    config.clientID,
    config.tenantID,
    config.clientSecretSecretRef?.name,
    config.clientSecretSecretRef?.key,
    config.managedIdentity,
    ...['AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'IDENTITY_ENDPOINT', 'IMDS_ENDPOINT', 'MSI_ENDPOINT', 'AZURE_POD_IDENTITY_AUTHORITY_HOST'].map((k) => ctx.env[k]),
  ]);
  const creds = await memo(shared.credentials, credentialKey, () => azureCredentials(config, ctx, cloud, { tuning, extraCa }));
  const scrub = (s: string): string => redact(s, creds.secrets);
  const account = JSON.stringify([cloud.resourceManager, config.subscriptionID, config.resourceGroupName, config.zoneType]);
  const gate = gateFor(shared.gates, `${cloud.resourceManager}|${config.subscriptionID}`, REQUEST_RATE, (ms) => ctx.debug(`azuredns: pacing Resource Manager requests (10 per second per subscription): waiting ${Math.ceil(ms)} ms`));
  const api = new AzureDnsApi({ ...config, cloud, token: creds.token, tuning, extraCa, redact: scrub, pace: (signal) => gate.wait(signal), debug: ctx.debug });
  ctx.debug(`azuredns: ${cloud.resourceManager} (${cloud.source}), credentials: ${creds.source}`);

  async function lookUp(record: TxtRecord, signal?: AbortSignal): Promise<AzureZone> {
    const asked: string[] = [];
    for (const name of zoneCandidates(record.fqdn, record.zone)) {
      asked.push(name);
      if (!(await memo(shared.zones, `${account}|${name}`, () => api.zoneExists(name, signal)))) continue;
      const served = record.zone.replace(/\.$/, '') === name ? '' : `; but DNS serves the name from zone ${record.zone}: if ${name} is not delegated, set hostedZoneName`;
      return { name, note: `azuredns: using zone ${name} of resource group ${config.resourceGroupName} for ${record.fqdn}${served}` };
    }
    const kind = config.zoneType === 'AzurePrivateZone' ? 'private DNS zone' : 'DNS zone';
    throw new Error(`azuredns: Zones.Get: no ${kind} of resource group ${config.resourceGroupName} (subscription ${config.subscriptionID}) contains ${record.fqdn} (looked for ${asked.join(', ')}); set hostedZoneName, or check resourceGroupName and zoneType`);
  }

  const zoneFor = (record: TxtRecord, signal?: AbortSignal): Promise<AzureZone> => {
    if (config.hostedZoneName) return Promise.resolve({ name: config.hostedZoneName, note: `azuredns: using zone ${config.hostedZoneName} (hostedZoneName) for ${record.fqdn}` });
    return lookUp(record, signal);
  };

  const relative = (record: TxtRecord, zone: string): string => {
    try {
      return relativeName(record.fqdn, zone);
    } catch (err) {
      throw new Error(`azuredns: ${(err as Error).message}${config.hostedZoneName ? ' (hostedZoneName)' : ''}`);
    }
  };

  /** One read-modify-write of our value, repeated while the ETag condition fails (another writer). */
  async function apply(zone: string, rel: string, record: TxtRecord, op: 'present' | 'cleanUp', signal?: AbortSignal): Promise<void> {
    for (let round = 1; ; round++) {
      const set = await api.getTxt(zone, rel, signal);
      const has = set?.records.some((r) => r.join('') === record.value) ?? false;
      try {
        if (op === 'present') {
          if (has) return;
          const records = [...(set?.records ?? []), splitTxt(record.value)];
          await api.putTxt(zone, rel, api.properties(set?.properties, records, record.ttl), set ? { ifMatch: set.etag } : { ifNoneMatch: '*' }, signal);
        } else {
          if (!set || !has) return;
          const rest = set.records.filter((r) => r.join('') !== record.value);
          if (rest.length === 0) await api.deleteTxt(zone, rel, set.etag, signal);
          else await api.putTxt(zone, rel, api.properties(set.properties, rest, record.ttl), { ifMatch: set.etag }, signal);
        }
        return;
      } catch (err) {
        if (!(err instanceof ArmError && err.status === 412) || round >= tuning.casAttempts) throw err;
        ctx.debug(`azuredns: TXT ${rel} in zone ${zone} changed after it was read (HTTP 412 ${err.code}); reading it again`);
        // A random pause, so two writers that collided do not collide again in lockstep.
        await sleep(Math.random() * 50 * round, signal);
      }
    }
  }

  const serialized = (zone: string, rel: string, task: () => Promise<void>): Promise<void> =>
    options.serializeInProcess === false ? task() : shared.locks.run(`${account}|${zone}|${rel}`, task);

  return {
    name: 'azuredns',
    credentialSource: creds.source,
    cloud,
    zoneFor,
    async present(record, signal) {
      const zone = await zoneFor(record, signal);
      ctx.debug(zone.note);
      const rel = relative(record, zone.name);
      await serialized(zone.name, rel, () => apply(zone.name, rel, record, 'present', signal));
    },
    async cleanUp(record, signal) {
      const zone = await zoneFor(record, signal);
      const rel = relative(record, zone.name);
      await serialized(zone.name, rel, () => apply(zone.name, rel, record, 'cleanUp', signal));
    },
  };
}
