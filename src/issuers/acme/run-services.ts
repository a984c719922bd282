/**
 * What every ACME issuer of one run shares: one account session per server and account key, one
 * unauthenticated renewal-info client per server, one DNS resolver with its zone lookups, one
 * pool of DNS providers, and one HTTP-01 server per listen address and directory per webroot. Built empty; each part is created on first use, so a run with nothing to
 * issue creates none of the signing or DNS machinery.
 */
import type { Dns01Options } from '../../dns/dns01-options.js';
import type { Resolver } from '../../dns/resolver.js';
import { ProviderPool } from '../../providers/pool.js';
import type { CommandRunner } from '../../shared/command-runner.js';
import type { AcmeHttp } from './acme-http.js';
import type { Http01Options } from './http01/http01-options.js';
import type { Http01Resources } from './http01/http01-resources.js';
import type { AcmeServerExtras } from './server-session.js';
import type { AcmeServerClient } from './transport/server-client.js';
import type { NewOrderEntry } from '../../stores/records.js';
import { RateBudget, type AcmeBudgetSettings } from './rate-budget.js';

export interface AcmeRunOptions {
  dns01: Dns01Options;
  /** The `--http01-*` flags (default: no method on the command line, self-check on). */
  http01?: Http01Options;
  env: Record<string, string | undefined>;
  /** Bound ServiceAccount tokens (Kubernetes TokenRequest), when certctl talks to a cluster. */
  serviceAccountToken?: (namespace: string, name: string, audiences: string[]) => Promise<string>;
  runCommand: CommandRunner;
  /** Progress for `-v` (retries, waits), never secrets. */
  debug: (message: string) => void;
  /** `certctl/<version>`, sent with every ACME request. */
  userAgent?: string;
  /** The CA rate-limit budgets of this run (none: nothing is held back). */
  budgets?: AcmeBudgetSettings;
  /** The new orders this run's Certificates recorded in earlier runs (read at the first new order). */
  orderHistory?: () => Promise<NewOrderEntry[]>;
}

export class AcmeRunServices {
  readonly providers = new ProviderPool();
  /** Account sessions, by server and account key Secret. */
  readonly sessions = new Map<string, Promise<AcmeHttp>>();
  /** The account-less client of each ACME server (directory, nonces, connections), by server and TLS settings. */
  readonly servers = new Map<string, AcmeServerClient>();
  /** DNS zone of a name, by name. */
  readonly zones = new Map<string, Promise<string>>();
  /** Created by the first order (the DNS code loads only then). */
  resolver?: Resolver;
  /** HTTP-01 servers and webroots, created by the first order (the HTTP-01 code loads only then). */
  http01?: Http01Resources;
  /** New orders left in the CA's rate limits, shared by every ACME issuer of the run. */
  readonly budget: RateBudget;

  constructor(readonly options: AcmeRunOptions) {
    this.budget = new RateBudget(options.budgets ?? {}, options.orderHistory ?? (async () => []));
  }

  /** What every ACME server client of the run gets: the User-Agent, and the `-v` trace of each request. */
  serverExtras(): AcmeServerExtras {
    return acmeServerExtras(this.options.userAgent, this.options.debug);
  }
}

/** The User-Agent and a `-v` line per request (`acme: POST <url> -> HTTP 200 in 12 ms`), for any command talking to a CA. */
export function acmeServerExtras(userAgent: string | undefined, debug: (message: string) => void): AcmeServerExtras {
  return {
    ...(userAgent ? { userAgent } : {}),
    onRequest: (t) => {
      const status = t.status !== undefined ? `HTTP ${t.status}` : `failed: ${t.error ?? 'no answer'}`;
      const retry = t.attempt > 1 ? ` (attempt ${t.attempt}${t.retryReason ? `, ${t.retryReason}` : ''})` : '';
      debug(`acme: ${t.method} ${t.url} -> ${status} in ${Math.round(t.ms)} ms${retry}`);
    },
  };
}
