/**
 * DigitalOcean provider (cert-manager `dns01.digitalocean`) on the v2 REST API over node:https:
 * four calls do not justify an SDK (see api.ts).
 *
 * Every TXT value is its own domain record with its own id, so apex and wildcard values at one
 * name are added and removed independently: present lists the TXT records at the name and creates
 * ours unless it is there; cleanUp deletes, by id, only the records holding our value.
 */
import { memo } from '../../shared/memo.js';
import { redact } from '../../shared/redact.js';
import { gateFor } from '../../shared/rate-gate.js';
import { apiBaseProblem } from '../../shared/endpoint-url.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { bare, zoneAndParents } from '../rest/zones.js';
import { DEFAULT_BASE_URL, DEFAULT_TUNING, DigitalOceanApi } from './api.js';
import type { DigitalOceanTuning } from './api.js';
import { tokenProblem } from './token.js';
import type { DigitalOceanConfig } from './config.js';
import { createDigitalOceanShared, REQUEST_RATE } from './shared.js';
import type { DigitalOceanShared } from './shared.js';

export type { DigitalOceanConfig } from './config.js';
export type { DigitalOceanTuning } from './api.js';
export { createDigitalOceanShared } from './shared.js';

/** The DigitalOcean provider, plus the domain lookup it uses. */
export interface DigitalOceanProvider extends DnsProvider {
  /** The account's domain that holds `record` (the DNS zone, or a parent of it), looked up once per zone per run. */
  domainFor(record: TxtRecord, signal?: AbortSignal): Promise<string>;
}

/** Knobs for tests; users get the defaults. */
export interface DigitalOceanOptions {
  tuning?: Partial<DigitalOceanTuning>;
}

/** DigitalOcean's minimum TTL. */
const MIN_TTL = 30;

/** The API origin: DIGITALOCEAN_API_URL (DigitalOcean's Terraform provider reads it too), else the public API. */
export function digitalOceanBaseUrl(env: ProviderContext['env']): URL {
  const value = env.DIGITALOCEAN_API_URL?.trim() || DEFAULT_BASE_URL;
  const problem = apiBaseProblem(value);
  if (problem) throw new Error(`digitalocean: DIGITALOCEAN_API_URL: ${problem}`);
  return new URL(value);
}

/** The record name relative to `domain`: `_acme-challenge.www` for `_acme-challenge.www.example.com` in `example.com`, `@` for the apex. */
export function relativeName(fqdn: string, domain: string): string {
  const name = bare(fqdn);
  const d = bare(domain);
  if (name === d) return '@';
  if (!name.endsWith(`.${d}`)) throw new Error(`digitalocean: ${fqdn} is not inside domain ${d}`);
  return name.slice(0, -(d.length + 1));
}

/** Creates the DigitalOcean provider for a `dns01.digitalocean` block. */
export async function createDigitalOceanProvider(
  config: DigitalOceanConfig,
  ctx: ProviderContext,
  options: DigitalOceanOptions = {},
  shared: DigitalOceanShared = createDigitalOceanShared(),
): Promise<DigitalOceanProvider> {
  const base = digitalOceanBaseUrl(ctx.env);
  const account = JSON.stringify([ctx.secretNamespace, base.href, config.tokenSecretRef.name, config.tokenSecretRef.key]);
  const token = await memo(shared.tokens, account, async () => {
    const value = await ctx.secretValue(config.tokenSecretRef);
    const problem = tokenProblem(value);
    if (problem) throw new Error(`digitalocean: ${config.path}.tokenSecretRef: Secret ${config.tokenSecretRef.name} key ${config.tokenSecretRef.key}: ${problem}`);
    return value;
  });
  const gate = gateFor(shared.gates, account, REQUEST_RATE, (ms, why) =>
    ctx.debug(why === 'hold' ? `digitalocean: the token's rate limit is used up: waiting ${Math.ceil(ms / 1000)} s` : `digitalocean: pacing requests (250 per minute): waiting ${Math.ceil(ms)} ms`),
  );
  const api = new DigitalOceanApi(base, token, { ...DEFAULT_TUNING, ...options.tuning }, gate, (s) => redact(s, [token]), ctx.debug);

  async function lookUp(zone: string, signal?: AbortSignal): Promise<string> {
    const names = zoneAndParents(zone);
    for (const name of names) {
      if (await api.hasDomain(name, signal)) {
        ctx.debug(`digitalocean: using domain ${name} for zone ${bare(zone)}`);
        return name;
      }
    }
    throw new Error(`digitalocean: GetDomain: none of ${names.join(', ')} is a domain of this DigitalOcean account; add the domain under Networking → Domains, or use the token of the team that holds it`);
  }

  const domainFor = (record: TxtRecord, signal?: AbortSignal): Promise<string> => memo(shared.domains, `${account}|${bare(record.zone)}`, () => lookUp(record.zone, signal));

  async function ours(record: TxtRecord, signal?: AbortSignal): Promise<{ domain: string; name: string; found: { id: number }[] }> {
    const domain = await domainFor(record, signal);
    const name = relativeName(record.fqdn, domain);
    const all = await api.txtRecords(domain, bare(record.fqdn), signal);
    return { domain, name, found: all.filter((r) => r.type === 'TXT' && r.name.toLowerCase() === name && r.data === record.value) };
  }

  return {
    name: 'digitalocean',
    domainFor,
    async present(record, signal) {
      const { domain, name, found } = await ours(record, signal);
      if (found.length > 0) return;
      await api.createTxt(domain, name, record.value, Math.max(MIN_TTL, record.ttl), signal);
    },
    async cleanUp(record, signal) {
      const { domain, name, found } = await ours(record, signal);
      for (const r of found) await api.deleteRecord(domain, r.id, name, signal);
    },
  };
}
