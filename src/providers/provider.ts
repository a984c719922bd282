/**
 * The contract between the DNS-01 solver and a DNS provider. The solver computes the record
 * name and value (src/dns/challenge-record.ts), finds the zone, and checks propagation; a
 * provider only writes and removes one TXT value.
 */

/** One TXT value at one name. fqdn and zone are lower-case, absolute, with a trailing dot; value is the final TXT string. */
export interface TxtRecord {
  fqdn: string;
  zone: string;
  value: string;
  ttl: number;
}

/** A DNS provider adds or removes exactly one TXT value; it never hashes, never waits for propagation. */
export interface DnsProvider {
  readonly name: string;
  /** Adds `record.value` at `record.fqdn`, keeping other values there. Idempotent: presenting twice leaves one value. */
  present(record: TxtRecord, signal?: AbortSignal): Promise<void>;
  /** Removes only this value; a missing value is a no-op. */
  cleanUp(record: TxtRecord, signal?: AbortSignal): Promise<void>;
}
