/**
 * What every Akamai solver of one run shares: the API client credentials read from their Secrets
 * (once per namespace and references), zone lookups, request pacing per API client, and the
 * in-process serialization of changes to one record set (Edge DNS has no conditional writes).
 */
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { EdgeGridCredentials } from './edgegrid.js';

export interface AkamaiShared {
  credentials: Map<string, Promise<EdgeGridCredentials>>;
  /** Whether a zone is an Edge DNS zone of the client, keyed by host + client token reference + zone. */
  zones: Map<string, Promise<boolean>>;
  /** One request gate per API client (see {@link REQUEST_RATE}). */
  gates: Map<string, RateGate>;
  locks: KeyedLock;
}

/** Akamai's APIs throttle per API client; 5 requests per second keeps well below. */
export const REQUEST_RATE: RateLimit = { perSecond: 5, burst: 5 };

/** Fresh state for one run. */
export function createAkamaiShared(): AkamaiShared {
  return { credentials: new Map(), zones: new Map(), gates: new Map(), locks: new KeyedLock() };
}
