/**
 * What every DigitalOcean solver of one run shares: tokens (each Secret read once), domain
 * lookups (one per zone and token), and one request gate per token — DigitalOcean counts 250
 * requests per minute and 5,000 per hour per token.
 */
import type { RateGate, RateLimit } from '../../shared/rate-gate.js';

export interface DigitalOceanShared {
  /** Keyed by the account key (Secret namespace, reference, API origin; never the value). */
  tokens: Map<string, Promise<string>>;
  /** The account's domain holding a DNS zone, keyed by account key + zone. */
  domains: Map<string, Promise<string>>;
  gates: Map<string, RateGate>;
}

/**
 * 250 requests per minute per token: a burst of 10, then a rate that keeps any minute at or under
 * it. The hourly quota (5,000) is read from the responses, which hold the gate when it runs out.
 */
export const REQUEST_RATE: RateLimit = { perSecond: (250 - 10) / 60, burst: 10 };

export function createDigitalOceanShared(): DigitalOceanShared {
  return { tokens: new Map(), domains: new Map(), gates: new Map() };
}
