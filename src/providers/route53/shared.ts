/**
 * What every Route 53 solver of one run shares: credentials (one credential chain, one STS call per
 * role, whatever the number of Issuers and Certificates), hosted-zone lookups, request pacing per
 * account (Route 53 allows 5 requests per second), and the in-process serialization of changes to
 * one record name (two solvers may write the same name).
 */
import type { ZoneSummary } from './api.js';
import type { Route53Credentials } from './credentials.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import { createPacer } from '../../shared/pacer.js';
import type { Pacer } from '../../shared/pacer.js';

export interface Route53Shared {
  /** Keyed by the credential configuration (never by secret values). */
  credentials: Map<string, Promise<Route53Credentials>>;
  /** Hosted zones of one name, keyed by account key + name. */
  zones: Map<string, Promise<ZoneSummary[]>>;
  pacers: Map<string, Pacer>;
  locks: KeyedLock;
}

/** Route 53's documented limit is five requests per second per account. */
const REQUESTS_PER_SECOND = 5;

export function createRoute53Shared(): Route53Shared {
  return { credentials: new Map(), zones: new Map(), pacers: new Map(), locks: new KeyedLock() };
}

/** The pacer for one account (by credential key), created on first use. */
export function pacerFor(shared: Route53Shared, key: string, onWait?: (ms: number) => void): Pacer {
  let p = shared.pacers.get(key);
  if (!p) {
    p = createPacer({ perSecond: REQUESTS_PER_SECOND, burst: REQUESTS_PER_SECOND, onWait });
    shared.pacers.set(key, p);
  }
  return p;
}
