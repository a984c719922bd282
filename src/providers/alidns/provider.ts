/**
 * Alibaba Cloud DNS provider (API 2015-01-09 over `@alicloud/pop-core`, loaded only when used),
 * configured through the `dns01.webhook` blocks of the AliDNS webhooks for cert-manager.
 *
 * Every TXT value is its own record with its own RecordId, so apex and wildcard values at one
 * name are added and removed independently: present adds our value unless it is there already,
 * cleanUp finds our record by value and deletes it by RecordId — never by name, which would take
 * other values with it (the mistake of the most-used community webhook).
 */
import { envSecret } from '../../shared/env-secret.js';
import { memo } from '../../shared/memo.js';
import { redact } from '../../shared/redact.js';
import { unquoteTxt } from '../rest/txt.js';
import { bare, zoneAndParents } from '../rest/zones.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { AliDnsApi, AliDnsError, DEFAULT_TUNING } from './api.js';
import type { AliDnsTuning, AliRecord } from './api.js';
import type { AliDnsSettings } from './config.js';

export { ALIDNS_SOLVER_NAMES } from './config.js';
export type { AliDnsTuning } from './api.js';
export type { AliDnsSettings } from './config.js';

/** Domain lookups shared by every AliDNS solver of one run, by account and zone. */
export interface AliDnsShared {
  domains: Map<string, Promise<string>>;
}

export function createAliDnsShared(): AliDnsShared {
  return { domains: new Map() };
}

/** The AliDNS provider, plus the domain lookup it uses (for messages). */
export interface AliDnsProvider extends DnsProvider {
  /** The account's domain that holds `record` (the DNS zone, or a parent of it). */
  domainFor(record: TxtRecord, signal?: AbortSignal): Promise<string>;
}

/** Knobs for tests; users get the defaults. */
export interface AliDnsOptions {
  tuning?: Partial<AliDnsTuning>;
}

/** AliDNS free edition's minimum TTL; paid editions allow less, but 600 works everywhere. */
const MIN_TTL = 600;

interface AliCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Credentials from the references, or (with no reference at all) from ALICLOUD_* (or *_FILE) in the environment; one error lists all that is missing. */
async function credentials(s: AliDnsSettings, ctx: ProviderContext): Promise<AliCredentials> {
  if (!s.accessKeyId || !s.accessKeySecret) {
    const id = envSecret(ctx.env, 'ALICLOUD_ACCESS_KEY');
    const secret = envSecret(ctx.env, 'ALICLOUD_SECRET_KEY');
    const token = envSecret(ctx.env, 'ALICLOUD_SECURITY_TOKEN');
    const missing = [...(id ? [] : [`${s.configPath}.${s.fields.id} (or env ALICLOUD_ACCESS_KEY)`]), ...(secret ? [] : [`${s.configPath}.${s.fields.secret} (or env ALICLOUD_SECRET_KEY)`])];
    if (missing.length > 0 || !id || !secret) throw new Error(`alidns: missing credentials: ${missing.join(', ')}`);
    return { accessKeyId: id.trim(), accessKeySecret: secret.trim(), securityToken: token?.trim() || undefined };
  }
  const [accessKeyId, accessKeySecret, securityToken] = await Promise.all([
    ctx.secretValue(s.accessKeyId),
    ctx.secretValue(s.accessKeySecret),
    s.securityToken ? ctx.secretValue(s.securityToken) : Promise.resolve(undefined),
  ]);
  return { accessKeyId: accessKeyId.trim(), accessKeySecret: accessKeySecret.trim(), securityToken: securityToken?.trim() || undefined };
}

/** The RR of `fqdn` relative to `domain`: `_acme-challenge.a.b` for `_acme-challenge.a.b.example.com` in `example.com`. */
export function relativeName(fqdn: string, domain: string): string {
  const name = bare(fqdn);
  const d = bare(domain);
  if (name === d) return '@';
  if (!name.endsWith(`.${d}`)) throw new Error(`alidns: ${fqdn} is not inside domain ${d}`);
  return name.slice(0, -(d.length + 1));
}

/** Creates the AliDNS provider for the settings of a `dns01.webhook` block with solverName alidns-solver or alidns. */
export async function createAliDnsProvider(settings: AliDnsSettings, ctx: ProviderContext, options: AliDnsOptions = {}, shared: AliDnsShared = createAliDnsShared()): Promise<AliDnsProvider> {
  const creds = await credentials(settings, ctx);
  const { default: RPCClient } = await import('@alicloud/pop-core');
  const client = new RPCClient({ ...creds, endpoint: settings.endpoint, apiVersion: '2015-01-09' });
  const secrets = [creds.accessKeySecret, creds.securityToken, creds.accessKeyId].filter((s): s is string => Boolean(s));
  const api = new AliDnsApi(client, { ...DEFAULT_TUNING, ...options.tuning }, (s) => redact(s, secrets), ctx.debug);
  const account = `${settings.endpoint}|${creds.accessKeyId}`;

  async function lookUp(zone: string, signal?: AbortSignal): Promise<string> {
    // The zone the DNS serves the name from first; then its parents, for a zone delegated inside an account's domain.
    const candidates = zoneAndParents(zone);
    for (const c of candidates) if (await api.hasDomain(c, signal)) return c;
    throw new Error(`alidns: none of ${candidates.join(', ')} is a domain of this Alibaba Cloud account (asked DescribeDomainRecords); add the domain in the Alibaba Cloud DNS console, or use the account that holds it`);
  }

  const domainFor = (record: TxtRecord, signal?: AbortSignal): Promise<string> => memo(shared.domains, `${account}|${record.zone}`, () => lookUp(record.zone, signal));

  async function ours(record: TxtRecord, signal?: AbortSignal): Promise<{ domain: string; rr: string; found: AliRecord[] }> {
    const domain = await domainFor(record, signal);
    const rr = relativeName(record.fqdn, domain);
    const all = await api.txtRecords(bare(record.fqdn), domain, signal);
    // Values added through the console may come back quoted.
    return { domain, rr, found: all.filter((r) => r.RR.toLowerCase() === rr && r.Type === 'TXT' && unquoteTxt(r.Value) === record.value) };
  }

  return {
    name: 'alidns',
    domainFor,
    async present(record, signal) {
      const { domain, rr, found } = await ours(record, signal);
      if (found.length > 0) return;
      try {
        await api.addTxt(domain, rr, record.value, Math.max(MIN_TTL, record.ttl), signal);
      } catch (err) {
        // A concurrent present of the same value won the race: the value is there, as wanted.
        if (!(err instanceof AliDnsError && err.code === 'DomainRecordDuplicate')) throw err;
      }
    },
    async cleanUp(record, signal) {
      const { rr, domain, found } = await ours(record, signal);
      for (const r of found) {
        try {
          await api.deleteRecord(r.RecordId, `TXT ${rr} in domain ${domain}`, signal);
        } catch (err) {
          // Already deleted by a concurrent cleanUp.
          if (!(err instanceof AliDnsError && err.code === 'DomainRecordNotBelongToUser')) throw err;
        }
      }
    },
  };
}
