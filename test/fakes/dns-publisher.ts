/**
 * How the fake cloud DNS APIs make their records visible to real DNS: after each accepted change,
 * the fake replaces the TXT RRset at the changed name in a BIND zone with one TSIG-signed RFC 2136
 * UPDATE (delete the RRset, add every current value), before answering the API call. So when the
 * API call returns, every authoritative nameserver (here: the one BIND) already serves the new
 * state, and certctl's propagation check and the ACME server's lookup see what the API holds.
 */
import { CLASS, RCODE, describeRcode, typeCode } from '../../src/dns/wire/constants.js';
import { createUpdate } from '../../src/dns/wire/message.js';
import { isSubdomain, normalizeName } from '../../src/dns/wire/name.js';
import { txtStrings } from '../../src/dns/wire/rdata.js';
import { exchange } from '../../src/dns/wire/transport.js';
import type { Endpoint } from '../../src/dns/wire/transport.js';
import { parseTsigAlgorithm } from '../../src/dns/wire/tsig.js';
import type { ResourceRecord } from '../../src/dns/wire/types.js';

/** Publishes the TXT values of one name. */
export interface DnsPublisher {
  /** Replaces the TXT RRset at `name` (inside `zone`) by `values` (logical strings); [] deletes it. */
  syncTxt(zone: string, name: string, values: string[], ttl: number): Promise<void>;
  /** Zones this publisher can write (others are kept in memory only). */
  serves(zone: string): boolean;
}

/** What {@link bindPublisher} needs of a `startBind()` server. */
export interface BindTarget {
  endpoint: Endpoint;
  zones: string[];
  tsig: { tsigKeyName: string; tsigAlgorithm: string; tsigSecret: string };
}

/** A publisher writing into the BIND instance of test/helpers/bind.ts. */
export function bindPublisher(bind: BindTarget): DnsPublisher {
  const algorithm = parseTsigAlgorithm(bind.tsig.tsigAlgorithm);
  if (!algorithm) throw new Error(`unsupported TSIG algorithm ${bind.tsig.tsigAlgorithm}`);
  const key = { name: normalizeName(bind.tsig.tsigKeyName), algorithm, secret: Buffer.from(bind.tsig.tsigSecret, 'base64') };
  const served = new Set(bind.zones.map(normalizeName));
  return {
    serves: (zone) => served.has(normalizeName(zone)),
    async syncTxt(zone, name, values, ttl) {
      const apex = normalizeName(zone);
      const owner = normalizeName(name);
      if (!served.has(apex)) return;
      if (!isSubdomain(owner, apex)) throw new Error(`${owner} is not inside ${apex}`);
      const updates: ResourceRecord[] = [
        // Class ANY, TTL 0, empty RDATA: delete the whole RRset (RFC 2136 §2.5.2).
        { name: owner, class: CLASS.ANY, ttl: 0, type: typeCode('TXT'), rdata: Buffer.alloc(0) },
        ...values.map((v): ResourceRecord => ({ name: owner, class: CLASS.IN, ttl, type: 'TXT', strings: txtStrings(v) })),
      ];
      const reply = await exchange(bind.endpoint, createUpdate(apex, updates), { timeoutMs: 5000, tcp: true, tsig: key });
      if (reply.rcode !== RCODE.NOERROR) throw new Error(`publishing ${owner} TXT to BIND failed: ${describeRcode(reply.rcode)}`);
    },
  };
}
