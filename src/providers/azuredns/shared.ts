/**
 * What every Azure DNS solver of one run shares: the cloud endpoints (one metadata request per
 * ARM_CLOUD_METADATA_URL), credentials (one Azure AD exchange per credential, however many
 * Issuers and Certificates use it), zone lookups, request pacing per subscription, and the
 * in-process serialization of changes to one record set.
 */
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';
import { KeyedLock } from '../../shared/keyed-lock.js';
import type { AzureCloud } from './cloud.js';
import type { AzureCredentials } from './credentials.js';

export interface AzureDnsShared {
  clouds: Map<string, Promise<AzureCloud>>;
  /** Keyed by the credential configuration and the cloud (never by secret values). */
  credentials: Map<string, Promise<AzureCredentials>>;
  /** Whether a zone exists, keyed by account + zone name. */
  zones: Map<string, Promise<boolean>>;
  /** One request gate per subscription (see {@link REQUEST_RATE}). */
  gates: Map<string, RateGate>;
  locks: KeyedLock;
}

/** Resource Manager throttles per subscription and principal; 10 requests per second stays well inside its buckets. */
export const REQUEST_RATE: RateLimit = { perSecond: 10, burst: 10 };

/** Fresh state for one run. */
export function createAzureDnsShared(): AzureDnsShared {
  return { clouds: new Map(), credentials: new Map(), zones: new Map(), gates: new Map(), locks: new KeyedLock() };
}
