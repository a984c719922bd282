/**
 * The Cloud DNS API v1 calls certctl uses — managedZones.list, resourceRecordSets.list,
 * changes.create and changes.get, which is the whole IAM role it needs — behind one retry policy
 * and one error format. Google error bodies (`error.code`, `error.errors[].reason`,
 * `error.message`) become one line naming the call, the zone, the HTTP status and the reason,
 * with the permission to grant. 429 and 403 rateLimitExceeded/userRateLimitExceeded and 5xx are
 * retried; `pageToken` pagination is followed.
 *
 * The base URL is `https://dns.googleapis.com/dns/v1/`, or `CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS`
 * (gcloud's `api_endpoint_overrides/dns` property), e.g. for Private Service Connect endpoints.
 */
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import { endpointProblem } from '../../shared/endpoint-url.js';
import type { HttpResponse } from '../../shared/http-client.js';
import { firstLine } from '../rest/oauth.js';
import { RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import type { TokenSource } from '../rest/token.js';

/** Cloud DNS API v1, as googleapis calls it. */
export const DEFAULT_BASE = 'https://dns.googleapis.com/dns/v1/';

/** A managed zone as managedZones.list returns it. */
export interface ManagedZone {
  name: string;
  dnsName: string;
  visibility?: 'public' | 'private';
}

/** A resource record set. */
export interface RRSet {
  name: string;
  type: string;
  ttl?: number;
  rrdatas?: string[];
  /** Geo/weighted sets carry routing data instead of rrdatas; certctl never writes those. */
  routingPolicy?: unknown;
  signatureRrdatas?: string[];
}

/** A change as changes.create / changes.get return it. */
export interface Change {
  id: string;
  status: 'pending' | 'done';
}

/** A refused call: `reason` is Google's (`forbidden`, `conditionNotMet`, `alreadyExists`, …). */
export class GoogleApiError extends Error {
  override name = 'GoogleApiError';
  constructor(
    message: string,
    readonly action: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The API base URL from `CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS`: taken as is when it names a version path, else `dns/v1/` is appended. */
export function apiBase(env: Record<string, string | undefined>): string {
  const override = env.CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS;
  if (!override) return DEFAULT_BASE;
  const problem = endpointProblem(override);
  if (problem) throw new Error(`clouddns: CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: ${problem}`);
  const u = new URL(override);
  const path = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  return `${u.origin}${/\/v\d[^/]*\/$/.test(path) ? path : `${path}dns/v1/`}`;
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; message?: string }[] };
}

const RETRY_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'backendError', 'internalError']);

/** What the client needs. */
export interface CloudDnsApiOptions {
  base: string;
  project: string;
  token: TokenSource;
  quotaProject?: string;
  tuning: ApiTuning;
  extraCa?: string;
  redact: (s: string) => string;
  pace?: (signal?: AbortSignal) => Promise<void>;
  debug?: (message: string) => void;
}

/** Wraps Cloud DNS for one project. */
export class CloudDnsApi {
  constructor(private readonly o: CloudDnsApiOptions) {}

  /** managedZones.list with `dnsName`, every page. */
  async zonesNamed(dnsName: string, signal?: AbortSignal): Promise<ManagedZone[]> {
    const zones: ManagedZone[] = [];
    let pageToken: string | undefined;
    do {
      const q: Record<string, string> = { dnsName, ...(pageToken ? { pageToken } : {}) };
      const res = await this.call<{ managedZones?: ManagedZone[]; nextPageToken?: string }>('managedZones.list', `for ${dnsName}`, 'GET', `projects/${enc(this.o.project)}/managedZones`, q, undefined, signal);
      zones.push(...(res.managedZones ?? []));
      pageToken = res.nextPageToken;
    } while (pageToken);
    return zones;
  }

  /** resourceRecordSets.list of the TXT sets named `fqdn`, every page. */
  async txtSets(zone: string, fqdn: string, signal?: AbortSignal): Promise<RRSet[]> {
    const sets: RRSet[] = [];
    let pageToken: string | undefined;
    do {
      const q: Record<string, string> = { name: fqdn, type: 'TXT', ...(pageToken ? { pageToken } : {}) };
      const res = await this.call<{ rrsets?: RRSet[]; nextPageToken?: string }>('resourceRecordSets.list', this.where(zone), 'GET', `projects/${enc(this.o.project)}/managedZones/${enc(zone)}/rrsets`, q, undefined, signal);
      sets.push(...(res.rrsets ?? []).filter((s) => s.type === 'TXT' && s.name.toLowerCase() === fqdn));
      pageToken = res.nextPageToken;
    } while (pageToken);
    return sets;
  }

  /** changes.create: `deletions` must match the current sets exactly, or Google answers 412 conditionNotMet. */
  createChange(zone: string, change: { additions: RRSet[]; deletions: RRSet[] }, signal?: AbortSignal): Promise<Change> {
    return this.call<Change>('changes.create', this.where(zone), 'POST', `projects/${enc(this.o.project)}/managedZones/${enc(zone)}/changes`, {}, JSON.stringify({ kind: 'dns#change', ...change }), signal);
  }

  /** changes.get. */
  getChange(zone: string, id: string, signal?: AbortSignal): Promise<Change> {
    return this.call<Change>('changes.get', this.where(zone), 'GET', `projects/${enc(this.o.project)}/managedZones/${enc(zone)}/changes/${enc(id)}`, {}, undefined, signal);
  }

  private where(zone: string): string {
    return `on zone ${zone} (project ${this.o.project})`;
  }

  private hint(status: number, reason: string, action: string): string {
    const p = this.o.project;
    if (status === 403 && !RETRY_REASONS.has(reason) && reason !== 'quotaExceeded') {
      return ` (the credentials need roles/dns.admin on project ${p}, or a role with dns.managedZones.list, dns.resourceRecordSets.list, dns.changes.create, dns.changes.get, dns.resourceRecordSets.create, dns.resourceRecordSets.update and dns.resourceRecordSets.delete; see docs/providers/clouddns.md)`;
    }
    if (status === 404 && action !== 'managedZones.list') return ` (check hostedZoneName, which is the managed zone's name, and project ${p})`;
    if (status === 404) return ` (check project ${p})`;
    if (status === 401) return ' (the access token was refused: check the credentials)';
    if (reason === 'quotaExceeded') return ` (a Cloud DNS quota of project ${p} is used up; see the Quotas page of the Cloud console)`;
    return '';
  }

  /** One request with retries; failures become a {@link GoogleApiError} line. */
  private call<T>(action: string, target: string, method: 'GET' | 'POST', path: string, query: Record<string, string>, body: string | undefined, signal?: AbortSignal): Promise<T> {
    const o = this.o;
    const url = new URL(path, o.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const prefix = `clouddns: ${action} ${target}`;
    return withRetries({ tuning: o.tuning, signal, pace: o.pace, debug: (m) => o.debug?.(o.redact(m)) }, async () => {
      const token = await o.token(signal);
      const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...(o.quotaProject ? { 'x-goog-user-project': o.quotaProject } : {}) };
      let res: HttpResponse;
      try {
        res = await sendHttp({ method, url, headers, body, timeoutMs: o.tuning.requestTimeoutMs, signal, extraCa: o.extraCa });
      } catch (err) {
        if (err instanceof NetworkError && TRANSIENT_NETWORK_CODES.has(err.code)) throw new RetryableError(o.redact(`${prefix}: ${err.message}`));
        if (err instanceof NetworkError) throw new GoogleApiError(o.redact(`${prefix}: ${err.message}`), action, 0, err.code);
        throw err;
      }
      if (res.status >= 200 && res.status < 300) {
        const parsed = res.json as T | undefined;
        if (parsed === undefined) throw new GoogleApiError(`${prefix}: HTTP ${res.status}: the answer is not JSON (is CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS right?)`, action, res.status, 'NonJson');
        return parsed;
      }
      const e = (res.json as GoogleErrorBody | undefined)?.error;
      const reason = e?.errors?.[0]?.reason ?? e?.status ?? `HTTP ${res.status}`;
      const message = firstLine(e?.message ?? res.text) || 'no message';
      const line = o.redact(`${prefix}: HTTP ${res.status}: ${reason}: ${message}${this.hint(res.status, reason, action)}`);
      if (res.status === 429 || res.status >= 500 || RETRY_REASONS.has(reason)) throw new RetryableError(line, { retryAfterMs: retryAfterMs(res.headers['retry-after']) });
      throw new GoogleApiError(line, action, res.status, reason);
    });
  }
}

const enc = (s: string): string => encodeURIComponent(s);
