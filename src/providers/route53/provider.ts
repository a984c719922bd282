/**
 * AWS Route 53 provider (cert-manager `dns01.route53`) on `@aws-sdk/client-route-53`, loaded
 * only when a Route 53 solver is used.
 *
 * A TXT name holds one simple record set; apex and wildcard challenges (and other certctl runs)
 * share it. Each change reads the set, adds or removes only our value and swaps the set
 * atomically (DELETE exact + CREATE, see route53/rrsets.ts); a concurrent writer makes the swap
 * fail, and the provider reads again. Changes to one name are also serialized in this process.
 * Present waits for INSYNC; the caller still checks every authoritative nameserver.
 */
import { sleep } from '../../shared/sleep.js';
import { memo } from '../../shared/memo.js';
import { redact } from '../../shared/redact.js';
import { gateFor } from '../../shared/rate-gate.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { DEFAULT_TUNING, Route53Api, Route53Error } from './api.js';
import type { Route53Sdk, Route53Tuning, ZoneRef } from './api.js';
import type { Route53Config } from './config.js';
import { route53Credentials } from './credentials.js';
import type { CredentialProvidersSdk } from './credentials.js';
import { fingerprint, planCleanUp, planPresent } from './rrsets.js';
import { createRoute53Shared, REQUEST_RATE } from './shared.js';
import type { Route53Shared } from './shared.js';
import { findHostedZone, zonesNamed } from './zones.js';
import type { HostedZone } from './zones.js';

export type { HostedZone } from './zones.js';
export type { Route53Tuning } from './api.js';
export type { Route53Config } from './config.js';
export { createRoute53Shared } from './shared.js';

/** The Route 53 provider, plus what it can tell about its choices. */
export interface Route53Provider extends DnsProvider {
  /** The hosted zone `record` goes to (looked up once per name), with a note saying how it was chosen. */
  zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<HostedZone>;
  /** Where credentials come from, e.g. "the default credential chain" (never the values). */
  readonly credentialSource: string;
}

/** Knobs for tests; users get the defaults. */
export interface Route53Options {
  tuning?: Partial<Route53Tuning>;
  /** Default true. Off, two providers in one process race like two processes (tests of the compare-and-swap). */
  serializeInProcess?: boolean;
}

/** Endpoint overrides as the SDK reads them, but from `env` (AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL). */
function endpoints(env: ProviderContext['env']): { route53?: string; sts?: string } {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return {};
  return { route53: env.AWS_ENDPOINT_URL_ROUTE_53 || env.AWS_ENDPOINT_URL || undefined, sts: env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined };
}

/**
 * Creates the Route 53 provider for a `dns01.route53` block. Region: `region`, else AWS_REGION /
 * AWS_DEFAULT_REGION, else us-east-1 (Route 53 is global; the region picks the STS endpoint and
 * the partition). Throws `route53: …` errors for invalid or unusable configuration.
 */
export async function createRoute53Provider(
  config: Route53Config,
  ctx: ProviderContext,
  options: Route53Options = {},
  shared: Route53Shared = createRoute53Shared(),
): Promise<Route53Provider> {
  const tuning: Route53Tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const region = config.region || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || 'us-east-1';
  const endpoint = endpoints(ctx.env);
  const loadCredentialSdk = (): Promise<CredentialProvidersSdk> => import('@aws-sdk/credential-providers');
  // Secret references are named, never their values: two solvers naming the same Secrets share one chain.
  const account = JSON.stringify([ctx.secretNamespace, region, endpoint, config.accessKeyID, config.accessKeyIDSecretRef?.name, config.accessKeyIDSecretRef?.key, config.secretAccessKeySecretRef?.name, config.secretAccessKeySecretRef?.key, config.role, config.serviceAccountRef]);
  const creds = await memo(shared.credentials, account, () => route53Credentials(config, ctx, { region, stsEndpoint: endpoint.sts, loadSdk: loadCredentialSdk }));

  const sdk: Route53Sdk = await import('@aws-sdk/client-route-53');
  const client = new sdk.Route53Client({
    region,
    ...(endpoint.route53 ? { endpoint: endpoint.route53 } : {}),
    credentials: creds.provider,
    // Retries are ours (route53/api.ts): bounded in time, and every failure reported the same way.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000 },
  });
  const gate = gateFor(shared.gates, account, REQUEST_RATE, (ms) => ctx.debug(`route53: pacing requests (5 per second per account): waiting ${Math.ceil(ms)} ms`));
  const api = new Route53Api(sdk, client, tuning, (s) => redact(s, creds.secrets), { pace: (signal) => gate.wait(signal), debug: ctx.debug });
  const configuredId = config.hostedZoneID?.replace(/^\/?hostedzone\//, '');

  const zoneFor = (record: TxtRecord, signal?: AbortSignal): Promise<HostedZone> => {
    if (configuredId) return Promise.resolve({ id: configuredId, name: record.zone, note: `route53: using hosted zone ${configuredId} (hostedZoneID) for ${record.fqdn}` });
    return findHostedZone((name) => memo(shared.zones, `${account}|${name}`, () => zonesNamed(api, name, signal)), record.fqdn, record.zone);
  };

  /** One read-modify-write of our value; returns the change ID, or undefined when nothing had to change. */
  async function apply(zone: ZoneRef, record: TxtRecord, op: 'present' | 'cleanUp', signal?: AbortSignal): Promise<string | undefined> {
    let sets = await api.listTxtSets(zone, record.fqdn, signal);
    for (let round = 1; ; round++) {
      let plan;
      try {
        plan = op === 'present' ? planPresent(sets, record.fqdn, record.value, record.ttl) : planCleanUp(sets, record.value);
      } catch (err) {
        throw new Error(`route53: ${op} on zone ${zone.id} (${zone.name}): ${(err as Error).message}`);
      }
      if (plan.done) return undefined;
      try {
        return await api.change(zone, plan.changes, `certctl ${op} ${record.fqdn}`, signal);
      } catch (err) {
        if (!(err instanceof Route53Error) || err.code !== 'InvalidChangeBatch' || round >= tuning.casAttempts) throw err;
        const now = await api.listTxtSets(zone, record.fqdn, signal);
        // Unchanged contents mean the batch itself is wrong, not that someone raced us.
        if (fingerprint(now) === fingerprint(sets)) throw err;
        sets = now;
        // A random pause, so two writers that collided do not collide again in lockstep.
        await sleep(Math.random() * 50 * round, signal);
      }
    }
  }

  const serialized = <T>(zone: ZoneRef, record: TxtRecord, task: () => Promise<T>): Promise<T> =>
    options.serializeInProcess === false ? task() : shared.locks.run(`${endpoint.route53 ?? ''}|${zone.id}|${record.fqdn}`, task);

  return {
    name: 'route53',
    credentialSource: creds.source,
    zoneFor,
    async present(record, signal) {
      const zone = await zoneFor(record, signal);
      ctx.debug(zone.note);
      const changeId = await serialized(zone, record, () => apply(zone, record, 'present', signal));
      // Outside the lock: the other value of an apex + wildcard pair need not wait for this one.
      if (changeId) await api.waitInsync(zone, changeId, signal);
    },
    async cleanUp(record, signal) {
      const zone = await zoneFor(record, signal);
      await serialized(zone, record, () => apply(zone, record, 'cleanUp', signal));
    },
  };
}
