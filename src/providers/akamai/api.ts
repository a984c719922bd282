/**
 * The Edge DNS (Config DNS v2) calls certctl uses, signed with EdgeGrid: GET a zone, and GET,
 * POST (create), PUT (replace) and DELETE of the TXT record set at one name
 * (`/config-dns/v2/zones/{zone}/names/{name}/types/TXT`), behind one retry policy (429 with
 * Retry-After, 5xx, resets) and one error format: Akamai's problem details (`type`, `title`,
 * `detail`) become one line naming the call, the record, the HTTP status and the problem, with
 * the grant or field to fix.
 */
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import type { HttpResponse } from '../../shared/http-client.js';
import { firstLine } from '../rest/oauth.js';
import { RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { edgeGridAuthorization } from './edgegrid.js';
import type { EdgeGridCredentials } from './edgegrid.js';

/** A record set as Edge DNS carries it; `rdata` in presentation format (`"value"`). */
export interface EdgeRecordSet {
  name: string;
  type: string;
  ttl: number;
  rdata: string[];
}

/** A refused call. */
export class AkamaiError extends Error {
  override name = 'AkamaiError';
  constructor(
    message: string,
    readonly action: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  errors?: { detail?: string; title?: string }[];
}

/** What the client needs. */
export interface EdgeDnsApiOptions {
  host: string;
  credentials: EdgeGridCredentials;
  tuning: ApiTuning;
  extraCa?: string;
  redact: (s: string) => string;
  pace?: (signal?: AbortSignal) => Promise<void>;
  debug?: (message: string) => void;
}

const seg = (s: string): string => encodeURIComponent(s);

/** Wraps Edge DNS for one API client. */
export class EdgeDnsApi {
  constructor(private readonly o: EdgeDnsApiOptions) {}

  /** GET zone: true when the API client sees the zone, false on 404. */
  async zoneExists(zone: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.call('GetZone', zone, `zone ${zone}`, 'GET', `/config-dns/v2/zones/${seg(zone)}`, undefined, [404], signal);
    return res.status !== 404;
  }

  /** GET recordset; undefined when there is none. */
  async getTxt(zone: string, name: string, signal?: AbortSignal): Promise<EdgeRecordSet | undefined> {
    const res = await this.call('GetRecordSet', zone, this.target(zone, name), 'GET', this.path(zone, name), undefined, [404], signal);
    if (res.status === 404) return undefined;
    const set = res.json as EdgeRecordSet | undefined;
    if (!set || !Array.isArray(set.rdata)) throw new AkamaiError(`akamai: GetRecordSet ${this.target(zone, name)}: HTTP ${res.status}: the answer is not a record set (is serviceConsumerDomain right?)`, 'GetRecordSet', res.status, 'NonJson');
    return set;
  }

  /** POST recordset: creates it; 409 when it exists already. */
  async createTxt(zone: string, set: EdgeRecordSet, signal?: AbortSignal): Promise<void> {
    await this.call('CreateRecordSet', zone, this.target(zone, set.name), 'POST', this.path(zone, set.name), JSON.stringify(set), [], signal);
  }

  /** PUT recordset: replaces it; 404 when it is gone. */
  async replaceTxt(zone: string, set: EdgeRecordSet, signal?: AbortSignal): Promise<void> {
    await this.call('UpdateRecordSet', zone, this.target(zone, set.name), 'PUT', this.path(zone, set.name), JSON.stringify(set), [], signal);
  }

  /** DELETE recordset; already gone is fine. */
  async deleteTxt(zone: string, name: string, signal?: AbortSignal): Promise<void> {
    await this.call('DeleteRecordSet', zone, this.target(zone, name), 'DELETE', this.path(zone, name), undefined, [404], signal);
  }

  private path(zone: string, name: string): string {
    return `/config-dns/v2/zones/${seg(zone)}/names/${seg(name)}/types/TXT`;
  }

  private target(zone: string, name: string): string {
    return `TXT ${name} in zone ${zone}`;
  }

  private hint(status: number, text: string, zone: string): string {
    if (status === 401 && /timestamp/i.test(text)) return " (check this machine's clock: EdgeGrid signatures carry the time)";
    if (status === 401) return ' (the EdgeGrid credentials were refused: clientTokenSecretRef, clientSecretSecretRef, accessTokenSecretRef and serviceConsumerDomain must all come from the same API client)';
    if (status === 403) return ` (the API client needs READ-WRITE access to the "DNS—Zone Record Management" API and to the contract and group of zone ${zone}; see docs/providers/akamai.md)`;
    return '';
  }

  /** One signed request with retries; statuses in `accept` are returned, other failures become an {@link AkamaiError} line. */
  private call(action: string, zone: string, target: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body: string | undefined, accept: number[], signal?: AbortSignal): Promise<HttpResponse> {
    const o = this.o;
    const url = new URL(`https://${o.host}${path}`);
    const prefix = `akamai: ${action} ${target}`;
    return withRetries({ tuning: o.tuning, signal, pace: o.pace, debug: (m) => o.debug?.(o.redact(m)) }, async () => {
      // Signed per attempt: the timestamp and nonce must be fresh.
      const headers: Record<string, string> = { Accept: 'application/json', Authorization: edgeGridAuthorization(o.credentials, { method, url, body }), ...(body ? { 'Content-Type': 'application/json' } : {}) };
      let res: HttpResponse;
      try {
        res = await sendHttp({ method, url, headers, body, timeoutMs: o.tuning.requestTimeoutMs, signal, extraCa: o.extraCa });
      } catch (err) {
        if (err instanceof NetworkError && TRANSIENT_NETWORK_CODES.has(err.code)) throw new RetryableError(o.redact(`${prefix}: ${err.message}`));
        if (err instanceof NetworkError) throw new AkamaiError(o.redact(`${prefix}: ${err.message}${err.code === 'ENOTFOUND' ? ' (check serviceConsumerDomain)' : ''}`), action, 0, err.code);
        throw err;
      }
      if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) return res;
      const p = res.json as Problem | undefined;
      const code = p?.title ?? `HTTP ${res.status}`;
      const detail = firstLine(p?.detail ?? p?.errors?.[0]?.detail ?? (p ? '' : res.text)) || 'no detail';
      const line = o.redact(`${prefix}: HTTP ${res.status}: ${code}: ${detail}${this.hint(res.status, detail, zone)}`);
      if (res.status === 429 || res.status >= 500) throw new RetryableError(line, { retryAfterMs: retryAfterMs(res.headers['retry-after']) });
      throw new AkamaiError(line, action, res.status, code);
    });
  }
}
