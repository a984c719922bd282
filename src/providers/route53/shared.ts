/**
 * What every Route 53 solver of one run shares: credentials (one credential chain, one STS call per
 * role, whatever the number of Issuers and Certificates), hosted-zone lookups, request pacing per
 * account (Route 53 allows 5 requests per second), and the in-process serialization of changes to
 * one record name (two solvers may write the same name).
 */
import type { ZoneSummary } from './api.js';
import type { Route53Credentials } from './credentials.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';

export interface Route53Shared {
  /** Keyed by the credential configuration (never by secret values). */
  credentials: Map<string, Promise<Route53Credentials>>;
  /** Hosted zones of one name, keyed by account key + name. */
  zones: Map<string, Promise<ZoneSummary[]>>;
  /** One request gate per account (see {@link REQUEST_RATE}). */
  gates: Map<string, RateGate>;
  locks: KeyedLock;
}

/** Route 53's documented limit is five requests per second per account. */
export const REQUEST_RATE: RateLimit = { perSecond: 5, burst: 5 };

export function createRoute53Shared(): Route53Shared {
  return { credentials: new Map(), zones: new Map(), gates: new Map(), locks: new KeyedLock() };
}
