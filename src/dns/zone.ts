/**
 * Zone apex detection and the zone's authoritative servers, following cert-manager's
 * `FindZoneByFQDN` and `LookupAuthoritativeNameservers` (pkg/issuer/acme/dns/util).
 */
import type { QueryResult, Resolver } from './resolver.js';
import { RCODE } from './wire/constants.js';
import { DnsError, DnsRcodeError } from './wire/errors.js';
import { ancestors, namesEqual, normalizeName } from './wire/name.js';
import { formatEndpoint } from './wire/transport.js';
import type { Endpoint } from './wire/transport.js';

/** Options for zone lookups. */
export interface ZoneLookupOptions {
  signal?: AbortSignal;
}

async function walk(fqdn: string, soaAt: (domain: string) => Promise<QueryResult>): Promise<string | undefined> {
  for (const domain of ancestors(fqdn)) {
    const r = await soaAt(domain);
    if (r.rcode === RCODE.NXDOMAIN) continue;
    if (r.rcode !== RCODE.NOERROR) throw new DnsRcodeError(r.rcode, `SOA query for ${domain} at ${formatEndpoint(r.server)}`);
    // No SOA can live at a CNAME, and an SOA only in Authority (NODATA) belongs to a parent zone.
    if (r.answers.some((rr) => rr.type === 'CNAME')) continue;
    const soa = r.answers.find((rr) => rr.type === 'SOA');
    if (soa) return normalizeName(soa.name);
  }
  return undefined;
}

/**
 * The zone containing `fqdn`: walks up from `fqdn` asking for SOA (RD=1) and returns the owner
 * of the first SOA found in an Answer section. NXDOMAIN, NODATA and CNAME answers continue the
 * walk; any other rcode is an error. Each configured nameserver is tried in turn until one
 * completes the walk. Returns a lower-case name with a trailing dot.
 */
export async function findZone(fqdn: string, resolver: Resolver, opts: ZoneLookupOptions = {}): Promise<string> {
  const problems: string[] = [];
  for (const server of resolver.nameservers) {
    try {
      const zone = await walk(fqdn, (domain) => resolver.query(domain, 'SOA', { server, signal: opts.signal }));
      if (zone) return zone;
      problems.push(`${formatEndpoint(server)}: no SOA record in any answer`);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      problems.push(`${formatEndpoint(server)}: ${(e as Error).message}`);
    }
  }
  throw new DnsError(`could not find the zone (start of authority) of ${normalizeName(fqdn)}: ${problems.join('; ')}`);
}

/** One authoritative nameserver of a zone and the endpoints to reach it. */
export interface AuthoritativeServer {
  /** NS target name, lower-case with trailing dot. */
  name: string;
  /** Tried in order; empty when the name did not resolve. */
  addresses: Endpoint[];
}

/** Options for {@link authoritativeNameservers}. */
export interface NameserverOptions extends ZoneLookupOptions {
  /** Port for resolved addresses; default 53. */
  nsPort?: number;
  /**
   * Override for reaching an NS name: return its endpoints to skip address resolution, or
   * undefined to resolve normally. Tests use this to reach loopback servers on ephemeral ports.
   */
  mapNameserver?: (nsName: string) => Endpoint[] | undefined;
}

/**
 * The NS names of `zone` (via the resolver, RD=1) with their A then AAAA addresses. Errors
 * when the NS query fails or returns no NS records for the zone.
 */
export async function authoritativeNameservers(zone: string, resolver: Resolver, opts: NameserverOptions = {}): Promise<AuthoritativeServer[]> {
  const apex = normalizeName(zone);
  const r = await resolver.query(apex, 'NS', { signal: opts.signal });
  if (r.rcode !== RCODE.NOERROR) throw new DnsRcodeError(r.rcode, `NS query for ${apex} at ${formatEndpoint(r.server)}`);
  const names = new Set<string>();
  for (const rr of r.answers) if (rr.type === 'NS' && namesEqual(rr.name, apex)) names.add(normalizeName(rr.host));
  if (names.size === 0) throw new DnsError(`zone ${apex} has no NS records (asked ${formatEndpoint(r.server)})`);
  const port = opts.nsPort ?? 53;
  return Promise.all(
    [...names].sort().map(async (name): Promise<AuthoritativeServer> => {
      const mapped = opts.mapNameserver?.(name);
      if (mapped) return { name, addresses: mapped };
      const [a, aaaa] = await Promise.all(
        (['A', 'AAAA'] as const).map((type) =>
          resolver.query(name, type, { signal: opts.signal }).then(
            (res) => res.answers.flatMap((rr) => (rr.type === 'A' || rr.type === 'AAAA' ? [{ host: rr.address, port }] : [])),
            () => [] as Endpoint[],
          ),
        ),
      );
      return { name, addresses: [...a, ...aaaa] };
    }),
  );
}
