/**
 * The Cloudflare API v4 calls the provider makes — list zones by name, list, create and delete
 * DNS records — over node:https with Cloudflare's own authentication (an API token as a Bearer
 * token, or the Global API Key with X-Auth-Email/X-Auth-Key), one retry policy and one error
 * format. Nothing else talks to Cloudflare, so nothing else can need a permission.
 *
 * Cloudflare answers `{success, errors: [{code, message, error_chain?}], result, result_info}`.
 * Its global limit is 1,200 requests per five minutes per user: every request waits at the
 * account's gate, and a 429 (Retry-After) or a `Ratelimit` header with no quota left holds the
 * gate for everyone.
 */
import { joinUrl } from '../../shared/endpoint-url.js';
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import type { RateGate } from '../../shared/rate-gate.js';
import { DEFAULT_API_TUNING, RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';

/** Timing knobs; the defaults suit the API, tests shrink them. */
export type CloudflareTuning = ApiTuning;

export const DEFAULT_TUNING: CloudflareTuning = DEFAULT_API_TUNING;

/** The v4 API base; CLOUDFLARE_BASE_URL overrides it, as in Cloudflare's own SDKs and in lego. */
export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** How requests authenticate. */
export type CloudflareAuth = { kind: 'token'; token: string } | { kind: 'key'; email: string; key: string };

export interface CfZone {
  id: string;
  /** Lower-case, no trailing dot. */
  name: string;
  status: string;
}

export interface CfRecord {
  id: string;
  name: string;
  type: string;
  /** As Cloudflare returns it: quoted or not, depending on how it was written. */
  content: string;
  ttl: number;
}

interface CfMessage {
  code?: number;
  message?: string;
  error_chain?: CfMessage[];
}

interface CfEnvelope {
  success?: boolean;
  errors?: CfMessage[];
  result?: unknown;
  result_info?: { page?: number; per_page?: number; total_pages?: number; count?: number; total_count?: number };
}

/** A failed call as one line: `cloudflare: <action> <target>: HTTP <status>, error <code>: <message> (hint)`. */
export class CloudflareError extends Error {
  override name = 'CloudflareError';
  constructor(
    message: string,
    readonly action: string,
    readonly status: number,
    /** Cloudflare's error codes, chained ones included. */
    readonly codes: number[],
  ) {
    super(message);
  }
}

/** Record already exists (81057) or an identical record already exists (81058). */
export const RECORD_EXISTS = [81057, 81058];
/** Record does not exist. */
export const RECORD_MISSING = 81044;

const ZONE_READ = 'the API token needs Zone → Zone → Read on this zone, or the zone is in another account';
const DNS_EDIT = 'the API token needs Zone → DNS → Edit on this zone';

function hint(action: string, status: number, codes: number[], text: string): string {
  const has = (c: number): boolean => codes.includes(c);
  if (has(6103)) return 'apiKeySecretRef must hold the Global API Key (37 hex characters); an API token goes in apiTokenSecretRef';
  if (has(6111)) return 'apiTokenSecretRef must hold an API token; the Global API Key goes in apiKeySecretRef, with email';
  if (has(9103)) return 'the e-mail and the Global API Key do not belong to one Cloudflare user';
  if (has(9106)) return 'no credentials were sent';
  if (has(9109) && /invalid|expired/i.test(text)) return 'the API token is not valid: mistyped, expired, or rolled';
  if (has(9109) || has(10000) || status === 403) return action === 'ListZones' ? ZONE_READ : DNS_EDIT;
  if (has(7003) || has(7000)) return 'no such zone or route: is CLOUDFLARE_BASE_URL the v4 API base, like https://api.cloudflare.com/client/v4?';
  if (status === 429 || has(971) || has(10429)) return 'Cloudflare allows 1,200 requests per five minutes per user, dashboard and all tokens together: run again later';
  return '';
}

function describeErrors(errors: CfMessage[]): { codes: number[]; text: string } {
  const codes: number[] = [];
  const parts: string[] = [];
  const walk = (e: CfMessage, chained: boolean): void => {
    if (typeof e.code === 'number') codes.push(e.code);
    parts.push(`${chained ? '<- ' : ''}${e.code ?? '?'}: ${(e.message ?? 'no message').replace(/\s+/g, ' ').trim()}`);
    for (const c of e.error_chain ?? []) walk(c, true);
  };
  for (const e of errors) walk(e, false);
  return { codes, text: parts.join('; ').slice(0, 600) };
}

/** The `Ratelimit` header (`"default";r=0;t=30`): milliseconds until quota returns, when none is left. */
export function exhaustedForMs(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header.join(',') : header;
  if (!v) return undefined;
  let wait: number | undefined;
  for (const item of v.split(',')) {
    const r = /;\s*r=(\d+)/.exec(item);
    const t = /;\s*t=(\d+)/.exec(item);
    if (r && t && Number(r[1]) === 0) wait = Math.max(wait ?? 0, Number(t[1]) * 1000);
  }
  return wait;
}

/** One Cloudflare account's client. */
export class CloudflareApi {
  constructor(
    private readonly base: URL,
    private readonly auth: CloudflareAuth,
    private readonly tuning: CloudflareTuning,
    private readonly gate: RateGate,
    /** Removes credential strings from messages. */
    private readonly redact: (s: string) => string,
    /** Told about retries and waits; messages are redacted first. */
    private readonly debug: (message: string) => void = () => {},
  ) {}

  /** Every zone named exactly `name` that the credentials can see. */
  zonesNamed(name: string, signal?: AbortSignal): Promise<CfZone[]> {
    return this.list<CfZone>('ListZones', `named ${name}`, '/zones', { name, per_page: 50 }, signal).then((zones) =>
      zones.map((z) => ({ id: String(z.id), name: String(z.name).toLowerCase().replace(/\.$/, ''), status: String(z.status ?? 'active') })),
    );
  }

  /** Every TXT record named `name` (absolute, no trailing dot) in `zone`, all pages. */
  txtRecords(zone: CfZone, name: string, signal?: AbortSignal): Promise<CfRecord[]> {
    return this.list<CfRecord>('ListDNSRecords', `TXT ${name} in zone ${zone.name}`, `/zones/${encodeURIComponent(zone.id)}/dns_records`, { type: 'TXT', name, per_page: 100 }, signal);
  }

  /** Creates one TXT record; 'exists' when Cloudflare already has exactly this record. */
  async createTxt(zone: CfZone, name: string, content: string, ttl: number, signal?: AbortSignal): Promise<'created' | 'exists'> {
    try {
      await this.call('CreateDNSRecord', `TXT ${name} in zone ${zone.name}`, 'POST', `/zones/${encodeURIComponent(zone.id)}/dns_records`, {}, { type: 'TXT', name, content, ttl }, signal);
      return 'created';
    } catch (err) {
      if (err instanceof CloudflareError && err.codes.some((c) => RECORD_EXISTS.includes(c))) return 'exists';
      throw err;
    }
  }

  /** Deletes one record by id; a record that is already gone is not an error. */
  async deleteRecord(zone: CfZone, id: string, name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('DeleteDNSRecord', `record ${id} (TXT ${name}) in zone ${zone.name}`, 'DELETE', `/zones/${encodeURIComponent(zone.id)}/dns_records/${encodeURIComponent(id)}`, {}, undefined, signal);
    } catch (err) {
      if (err instanceof CloudflareError && (err.codes.includes(RECORD_MISSING) || (err.status === 404 && err.codes.length === 0))) return;
      throw err;
    }
  }

  /** All pages of a list call (`page`, `per_page`, `result_info.total_pages`). */
  private async list<T>(action: string, target: string, path: string, query: Record<string, string | number>, signal?: AbortSignal): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const out = await this.call(action, target, 'GET', path, { ...query, page }, undefined, signal);
      const batch = Array.isArray(out.result) ? (out.result as T[]) : [];
      all.push(...batch);
      const pages = out.result_info?.total_pages ?? 1;
      if (batch.length === 0 || page >= pages) return all;
    }
  }

  private headers(): Record<string, string> {
    return this.auth.kind === 'token' ? { authorization: `Bearer ${this.auth.token}` } : { 'x-auth-email': this.auth.email, 'x-auth-key': this.auth.key };
  }

  /** One call with retries; failures become a {@link CloudflareError} line. */
  private call(action: string, target: string, method: 'GET' | 'POST' | 'DELETE', path: string, query: Record<string, string | number>, body: unknown, signal?: AbortSignal): Promise<CfEnvelope> {
    const started = Date.now();
    const url = joinUrl(this.base, path, query);
    const where = `cloudflare: ${action} ${target}`;
    // Retried failures are told with `-v` as `where: what`; the last one is thrown with its hint.
    const failed = (status: number, codes: number[], text: string, retry: boolean, waitMs?: number): Error => {
      const what = status ? `HTTP ${status}${codes.length ? `, error ${text}` : `: ${text}`}` : text;
      const h = hint(action, status, codes, text);
      const giveUp = (after: string): Error => new CloudflareError(this.redact(`${where}: ${what}${h ? ` (${h})` : ''}${after}`), action, status, codes);
      return retry ? new RetryableError(this.redact(`${where}: ${what}`), { retryAfterMs: waitMs, giveUp }) : giveUp('');
    };
    return withRetries({ tuning: this.tuning, signal, debug: this.debug }, async () => {
      // A hold longer than the time left for this call is reported now instead of waited out.
      const held = this.gate.heldFor();
      if (held > 0 && Date.now() - started + held > this.tuning.retryBudgetMs) {
        throw new CloudflareError(`${where}: rate limited: Cloudflare asked to wait ${Math.ceil(held / 1000)} s (${hint(action, 429, [], '')})`, action, 429, []);
      }
      await this.gate.wait(signal);
      let res;
      try {
        res = await sendHttp({ method, url, headers: { accept: 'application/json', ...this.headers() }, json: body, timeoutMs: this.tuning.requestTimeoutMs, signal });
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        throw failed(0, [], `${err.code}: ${err.detail}`, TRANSIENT_NETWORK_CODES.has(err.code));
      }
      const exhausted = exhaustedForMs(res.headers['ratelimit']);
      if (exhausted !== undefined) this.gate.holdFor(exhausted);
      const env = res.json as CfEnvelope | undefined;
      if (env && typeof env === 'object' && env.success === true && res.status < 300) return env;
      const described = env && Array.isArray(env.errors) && env.errors.length > 0 ? describeErrors(env.errors) : { codes: [], text: env ? 'no error details' : "the endpoint did not answer with Cloudflare's JSON (is CLOUDFLARE_BASE_URL right?)" };
      const waitMs = res.status === 429 ? (retryAfterMs(res.headers['retry-after']) ?? exhausted) : undefined;
      if (waitMs !== undefined) this.gate.holdFor(waitMs);
      throw failed(res.status, described.codes, described.text, res.status === 429 || res.status >= 500 || described.codes.includes(971), waitMs);
    });
  }
}
