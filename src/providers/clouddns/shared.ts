/**
 * What every Cloud DNS solver of one run shares: credentials (one token exchange per credential,
 * however many Issuers and Certificates use it), managed-zone lookups, request pacing per project,
 * and the in-process serialization of changes to one name.
 */
import { createPacer } from '../../shared/pacer.js';
import type { Pacer } from '../../shared/pacer.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { ManagedZone } from './api.js';
import type { GoogleCredentials } from './credentials.js';

export interface CloudDnsShared {
  /** Keyed by Secret namespace and reference names, or by the ambient variables (never by values). */
  credentials: Map<string, Promise<GoogleCredentials>>;
  /** managedZones.list answers, keyed by project + DNS name. */
  zones: Map<string, Promise<ManagedZone[]>>;
  pacers: Map<string, Pacer>;
  locks: KeyedLock;
}

/** Cloud DNS allows a few thousand requests per minute per project; 10 per second leaves room for other users of the project. */
const REQUESTS_PER_SECOND = 10;

/** Fresh state for one run. */
export function createCloudDnsShared(): CloudDnsShared {
  return { credentials: new Map(), zones: new Map(), pacers: new Map(), locks: new KeyedLock() };
}

/** The pacer of one project, created on first use. */
export function pacerFor(shared: CloudDnsShared, key: string, onWait?: (ms: number) => void): Pacer {
  let p = shared.pacers.get(key);
  if (!p) {
    p = createPacer({ perSecond: REQUESTS_PER_SECOND, burst: REQUESTS_PER_SECOND, onWait });
    shared.pacers.set(key, p);
  }
  return p;
}
