/**
 * The Alibaba Cloud DNS API (2015-01-09) actions the provider uses — DescribeDomainRecords,
 * DescribeSubDomainRecords, AddDomainRecord, DeleteDomainRecord, which is the whole RAM policy —
 * over `@alicloud/pop-core`, with one retry policy and one error format. Requests are POSTed so
 * the signed parameters (AccessKeyId, SecurityToken) never appear in a URL.
 */
import type RPCClient from '@alicloud/pop-core';
import { DEFAULT_API_TUNING, RetryableError, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';

/** Timing knobs; the defaults suit the API, tests shrink them. */
export type AliDnsTuning = ApiTuning;

/** The API's timing: retries for up to 60 s per call, 10 s per request. */
export const DEFAULT_TUNING: AliDnsTuning = { ...DEFAULT_API_TUNING, requestTimeoutMs: 10_000 };

/** One DNS record as the API lists it. */
export interface AliRecord {
  RecordId: string;
  RR: string;
  Type: string;
  Value: string;
  DomainName?: string;
  TTL?: number;
}

/** An API failure as one line: `alidns: <Action> <target>: <Code>: <Message>`. */
export class AliDnsError extends Error {
  override name = 'AliDnsError';
  constructor(
    message: string,
    readonly action: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const RETRY = /^(Throttling(\..*)?|ServiceUnavailable.*|InternalError|UnknownError|SignatureNonceUsed|RequestTimeoutError|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|NonJsonResponse)$/;

const HINTS: [RegExp, string][] = [
  [/^InvalidAccessKeyId/, ' (the AccessKey ID is not known to Alibaba Cloud, or is disabled)'],
  [/^(SignatureDoesNotMatch|IncompleteSignature)$/, ' (the AccessKey secret does not belong to the AccessKey ID)'],
  [/^(Forbidden|NoPermission)/, ' (the RAM policy must allow alidns:%s; see docs/providers/alidns.md)'],
  [/^InvalidSecurityToken/, ' (the STS security token is wrong or has expired)'],
  [/^InvalidTimeStamp/, " (check this machine's clock)"],
  [/^(InvalidDomainName\.NoExist|IncorrectDomainUser|DomainRecordNotBelongToUser)$/, ' (the domain is not in this Alibaba Cloud account)'],
];

interface PopError {
  name?: string;
  code?: string;
  message?: string;
  data?: { Code?: string; Message?: string };
}

/** Wraps one pop-core client. */
export class AliDnsApi {
  constructor(
    private readonly client: RPCClient,
    private readonly tuning: AliDnsTuning,
    /** Removes credential strings from messages. */
    private readonly redact: (s: string) => string,
    /** Told about retries; messages are redacted first. */
    private readonly debug: (message: string) => void = () => {},
  ) {}

  /** True when `domain` is a domain of the account; false when the API says it is not. */
  async hasDomain(domain: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.call('DescribeDomainRecords', `for domain ${domain}`, { DomainName: domain, PageSize: 1 }, signal);
      return true;
    } catch (err) {
      if (err instanceof AliDnsError && /^(InvalidDomainName\.NoExist|IncorrectDomainUser|DomainRecordNotBelongToUser|InvalidDomainName\.Format)$/.test(err.code)) return false;
      throw err;
    }
  }

  /** Every TXT record at `subDomain` (absolute name without the dot) in `domain`, all pages. */
  async txtRecords(subDomain: string, domain: string, signal?: AbortSignal): Promise<AliRecord[]> {
    const records: AliRecord[] = [];
    for (let page = 1; ; page++) {
      const out = await this.call<{ TotalCount?: number; DomainRecords?: { Record?: AliRecord[] } }>(
        'DescribeSubDomainRecords',
        `for ${subDomain}`,
        { SubDomain: subDomain, DomainName: domain, Type: 'TXT', PageNumber: page, PageSize: 500 },
        signal,
      );
      const batch = out.DomainRecords?.Record ?? [];
      records.push(...batch.map((r) => ({ ...r, RecordId: String(r.RecordId) })));
      if (batch.length === 0 || records.length >= Number(out.TotalCount ?? 0)) return records;
    }
  }

  /** Adds one TXT record; returns its RecordId. */
  async addTxt(domain: string, rr: string, value: string, ttl: number, signal?: AbortSignal): Promise<string> {
    const out = await this.call<{ RecordId?: string }>('AddDomainRecord', `${rr} in domain ${domain}`, { DomainName: domain, RR: rr, Type: 'TXT', Value: value, TTL: ttl }, signal);
    return String(out.RecordId ?? '');
  }

  /** Deletes one record by its RecordId; `where` only names it in messages. */
  async deleteRecord(recordId: string, where: string, signal?: AbortSignal): Promise<void> {
    await this.call('DeleteDomainRecord', `record ${recordId} (${where})`, { RecordId: recordId }, signal);
  }

  /** One request with retries; failures become an {@link AliDnsError} line. */
  private call<T = unknown>(action: string, target: string, params: Record<string, string | number>, signal?: AbortSignal): Promise<T> {
    return withRetries({ tuning: this.tuning, signal, debug: this.debug }, async () => {
      try {
        return await this.client.request<T>(action, params, { method: 'POST', timeout: this.tuning.requestTimeoutMs });
      } catch (err) {
        const [code, message] = describe(err as PopError);
        const line = `alidns: ${action} ${target}: ${code}: ${message}`;
        const hint = (HINTS.find(([re]) => re.test(code))?.[1] ?? '').replace('%s', action);
        const giveUp = (after: string): Error => new AliDnsError(this.redact(`${line}${hint}${after}`), action, code);
        throw RETRY.test(code) ? new RetryableError(this.redact(line), { giveUp }) : giveUp('');
      }
    });
  }
}

/** Code and one-line message of a pop-core or network error; the server's string-to-sign echo is cut (it holds the AccessKey ID). */
function describe(e: PopError): [string, string] {
  if (e instanceof SyntaxError) return ['NonJsonResponse', 'the endpoint did not answer with JSON (is the endpoint right?)'];
  const code = e.data?.Code ?? e.code ?? e.name ?? 'Error';
  const raw = e.data?.Message ?? e.message ?? '';
  const message = raw
    .replace(/\s*server string to sign is:[\s\S]*$/i, '')
    .replace(/, URL: \S+$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 600);
  return [String(code), message || 'no message'];
}
