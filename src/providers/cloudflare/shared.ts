/**
 * What every Cloudflare solver of one run shares: credentials (each Secret read once), zone
 * lookups (one per zone and account), and one request gate per account, because Cloudflare's
 * 1,200 requests per five minutes are counted per user across all of its tokens.
 */
import { createRateGate } from '../../shared/rate-gate.js';
import type { RateGate } from '../../shared/rate-gate.js';
import type { CfZone, CloudflareAuth } from './api.js';

export interface CloudflareShared {
  /** Keyed by the account key (Secret namespace, references, base URL; never values). */
  credentials: Map<string, Promise<CloudflareAuth>>;
  /** Keyed by account key + DNS zone. */
  zones: Map<string, Promise<CfZone>>;
  gates: Map<string, RateGate>;
}

/** Cloudflare's documented global limit. */
const LIMIT = 1200;
const WINDOW_S = 300;
const BURST = 10;

export function createCloudflareShared(): CloudflareShared {
  return { credentials: new Map(), zones: new Map(), gates: new Map() };
}

/**
 * The gate of one account, created on first use: a burst of 10, then a steady rate that keeps
 * any five-minute window at or under 1,200 requests.
 */
export function gateFor(shared: CloudflareShared, account: string, onWait?: (ms: number, why: 'pace' | 'hold') => void): RateGate {
  let g = shared.gates.get(account);
  if (!g) {
    g = createRateGate({ perSecond: (LIMIT - BURST) / WINDOW_S, burst: BURST, onWait });
    shared.gates.set(account, g);
  }
  return g;
}
