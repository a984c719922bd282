/**
 * Cloudflare provider (cert-manager `dns01.cloudflare`) on the v4 REST API over node:https — the
 * official SDK is large and would be loaded for four calls (see api.ts).
 *
 * Every TXT value is its own DNS record with its own id, so apex and wildcard values at one name
 * are added and removed independently: present lists the TXT records at the name and creates ours
 * unless it is there; cleanUp deletes, by id, only the records holding our value.
 */
import { memo } from '../../shared/memo.js';
import { redact } from '../../shared/redact.js';
import { gateFor } from '../../shared/rate-gate.js';
import { apiBaseProblem } from '../../shared/endpoint-url.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { unquoteTxt } from '../rest/txt.js';
import { bare, zoneAndParents } from '../rest/zones.js';
import { CloudflareApi, DEFAULT_BASE_URL, DEFAULT_TUNING } from './api.js';
import type { CfZone, CloudflareAuth, CloudflareTuning } from './api.js';
import { credentialProblem } from './credentials.js';
import type { CloudflareConfig } from './config.js';
import { createCloudflareShared, REQUEST_RATE } from './shared.js';
import type { CloudflareShared } from './shared.js';

export type { CloudflareConfig } from './config.js';
export type { CloudflareTuning } from './api.js';
export { createCloudflareShared } from './shared.js';

/** The Cloudflare provider, plus the zone lookup it uses (for messages and tests). */
export interface CloudflareProvider extends DnsProvider {
  /** The Cloudflare zone that holds `record` (looked up once per zone per run). */
  zoneFor(record: TxtRecord, signal?: AbortSignal): Promise<CfZone>;
}

/** Knobs for tests; users get the defaults. */
export interface CloudflareOptions {
  tuning?: Partial<CloudflareTuning>;
}

/** Cloudflare's minimum TTL (Enterprise zones allow 30; 60 works on every plan). */
const MIN_TTL = 60;

/** The API base: CLOUDFLARE_BASE_URL (Cloudflare's SDKs and lego read it too), else the public API. */
export function cloudflareBaseUrl(env: ProviderContext['env']): URL {
  const value = env.CLOUDFLARE_BASE_URL?.trim() || DEFAULT_BASE_URL;
  const problem = apiBaseProblem(value);
  if (problem) throw new Error(`cloudflare: CLOUDFLARE_BASE_URL: ${problem}`);
  return new URL(value);
}

/** Reads the one credential the config names, checking it can be sent as a header. */
async function resolveAuth(c: CloudflareConfig, ctx: ProviderContext): Promise<CloudflareAuth> {
  if (c.apiTokenSecretRef) {
    const token = await ctx.secretValue(c.apiTokenSecretRef);
    const problem = credentialProblem('API token', token);
    if (problem) throw new Error(`cloudflare: ${c.path}.apiTokenSecretRef: Secret ${c.apiTokenSecretRef.name} key ${c.apiTokenSecretRef.key}: ${problem}`);
    return { kind: 'token', token };
  }
  if (!c.apiKeySecretRef || !c.email) throw new Error(`cloudflare: ${c.path}: apiTokenSecretRef, or email and apiKeySecretRef, are required`);
  const key = await ctx.secretValue(c.apiKeySecretRef);
  const problem = credentialProblem('Global API Key', key) ?? credentialProblem('e-mail', c.email.trim());
  if (problem) throw new Error(`cloudflare: ${c.path}.apiKeySecretRef: Secret ${c.apiKeySecretRef.name} key ${c.apiKeySecretRef.key}: ${problem}`);
  return { kind: 'key', email: c.email.trim(), key };
}

/** Creates the Cloudflare provider for a `dns01.cloudflare` block. */
export async function createCloudflareProvider(config: CloudflareConfig, ctx: ProviderContext, options: CloudflareOptions = {}, shared: CloudflareShared = createCloudflareShared()): Promise<CloudflareProvider> {
  const base = cloudflareBaseUrl(ctx.env);
  // Named by references, never values: solvers naming the same Secret share one credential read, zone cache and gate.
  const account = JSON.stringify([ctx.secretNamespace, base.href, config.email ?? '', config.apiTokenSecretRef?.name, config.apiTokenSecretRef?.key, config.apiKeySecretRef?.name, config.apiKeySecretRef?.key]);
  const auth = await memo(shared.credentials, account, () => resolveAuth(config, ctx));
  const secrets = auth.kind === 'token' ? [auth.token] : [auth.key];
  const gate = gateFor(shared.gates, account, REQUEST_RATE, (ms, why) =>
    ctx.debug(why === 'hold' ? `cloudflare: rate limited by Cloudflare: waiting ${Math.ceil(ms / 1000)} s` : `cloudflare: pacing requests (1,200 per five minutes): waiting ${Math.ceil(ms)} ms`),
  );
  const api = new CloudflareApi(base, auth, { ...DEFAULT_TUNING, ...options.tuning }, gate, (s) => redact(s, secrets), ctx.debug);

  async function lookUp(record: TxtRecord, signal?: AbortSignal): Promise<CfZone> {
    const candidates = zoneAndParents(record.zone);
    for (const name of candidates) {
      const zones = await api.zonesNamed(name, signal);
      if (zones.length === 0) continue;
      const zone = zones.find((z) => z.status === 'active') ?? zones[0];
      const notes = [`cloudflare: using zone ${zone.name} (${zone.id}) for ${record.fqdn}`];
      if (zone.status !== 'active') notes.push(`its status is ${zone.status}: Cloudflare serves it only once it is active`);
      if (zones.length > 1) notes.push(`${zones.length} zones of this name are visible to these credentials (${zones.map((z) => `${z.id} ${z.status}`).join(', ')})`);
      ctx.debug(notes.join('; '));
      return zone;
    }
    throw new Error(
      `cloudflare: ListZones: no zone named ${candidates.join(' or ')} is visible to these credentials; add the zone to Cloudflare, or give the API token Zone → Zone → Read on it (docs/providers/cloudflare.md)`,
    );
  }

  const zoneFor = (record: TxtRecord, signal?: AbortSignal): Promise<CfZone> => memo(shared.zones, `${account}|${bare(record.zone)}`, () => lookUp(record, signal));

  async function ours(record: TxtRecord, signal?: AbortSignal): Promise<{ zone: CfZone; name: string; found: { id: string }[] }> {
    const zone = await zoneFor(record, signal);
    const name = bare(record.fqdn);
    const all = await api.txtRecords(zone, name, signal);
    return { zone, name, found: all.filter((r) => r.type === 'TXT' && r.name.toLowerCase() === name && unquoteTxt(r.content) === record.value) };
  }

  return {
    name: 'cloudflare',
    zoneFor,
    async present(record, signal) {
      const { zone, name, found } = await ours(record, signal);
      if (found.length > 0) return;
      // Quoted, as Cloudflare asks TXT content to be written; listing compares the logical value.
      const outcome = await api.createTxt(zone, name, `"${record.value}"`, Math.max(MIN_TTL, record.ttl), signal);
      if (outcome === 'exists') ctx.debug(`cloudflare: TXT ${name} already holds this value (a concurrent present won)`);
    },
    async cleanUp(record, signal) {
      const { zone, name, found } = await ours(record, signal);
      for (const r of found) await api.deleteRecord(zone, r.id, name, signal);
    },
  };
}
