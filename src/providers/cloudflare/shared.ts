/**
 * What every Cloudflare solver of one run shares: credentials (each Secret read once), zone
 * lookups (one per zone and account), and one request gate per account, because Cloudflare's
 * 1,200 requests per five minutes are counted per user across all of its tokens.
 */
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';
import type { CfZone, CloudflareAuth } from './api.js';

export interface CloudflareShared {
  /** Keyed by the account key (Secret namespace, references, base URL; never values). */
  credentials: Map<string, Promise<CloudflareAuth>>;
  /** Keyed by account key + DNS zone. */
  zones: Map<string, Promise<CfZone>>;
  gates: Map<string, RateGate>;
}

/**
 * Cloudflare's documented global limit, 1,200 requests per five minutes: a burst of 10, then a
 * steady rate that keeps any five-minute window at or under it.
 */
export const REQUEST_RATE: RateLimit = { perSecond: (1200 - 10) / 300, burst: 10 };

export function createCloudflareShared(): CloudflareShared {
  return { credentials: new Map(), zones: new Map(), gates: new Map() };
}
