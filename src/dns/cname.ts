/**
 * CNAME chain following for `cnameStrategy: Follow` (cert-manager `followCNAMEs`): the
 * challenge record is written where the chain ends, typically in a zone delegated for ACME.
 */
import type { Resolver } from './resolver.js';
import { RCODE } from './wire/constants.js';
import { DnsError } from './wire/errors.js';
import { namesEqual, normalizeName } from './wire/name.js';

/** Options of {@link followCnames}. */
export interface FollowOptions {
  signal?: AbortSignal;
}

/**
 * Follows CNAME records from `fqdn` (queries of type CNAME, RD=1) and returns the final name,
 * lower-case with a trailing dot. A non-NOERROR reply (usually NXDOMAIN: the name does not
 * exist yet) ends the chain there, as in cert-manager. A loop, or more than `maxHops`
 * CNAMEs, is an error that shows the chain.
 */
export async function followCnames(fqdn: string, resolver: Resolver, maxHops = 10, opts: FollowOptions = {}): Promise<string> {
  const chain = [normalizeName(fqdn)];
  for (;;) {
    const current = chain[chain.length - 1];
    const r = await resolver.query(current, 'CNAME', { signal: opts.signal });
    if (r.rcode !== RCODE.NOERROR) return current;
    const cname = r.answers.find((rr) => rr.type === 'CNAME' && namesEqual(rr.name, current));
    if (!cname || cname.type !== 'CNAME') return current;
    const target = normalizeName(cname.target);
    if (chain.includes(target)) {
      throw new DnsError(`CNAME loop while following ${chain[0]}: ${[...chain, target].join(' -> ')}`);
    }
    chain.push(target);
    if (chain.length - 1 > maxHops) {
      throw new DnsError(`CNAME chain from ${chain[0]} is longer than ${maxHops} hops: ${chain.join(' -> ')}`);
    }
  }
}
