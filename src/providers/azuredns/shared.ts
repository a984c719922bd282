/**
 * What every Azure DNS solver of one run shares: the cloud endpoints (one metadata request per
 * ARM_CLOUD_METADATA_URL), credentials (one Azure AD exchange per credential, however many
 * Issuers and Certificates use it), zone lookups, request pacing per subscription, and the
 * in-process serialization of changes to one record set.
 */
import { createPacer } from '../../shared/pacer.js';
import type { Pacer } from '../../shared/pacer.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { AzureCloud } from './cloud.js';
import type { AzureCredentials } from './credentials.js';

export interface AzureDnsShared {
  clouds: Map<string, Promise<AzureCloud>>;
  /** Keyed by the credential configuration and the cloud (never by secret values). */
  credentials: Map<string, Promise<AzureCredentials>>;
  /** Whether a zone exists, keyed by account + zone name. */
  zones: Map<string, Promise<boolean>>;
  pacers: Map<string, Pacer>;
  locks: KeyedLock;
}

/** Resource Manager throttles per subscription and principal; 10 requests per second stays well inside its buckets. */
const REQUESTS_PER_SECOND = 10;

/** Fresh state for one run. */
export function createAzureDnsShared(): AzureDnsShared {
  return { clouds: new Map(), credentials: new Map(), zones: new Map(), pacers: new Map(), locks: new KeyedLock() };
}

/** The pacer of one subscription, created on first use. */
export function pacerFor(shared: AzureDnsShared, key: string, onWait?: (ms: number) => void): Pacer {
  let p = shared.pacers.get(key);
  if (!p) {
    p = createPacer({ perSecond: REQUESTS_PER_SECOND, burst: REQUESTS_PER_SECOND, onWait });
    shared.pacers.set(key, p);
  }
  return p;
}
