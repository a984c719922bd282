/**
 * The DigitalOcean API v2 calls the provider makes — get a domain, list, create and delete its
 * records — over node:https with the token as a Bearer token, one retry policy and one error
 * format. These need the custom scopes domain:read, domain:create and domain:delete.
 *
 * DigitalOcean answers errors as `{id, message, request_id}` and limits each token to 250
 * requests per minute and 5,000 per hour. Every response says what is left
 * (`ratelimit-remaining`) and when the oldest request expires (`ratelimit-reset`, Unix seconds):
 * at zero, the account's gate holds every request until then. A 429 is waited out (Retry-After
 * for the per-minute burst, else the reset time) within the retry budget.
 */
import { joinUrl } from '../../shared/endpoint-url.js';
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import type { HttpResponse } from '../../shared/http-client.js';
import type { RateGate } from '../../shared/rate-gate.js';
import { DEFAULT_API_TUNING, RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';

/** Timing knobs; the defaults suit the API, tests shrink them. */
export type DigitalOceanTuning = ApiTuning;

export const DEFAULT_TUNING: DigitalOceanTuning = DEFAULT_API_TUNING;

/** The API origin; DIGITALOCEAN_API_URL overrides it, as in DigitalOcean's Terraform provider. */
export const DEFAULT_BASE_URL = 'https://api.digitalocean.com';

export interface DoRecord {
  id: number;
  type: string;
  /** Relative to the domain (`_acme-challenge`, `@`). */
  name: string;
  data: string;
  ttl: number;
}

/** A failed call as one line: `digitalocean: <action> <target>: HTTP <status> <id>: <message> (hint)`. */
export class DigitalOceanError extends Error {
  override name = 'DigitalOceanError';
  constructor(
    message: string,
    readonly action: string,
    readonly status: number,
    readonly id: string,
  ) {
    super(message);
  }
}

const SCOPES: Record<string, string> = { GetDomain: 'domain:read', ListDomainRecords: 'domain:read', CreateDomainRecord: 'domain:create', DeleteDomainRecord: 'domain:delete' };

function hint(action: string, status: number): string {
  if (status === 401) return 'the token is not valid: mistyped, expired or revoked';
  if (status === 403) return `a custom-scoped token needs domain:read, domain:create and domain:delete; this call needs ${SCOPES[action] ?? 'domain:read'}`;
  if (status === 429) return 'DigitalOcean allows 250 requests per minute and 5,000 per hour per token: run again later';
  return '';
}

const MAX_PAGES = 100;

/** One token's client. */
export class DigitalOceanApi {
  constructor(
    private readonly base: URL,
    private readonly token: string,
    private readonly tuning: DigitalOceanTuning,
    private readonly gate: RateGate,
    private readonly redact: (s: string) => string,
    /** Told about retries and waits; messages are redacted first. */
    private readonly debug: (message: string) => void = () => {},
  ) {}

  /** True when `domain` is a domain of the account, false when the API says 404. */
  async hasDomain(domain: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.call('GetDomain', domain, 'GET', joinUrl(this.base, `/v2/domains/${encodeURIComponent(domain)}`), undefined, signal);
      return true;
    } catch (err) {
      if (err instanceof DigitalOceanError && err.status === 404) return false;
      throw err;
    }
  }

  /** Every TXT record named `fqdn` (no trailing dot) in `domain`, following `links.pages.next`. */
  async txtRecords(domain: string, fqdn: string, signal?: AbortSignal): Promise<DoRecord[]> {
    const records: DoRecord[] = [];
    let url: URL | undefined = joinUrl(this.base, `/v2/domains/${encodeURIComponent(domain)}/records`, { type: 'TXT', name: fqdn, per_page: 200 });
    for (let page = 1; url; page++) {
      const res = await this.call('ListDomainRecords', `TXT ${fqdn} in domain ${domain}`, 'GET', url, undefined, signal);
      const body = res.json as { domain_records?: DoRecord[]; links?: { pages?: { next?: string } } } | undefined;
      records.push(...(body?.domain_records ?? []));
      const next = body?.links?.pages?.next;
      url = next && page < MAX_PAGES ? this.sameOrigin(next) : undefined;
    }
    return records;
  }

  /** Creates one TXT record at `name` (relative to `domain`); returns its id. */
  async createTxt(domain: string, name: string, data: string, ttl: number, signal?: AbortSignal): Promise<number> {
    const res = await this.call('CreateDomainRecord', `TXT ${name} in domain ${domain}`, 'POST', joinUrl(this.base, `/v2/domains/${encodeURIComponent(domain)}/records`), { type: 'TXT', name, data, ttl }, signal);
    return Number((res.json as { domain_record?: { id?: number } } | undefined)?.domain_record?.id ?? 0);
  }

  /** Deletes one record by id; a record that is already gone is not an error. */
  async deleteRecord(domain: string, id: number, name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('DeleteDomainRecord', `record ${id} (TXT ${name}) in domain ${domain}`, 'DELETE', joinUrl(this.base, `/v2/domains/${encodeURIComponent(domain)}/records/${id}`), undefined, signal);
    } catch (err) {
      if (err instanceof DigitalOceanError && err.status === 404) return;
      throw err;
    }
  }

  /** A `links.pages.next` URL on our own origin: the token never goes to a host the link names. */
  private sameOrigin(link: string): URL | undefined {
    let u: URL;
    try {
      u = new URL(link, this.base);
    } catch {
      return undefined;
    }
    return u.origin === this.base.origin ? u : new URL(`${u.pathname}${u.search}`, this.base.origin);
  }

  /** Holds the gate when the hourly quota is used up (`ratelimit-remaining: 0`). */
  private noteQuota(res: HttpResponse): number | undefined {
    const remaining = Number(res.headers['ratelimit-remaining']);
    const reset = Number(res.headers['ratelimit-reset']);
    if (!(res.headers['ratelimit-remaining'] !== undefined && remaining <= 0 && reset > 0)) return undefined;
    const ms = Math.max(0, reset * 1000 - Date.now());
    this.gate.holdFor(ms);
    return ms;
  }

  /** One call with retries; failures become a {@link DigitalOceanError} line. */
  private call(action: string, target: string, method: 'GET' | 'POST' | 'DELETE', url: URL, body: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    const started = Date.now();
    const where = `digitalocean: ${action} ${target}`;
    // Retried failures are told with `-v` as `where: what`; the last one is thrown with its hint.
    const failed = (status: number, id: string, text: string, retry: boolean, waitMs?: number): Error => {
      const what = status ? `HTTP ${status}${id ? ` ${id}` : ''}: ${text}` : `${id}: ${text}`;
      const h = hint(action, status);
      const giveUp = (after: string): Error => new DigitalOceanError(this.redact(`${where}: ${what}${h ? ` (${h})` : ''}${after}`), action, status, id);
      return retry ? new RetryableError(this.redact(`${where}: ${what}`), { retryAfterMs: waitMs, giveUp }) : giveUp('');
    };
    return withRetries({ tuning: this.tuning, signal, debug: this.debug }, async () => {
      // A hold longer than the time left for this call is reported now instead of waited out.
      const held = this.gate.heldFor();
      if (held > 0 && Date.now() - started + held > this.tuning.retryBudgetMs) {
        throw new DigitalOceanError(`${where}: rate limited: the token's quota returns in ${Math.ceil(held / 1000)} s (${hint(action, 429)})`, action, 429, 'too_many_requests');
      }
      await this.gate.wait(signal);
      let res;
      try {
        res = await sendHttp({ method, url, headers: { accept: 'application/json', authorization: `Bearer ${this.token}` }, json: body, timeoutMs: this.tuning.requestTimeoutMs, signal });
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        throw failed(0, err.code, err.detail, TRANSIENT_NETWORK_CODES.has(err.code));
      }
      const quotaMs = this.noteQuota(res);
      if (res.status >= 200 && res.status < 300) return res;
      const err = res.json as { id?: string; message?: string } | undefined;
      const waitMs = res.status === 429 ? (retryAfterMs(res.headers['retry-after']) ?? quotaMs) : undefined;
      if (waitMs !== undefined) this.gate.holdFor(waitMs);
      const text = err?.message ? err.message.replace(/\s+/g, ' ').trim().slice(0, 600) : err ? 'no message' : "the endpoint did not answer with DigitalOcean's JSON (is DIGITALOCEAN_API_URL right?)";
      throw failed(res.status, err?.id ?? '', text, res.status === 429 || res.status >= 500, waitMs);
    });
  }
}
