import type { Endpoint } from './wire/transport.js';

/** Controller-level DNS-01 settings (cert-manager's --dns01-* flags), resolved by the CLI. */
export interface Dns01Options {
  /** Recursive servers for zone, NS and CNAME lookups (flag, else /etc/resolv.conf). */
  recursiveNameservers: Endpoint[];
  /** Check propagation on the recursive servers only, not on every authoritative one. */
  recursiveOnly: boolean;
  /** Give up waiting for a record to appear after this long. */
  propagationTimeoutMs: number;
  /** Pause between propagation checks. */
  pollIntervalMs: number;
  /** Port used to reach authoritative nameservers (53; other values are for test setups). */
  authoritativePort: number;
  /** Deadline of one DNS exchange. */
  queryTimeoutMs: number;
}

export const DEFAULT_DNS01_OPTIONS: Omit<Dns01Options, 'recursiveNameservers'> = {
  recursiveOnly: false,
  propagationTimeoutMs: 180_000,
  pollIntervalMs: 2_000,
  authoritativePort: 53,
  queryTimeoutMs: 5_000,
};
