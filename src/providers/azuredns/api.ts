/**
 * The four Azure Resource Manager operations certctl uses on Azure DNS (`dnsZones`, api-version
 * 2018-05-01) and Private DNS (`privateDnsZones`, api-version 2024-06-01), the versions of the
 * SDK modules cert-manager builds on: Zones.Get, RecordSets.Get, RecordSets.CreateOrUpdate and
 * RecordSets.Delete on TXT record sets, behind one retry policy (429 with Retry-After, 5xx,
 * resets) and one error format. ARM error bodies (`error.code`, `error.message`) become one line
 * naming the operation, the record, the HTTP status and the code, with the role to grant.
 */
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import type { HttpResponse } from '../../shared/http-client.js';
import { firstLine } from '../rest/oauth.js';
import { RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import type { TokenSource } from '../rest/token.js';
import type { AzureCloud } from './cloud.js';
import type { AzureZoneType } from './config.js';

/** A TXT record set as read: its ETag, TTL, values (each the joined strings of one record) and every property, to write back. */
export interface TxtRecordSet {
  etag: string;
  ttl: number;
  /** One entry per TXT record: its character-strings. */
  records: string[][];
  /** The whole `properties` object, so a write keeps metadata and TTL. */
  properties: Record<string, unknown>;
}

/** A refused ARM call. `status` 412 means the ETag condition failed: someone else changed the set. */
export class ArmError extends Error {
  override name = 'ArmError';
  constructor(
    message: string,
    readonly action: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** JSON names differ between the two resource providers. */
const SHAPE: Record<AzureZoneType, { resource: string; apiVersion: string; ttl: string; txt: string; role: string; permission: string }> = {
  AzurePublicZone: { resource: 'dnsZones', apiVersion: '2018-05-01', ttl: 'TTL', txt: 'TXTRecords', role: 'DNS Zone Contributor', permission: 'Microsoft.Network/dnszones' },
  AzurePrivateZone: { resource: 'privateDnsZones', apiVersion: '2024-06-01', ttl: 'ttl', txt: 'txtRecords', role: 'Private DNS Zone Contributor', permission: 'Microsoft.Network/privateDnsZones' },
};

/** Read-only properties ARM returns but refuses (or ignores) on PUT. */
const READ_ONLY = ['fqdn', 'provisioningState', 'isAutoRegistered'];

/** What the client needs. */
export interface AzureDnsApiOptions {
  cloud: AzureCloud;
  subscriptionID: string;
  resourceGroupName: string;
  zoneType: AzureZoneType;
  token: TokenSource;
  tuning: ApiTuning;
  extraCa?: string;
  redact: (s: string) => string;
  pace?: (signal?: AbortSignal) => Promise<void>;
  debug?: (message: string) => void;
}

interface ArmErrorBody {
  error?: { code?: string; message?: string };
  code?: string;
  message?: string;
}

/** Which failures mean "not there" rather than an error: a 404 about the zone or record set itself, not its resource group or subscription. */
type Absent = (status: number, code: string) => boolean;
const ZONE_ABSENT: Absent = (status, code) => status === 404 && (code === 'ResourceNotFound' || code === 'NotFound');
const SET_ABSENT: Absent = (status, code) => status === 404 && (code === 'NotFound' || code === 'HTTP 404');

/** Path segment; `@` (the apex) and `*` stay as the SDK sends them. */
const seg = (s: string): string => encodeURIComponent(s).replace(/%40/g, '@');

/** Wraps Resource Manager for one subscription, resource group and zone type. */
export class AzureDnsApi {
  private readonly shape;

  constructor(private readonly o: AzureDnsApiOptions) {
    this.shape = SHAPE[o.zoneType];
  }

  /** Zones.Get: true when the zone exists in the resource group, false on 404. */
  async zoneExists(zone: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.call('Zones.Get', zone, `zone ${zone}`, 'GET', this.zonePath(zone), undefined, {}, ZONE_ABSENT, signal);
    return res.status !== 404;
  }

  /** RecordSets.Get of the TXT set at `relative`; undefined when there is none. */
  async getTxt(zone: string, relative: string, signal?: AbortSignal): Promise<TxtRecordSet | undefined> {
    const res = await this.call('RecordSets.Get', zone, this.target(zone, relative), 'GET', this.txtPath(zone, relative), undefined, {}, SET_ABSENT, signal);
    if (res.status === 404) return undefined;
    const body = (res.json as { etag?: string; properties?: Record<string, unknown> } | undefined) ?? {};
    const properties = { ...(body.properties ?? {}) };
    const txt = (properties[this.shape.txt] as { value?: string[] }[] | undefined) ?? [];
    return { etag: body.etag ?? (res.headers.etag as string | undefined) ?? '', ttl: Number(properties[this.shape.ttl] ?? 0), records: txt.map((r) => r.value ?? []), properties };
  }

  /** The properties to PUT: `base` (what was read, or nothing) with these TXT records, and `ttl` for a new set. */
  properties(base: Record<string, unknown> | undefined, records: string[][], ttl: number): Record<string, unknown> {
    const props: Record<string, unknown> = { ...(base ?? { [this.shape.ttl]: ttl }) };
    for (const k of READ_ONLY) delete props[k];
    props[this.shape.txt] = records.map((value) => ({ value }));
    return props;
  }

  /** RecordSets.CreateOrUpdate, conditional: `If-Match` the ETag read, or `If-None-Match: *` for a new set. */
  async putTxt(zone: string, relative: string, properties: Record<string, unknown>, condition: { ifMatch: string } | { ifNoneMatch: '*' }, signal?: AbortSignal): Promise<void> {
    const headers: Record<string, string> = 'ifMatch' in condition ? { 'If-Match': condition.ifMatch } : { 'If-None-Match': '*' };
    await this.call('RecordSets.CreateOrUpdate', zone, this.target(zone, relative), 'PUT', this.txtPath(zone, relative), JSON.stringify({ properties }), headers, () => false, signal);
  }

  /** RecordSets.Delete, `If-Match` the ETag read; an already deleted set is fine. */
  async deleteTxt(zone: string, relative: string, etag: string, signal?: AbortSignal): Promise<void> {
    await this.call('RecordSets.Delete', zone, this.target(zone, relative), 'DELETE', this.txtPath(zone, relative), undefined, { 'If-Match': etag }, SET_ABSENT, signal);
  }

  private zonePath(zone: string): string {
    const o = this.o;
    return `/subscriptions/${seg(o.subscriptionID)}/resourceGroups/${seg(o.resourceGroupName)}/providers/Microsoft.Network/${this.shape.resource}/${seg(zone)}`;
  }

  private txtPath(zone: string, relative: string): string {
    return `${this.zonePath(zone)}/TXT/${seg(relative)}`;
  }

  private target(zone: string, relative: string): string {
    return `TXT ${relative} in zone ${zone}`;
  }

  private hint(code: string, status: number, zone: string): string {
    const o = this.o;
    if (code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed' || status === 403) {
      return ` (grant the identity the ${this.shape.role} role on zone ${zone} or resource group ${o.resourceGroupName}, or a role with ${this.shape.permission}/read and ${this.shape.permission}/TXT/*; see docs/providers/azuredns.md)`;
    }
    if (code === 'ResourceGroupNotFound') return ` (check resourceGroupName ${o.resourceGroupName} and subscriptionID ${o.subscriptionID})`;
    if (code === 'SubscriptionNotFound' || code === 'InvalidSubscriptionId') return ` (check subscriptionID ${o.subscriptionID} and environment)`;
    if (code === 'ResourceNotFound' || code === 'ParentResourceNotFound') {
      return ` (no ${this.o.zoneType === 'AzurePrivateZone' ? 'private ' : ''}zone ${zone} in resource group ${o.resourceGroupName}: check hostedZoneName, resourceGroupName and zoneType)`;
    }
    if (/^(InvalidAuthenticationToken|ExpiredAuthenticationToken|InvalidAuthenticationTokenTenant|InvalidAuthenticationTokenAudience)/.test(code)) {
      return ' (the token is for another tenant or cloud: check tenantID and environment)';
    }
    return '';
  }

  /** One ARM request with retries; answers `absent` accepts are returned, other failures become an {@link ArmError} line. */
  private call(action: string, zone: string, target: string, method: 'GET' | 'PUT' | 'DELETE', path: string, body: string | undefined, headers: Record<string, string>, absent: Absent, signal?: AbortSignal): Promise<HttpResponse> {
    const o = this.o;
    const url = new URL(`${o.cloud.resourceManager}${path}`);
    url.searchParams.set('api-version', this.shape.apiVersion);
    const prefix = `azuredns: ${action} ${target}`;
    return withRetries({ tuning: o.tuning, signal, pace: o.pace, debug: (m) => o.debug?.(o.redact(m)) }, async () => {
      const token = await o.token(signal);
      let res: HttpResponse;
      try {
        res = await sendHttp({
          method,
          url,
          headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
          body,
          timeoutMs: o.tuning.requestTimeoutMs,
          signal,
          extraCa: o.extraCa,
        });
      } catch (err) {
        if (err instanceof NetworkError && TRANSIENT_NETWORK_CODES.has(err.code)) throw new RetryableError(o.redact(`${prefix}: ${err.message}`));
        if (err instanceof NetworkError) throw new ArmError(o.redact(`${prefix}: ${err.message}`), action, 0, err.code);
        throw err;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const parsed = res.json as ArmErrorBody | undefined;
      const code = parsed?.error?.code ?? parsed?.code ?? `HTTP ${res.status}`;
      if (absent(res.status, code)) return res;
      const message = firstLine(parsed?.error?.message ?? parsed?.message ?? res.text) || 'no message';
      const line = o.redact(`${prefix}: HTTP ${res.status}: ${code}: ${message}${this.hint(code, res.status, zone)}`);
      if (res.status === 429 || res.status >= 500) throw new RetryableError(line, { retryAfterMs: retryAfterMs(res.headers['retry-after']) });
      throw new ArmError(line, action, res.status, code);
    });
  }
}
