/**
 * What every Akamai solver of one run shares: the API client credentials read from their Secrets
 * (once per namespace and references), zone lookups, request pacing per API client, and the
 * in-process serialization of changes to one record set (Edge DNS has no conditional writes).
 */
import { createPacer } from '../../shared/pacer.js';
import type { Pacer } from '../../shared/pacer.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { EdgeGridCredentials } from './edgegrid.js';

export interface AkamaiShared {
  credentials: Map<string, Promise<EdgeGridCredentials>>;
  /** Whether a zone is an Edge DNS zone of the client, keyed by host + client token reference + zone. */
  zones: Map<string, Promise<boolean>>;
  pacers: Map<string, Pacer>;
  locks: KeyedLock;
}

/** Akamai's APIs throttle per API client; 5 requests per second keeps well below. */
const REQUESTS_PER_SECOND = 5;

/** Fresh state for one run. */
export function createAkamaiShared(): AkamaiShared {
  return { credentials: new Map(), zones: new Map(), pacers: new Map(), locks: new KeyedLock() };
}

/** The pacer of one API client, created on first use. */
export function pacerFor(shared: AkamaiShared, key: string, onWait?: (ms: number) => void): Pacer {
  let p = shared.pacers.get(key);
  if (!p) {
    p = createPacer({ perSecond: REQUESTS_PER_SECOND, burst: REQUESTS_PER_SECOND, onWait });
    shared.pacers.set(key, p);
  }
  return p;
}
