/**
 * A minimal stub resolver: sends one question to configured servers and returns the raw
 * sections, leaving interpretation (NXDOMAIN vs NODATA, CNAMEs, SOA placement) to the caller,
 * because zone detection and propagation checks need exactly those distinctions.
 */
import { RCODE } from './wire/constants.js';
import type { RecordTypeName } from './wire/constants.js';
import { DnsError } from './wire/errors.js';
import { createQuery } from './wire/message.js';
import { exchange, formatEndpoint } from './wire/transport.js';
import type { Endpoint } from './wire/transport.js';
import type { ResourceRecord } from './wire/types.js';

/** Construction options of {@link Resolver}. */
export interface ResolverOptions {
  /** Recursive servers, tried in order. From a CLI flag, else from /etc/resolv.conf. */
  nameservers: Endpoint[];
  /** Per-exchange deadline. */
  timeoutMs: number;
  /** Query over TCP from the start (UDP falls back to TCP on truncation anyway). */
  tcp?: boolean;
}

/** Per-query options. */
export interface QueryOptions {
  /** Ask this server only, e.g. an authoritative one, instead of the configured list. */
  server?: Endpoint;
  /** RD flag; default true. Authoritative checks send false. */
  recursionDesired?: boolean;
  signal?: AbortSignal;
}

/** What a server answered. */
export interface QueryResult {
  rcode: number;
  /** AA flag of the reply. */
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  /** The server that produced this reply. */
  server: Endpoint;
}

/** Replies worth retrying at the next configured server. */
const TRY_NEXT = new Set<number>([RCODE.SERVFAIL, RCODE.REFUSED]);

/** Stub resolver over a fixed list of servers. */
export class Resolver {
  readonly nameservers: readonly Endpoint[];
  readonly timeoutMs: number;
  private readonly tcp: boolean;

  constructor(opts: ResolverOptions) {
    if (opts.nameservers.length === 0) throw new DnsError('resolver needs at least one nameserver');
    if (!(opts.timeoutMs > 0)) throw new DnsError(`resolver timeout must be positive, got ${opts.timeoutMs}`);
    this.nameservers = [...opts.nameservers];
    this.timeoutMs = opts.timeoutMs;
    this.tcp = opts.tcp ?? false;
  }

  /**
   * Queries `name`/`type`. With `server`, only that server is asked. Otherwise the configured
   * servers are tried in order: transport failures and SERVFAIL/REFUSED move on to the next one
   * (the last reply is returned if all refuse); throws when no server replied at all.
   */
  async query(name: string, type: RecordTypeName | number, opts: QueryOptions = {}): Promise<QueryResult> {
    const servers = opts.server ? [opts.server] : this.nameservers;
    const msg = createQuery(name, type, { recursionDesired: opts.recursionDesired ?? true });
    const failures: string[] = [];
    let fallback: QueryResult | undefined;
    for (const server of servers) {
      let reply;
      try {
        reply = await exchange(server, msg, { timeoutMs: this.timeoutMs, signal: opts.signal, tcp: this.tcp });
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        if (servers.length === 1) throw e;
        failures.push(`${formatEndpoint(server)}: ${(e as Error).message}`);
        continue;
      }
      const result: QueryResult = {
        rcode: reply.rcode,
        authoritative: reply.flags.aa,
        answers: reply.answers,
        authority: reply.authority,
        additional: reply.additional.filter((rr) => rr.type !== 'OPT'),
        server,
      };
      if (!TRY_NEXT.has(reply.rcode)) return result;
      fallback = result;
    }
    if (fallback) return fallback;
    throw new DnsError(`no nameserver answered ${name} ${type}: ${failures.join('; ')}`);
  }
}
