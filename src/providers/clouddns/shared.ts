/**
 * What every Cloud DNS solver of one run shares: credentials (one token exchange per credential,
 * however many Issuers and Certificates use it), managed-zone lookups, request pacing per project,
 * and the in-process serialization of changes to one name.
 */
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { ManagedZone } from './api.js';
import type { GoogleCredentials } from './credentials.js';

export interface CloudDnsShared {
  /** Keyed by Secret namespace and reference names, or by the ambient variables (never by values). */
  credentials: Map<string, Promise<GoogleCredentials>>;
  /** managedZones.list answers, keyed by project + DNS name. */
  zones: Map<string, Promise<ManagedZone[]>>;
  /** One request gate per project (see {@link REQUEST_RATE}). */
  gates: Map<string, RateGate>;
  locks: KeyedLock;
}

/** Cloud DNS allows a few thousand requests per minute per project; 10 per second leaves room for other users of the project. */
export const REQUEST_RATE: RateLimit = { perSecond: 10, burst: 10 };

/** Fresh state for one run. */
export function createCloudDnsShared(): CloudDnsShared {
  return { credentials: new Map(), zones: new Map(), gates: new Map(), locks: new KeyedLock() };
}
