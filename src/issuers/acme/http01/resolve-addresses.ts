import type { Resolver } from '../../../dns/resolver.js';
import { RCODE } from '../../../dns/wire/constants.js';
import type { ResolveAddresses } from './self-check.js';

/**
 * A name's AAAA then A addresses from the recursive nameservers, as the CA looks them up: public
 * DNS, not /etc/hosts (which often maps the host's own name to 127.0.1.1 and would make the
 * self-check pass where the CA fails). CNAMEs are followed by the recursive server.
 */
export function addressesVia(resolver: Resolver): ResolveAddresses {
  return async (name, signal) => {
    const [v6, v4] = await Promise.all(
      (['AAAA', 'A'] as const).map(async (type) => {
        const r = await resolver.query(name, type, { signal });
        if (r.rcode !== RCODE.NOERROR && r.rcode !== RCODE.NXDOMAIN) throw new Error(`${type} lookup answered rcode ${r.rcode} by ${r.server.host}`);
        return r.answers.flatMap((rr) => (rr.type === type ? [rr.address] : []));
      }),
    );
    return [...new Set([...v6!, ...v4!])];
  };
}
