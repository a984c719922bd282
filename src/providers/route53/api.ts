/**
 * The four Route 53 actions certctl uses — the whole IAM policy users grant — behind one retry
 * policy and one error format. Nothing else in the provider talks to the SDK, so no other action
 * can slip in. The SDK's own retries are off (maxAttempts 1): this module retries throttling and
 * transient failures within a bounded time and turns every failure into one line.
 */
import type { Route53Client, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { sleep } from '../../shared/sleep.js';
import { TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import { DEFAULT_RETRY_LIMITS, RetryableError, withRetries } from '../../shared/retry.js';
import type { RetryLimits } from '../../shared/retry.js';
import { CredentialsError } from './credentials.js';
import { plainName } from './rrsets.js';
import type { TxtChange, TxtSet } from './rrsets.js';

/** The SDK module, loaded lazily by the factory. */
export type Route53Sdk = typeof import('@aws-sdk/client-route-53');

/** Timing knobs; the defaults suit Route 53, tests shrink them. */
export interface Route53Tuning extends RetryLimits {
  /** GetChange polling: first interval, growing ×1.5 up to `pollMaxMs`, for at most `insyncTimeoutMs`. */
  pollFirstMs: number;
  pollMaxMs: number;
  insyncTimeoutMs: number;
  /** Read-modify-write rounds when a concurrent writer keeps changing the record set. */
  casAttempts: number;
}

/** Route 53's timing: retries for up to 60 s per call, INSYNC within 3 minutes. */
export const DEFAULT_TUNING: Route53Tuning = {
  ...DEFAULT_RETRY_LIMITS,
  pollFirstMs: 1000,
  pollMaxMs: 5000,
  insyncTimeoutMs: 180_000,
  casAttempts: 8,
};

/** A hosted zone: `id` without the `/hostedzone/` prefix, `name` absolute and lower-case. */
export interface ZoneRef {
  id: string;
  name: string;
}

/** One zone from ListHostedZonesByName. */
export interface ZoneSummary extends ZoneRef {
  private: boolean;
}

/** A Route 53 failure as one line: `route53: <action> on zone <id> (<name>): <code>: <message>`. */
export class Route53Error extends Error {
  override name = 'Route53Error';
  constructor(
    message: string,
    readonly action: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const THROTTLING: ReadonlySet<string> = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'PriorRequestNotComplete']);
const TRANSIENT: ReadonlySet<string> = new Set(['ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
// Network error codes retried: TRANSIENT_NETWORK_CODES (refused connections and unknown hosts are configuration problems:
// retrying only delays the message). Its 'Timeout' is sendHttp's own code; SDK timeouts carry the name TimeoutError.

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

function retryable(e: SdkError): boolean {
  if (e instanceof CredentialsError) return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    THROTTLING.has(e.name ?? '') || TRANSIENT.has(e.name ?? '') || TRANSIENT_NETWORK_CODES.has(e.code ?? '') || e.$retryable !== undefined || (status !== undefined && (status >= 500 || status === 429))
  );
}

function codeAndMessage(e: SdkError): [string, string] {
  const status = e.$metadata?.httpStatusCode;
  let code = e.code && TRANSIENT_NETWORK_CODES.has(e.code) ? e.code : (e.name ?? 'Error');
  if ((code === 'Unknown' || code === 'Error') && status) code = `HTTP ${status}`;
  const message = (e.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 600);
  return [code, message || 'no message'];
}

const HINTS: Record<string, string> = {
  AccessDenied: ' (the IAM policy must allow route53:%s on this resource; see docs/providers/route53.md)',
  NoSuchHostedZone: ' (check hostedZoneID, or remove it to look the zone up by name)',
  InvalidClientTokenId: ' (the access key ID is not known to AWS)',
  SignatureDoesNotMatch: ' (the secret access key does not belong to the access key ID)',
  ExpiredToken: ' (the session credentials have expired)',
};

/** Wraps one Route 53 client; every method is one of the four allowed actions. */
export class Route53Api {
  constructor(
    private readonly sdk: Route53Sdk,
    private readonly client: Route53Client,
    private readonly tuning: Route53Tuning,
    /** Removes credential strings from messages. */
    private readonly redact: (s: string) => string,
    private readonly hooks: { pace?: (signal?: AbortSignal) => Promise<void>; debug?: (message: string) => void } = {},
  ) {}

  /** One page of ListHostedZonesByName starting at `dnsName` (and `zoneId` when paging). */
  async listHostedZonesByName(dnsName: string, zoneId: string | undefined, signal?: AbortSignal): Promise<{ zones: ZoneSummary[]; next?: { dnsName: string; zoneId: string } }> {
    const out = await this.call('ListHostedZonesByName', `for ${dnsName}`, signal, () =>
      this.client.send(new this.sdk.ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneId, MaxItems: 100 }), { abortSignal: signal }),
    );
    const zones = (out.HostedZones ?? []).map((z) => ({ id: (z.Id ?? '').replace(/^\/hostedzone\//, ''), name: plainName(z.Name ?? ''), private: z.Config?.PrivateZone === true }));
    const next = out.IsTruncated && out.NextDNSName && out.NextHostedZoneId ? { dnsName: out.NextDNSName, zoneId: out.NextHostedZoneId } : undefined;
    return { zones, next };
  }

  /** Every TXT record set named `fqdn` (one simple set, or several routing-policy sets), paging by hand. */
  async listTxtSets(zone: ZoneRef, fqdn: string, signal?: AbortSignal): Promise<TxtSet[]> {
    const sets: TxtSet[] = [];
    let identifier: string | undefined;
    for (;;) {
      const out = await this.call('ListResourceRecordSets', this.where(zone), signal, () =>
        this.client.send(
          new this.sdk.ListResourceRecordSetsCommand({ HostedZoneId: zone.id, StartRecordName: fqdn, StartRecordType: 'TXT', StartRecordIdentifier: identifier, MaxItems: 10 }),
          { abortSignal: signal },
        ),
      );
      const listed = out.ResourceRecordSets ?? [];
      for (const s of listed) if (s.Type === 'TXT' && plainName(s.Name ?? '') === fqdn) sets.push(toTxtSet(s, fqdn));
      // Only routing-policy sets share a name and type; page on while the listing is still at ours.
      const more = out.IsTruncated && out.NextRecordType === 'TXT' && out.NextRecordIdentifier && plainName(out.NextRecordName ?? '') === fqdn;
      if (!more) return sets;
      identifier = out.NextRecordIdentifier;
    }
  }

  /** Submits one atomic batch; returns the change ID to wait on. */
  async change(zone: ZoneRef, changes: TxtChange[], comment: string, signal?: AbortSignal): Promise<string> {
    const out = await this.call('ChangeResourceRecordSets', this.where(zone), signal, () =>
      this.client.send(
        new this.sdk.ChangeResourceRecordSetsCommand({
          HostedZoneId: zone.id,
          ChangeBatch: { Comment: comment, Changes: changes.map((c) => ({ Action: c.action, ResourceRecordSet: fromTxtSet(c.set) })) },
        }),
        { abortSignal: signal },
      ),
    );
    return (out.ChangeInfo?.Id ?? '').replace(/^\/change\//, '');
  }

  /** Polls GetChange until INSYNC: 1 s, then growing to 5 s, bounded (the SDK waiter starts at 30 s). */
  async waitInsync(zone: ZoneRef, changeId: string, signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    let interval = this.tuning.pollFirstMs;
    for (;;) {
      const out = await this.call('GetChange', this.where(zone), signal, () => this.client.send(new this.sdk.GetChangeCommand({ Id: changeId }), { abortSignal: signal }));
      const status = out.ChangeInfo?.Status;
      if (status === 'INSYNC') return;
      const waited = Date.now() - started;
      if (waited + interval > this.tuning.insyncTimeoutMs) {
        const message = `change ${changeId} is still ${status ?? 'not reported'} after ${Math.round(waited / 1000)} s`;
        throw new Route53Error(`route53: GetChange ${this.where(zone)}: Timeout: ${message}`, 'GetChange', 'Timeout');
      }
      await sleep(interval, signal);
      interval = Math.min(this.tuning.pollMaxMs, Math.round(interval * 1.5));
    }
  }

  private where(zone: ZoneRef): string {
    return `on zone ${zone.id} (${zone.name})`;
  }

  /** Runs one SDK call with retries; failures become a {@link Route53Error} line. */
  private call<T>(action: string, where: string, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    return withRetries({ tuning: this.tuning, signal, pace: this.hooks.pace, debug: this.hooks.debug }, async () => {
      try {
        return await send();
      } catch (err) {
        const e = err as SdkError;
        if (e instanceof CredentialsError) throw new CredentialsError(this.redact(e.message));
        const [code, message] = codeAndMessage(e);
        const line = `route53: ${action} ${where}: ${code}: ${message}`;
        const hint = (HINTS[code] ?? '').replace('%s', action);
        const giveUp = (after: string): Error => new Route53Error(this.redact(`${line}${hint}${after}`), action, code);
        throw retryable(e) ? new RetryableError(this.redact(line), { giveUp }) : giveUp('');
      }
    });
  }
}

function toTxtSet(s: ResourceRecordSet, name: string): TxtSet {
  const otherPolicy =
    s.SetIdentifier === undefined || s.MultiValueAnswer
      ? undefined
      : s.Weight !== undefined
        ? 'weighted'
        : s.Region
          ? 'latency'
          : s.Failover
            ? 'failover'
            : s.GeoLocation || s.GeoProximityLocation
              ? 'geolocation'
              : 'another';
  return {
    name,
    ttl: s.TTL ?? 0,
    raw: (s.ResourceRecords ?? []).map((r) => r.Value ?? ''),
    setIdentifier: s.SetIdentifier,
    multiValueAnswer: s.MultiValueAnswer === true ? true : undefined,
    healthCheckId: s.HealthCheckId,
    otherPolicy,
  };
}

function fromTxtSet(s: TxtSet): ResourceRecordSet {
  return {
    Name: s.name,
    Type: 'TXT',
    TTL: s.ttl,
    ResourceRecords: s.raw.map((Value) => ({ Value })),
    ...(s.setIdentifier !== undefined ? { SetIdentifier: s.setIdentifier } : {}),
    ...(s.multiValueAnswer ? { MultiValueAnswer: true } : {}),
    ...(s.healthCheckId ? { HealthCheckId: s.healthCheckId } : {}),
  };
}
