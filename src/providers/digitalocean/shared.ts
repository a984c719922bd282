/**
 * What every DigitalOcean solver of one run shares: tokens (each Secret read once), domain
 * lookups (one per zone and token), and one request gate per token — DigitalOcean counts 250
 * requests per minute and 5,000 per hour per token.
 */
import { createRateGate } from '../../shared/rate-gate.js';
import type { RateGate } from '../../shared/rate-gate.js';

export interface DigitalOceanShared {
  /** Keyed by the account key (Secret namespace, reference, API origin; never the value). */
  tokens: Map<string, Promise<string>>;
  /** The account's domain holding a DNS zone, keyed by account key + zone. */
  domains: Map<string, Promise<string>>;
  gates: Map<string, RateGate>;
}

const PER_MINUTE = 250;
const BURST = 10;

export function createDigitalOceanShared(): DigitalOceanShared {
  return { tokens: new Map(), domains: new Map(), gates: new Map() };
}

/** The gate of one token: a burst of 10, then a rate that keeps any minute at or under 250 requests; the hourly quota is read from the responses. */
export function gateFor(shared: DigitalOceanShared, account: string, onWait?: (ms: number, why: 'pace' | 'hold') => void): RateGate {
  let g = shared.gates.get(account);
  if (!g) {
    g = createRateGate({ perSecond: (PER_MINUTE - BURST) / 60, burst: BURST, onWait });
    shared.gates.set(account, g);
  }
  return g;
}
