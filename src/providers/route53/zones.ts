/**
 * Finds the hosted zone a record goes into when `hostedZoneID` is not set: the longest public
 * zone whose name contains the record name, as cert-manager picks it. Each parent name is asked
 * for with ListHostedZonesByName (which lists zones sorted from the given name), paging by hand
 * while a page is still at that name; private zones are skipped.
 */
import type { Route53Api, ZoneRef, ZoneSummary } from './api.js';

/** The zone a record is written to, and a sentence saying why (for the user). */
export interface HostedZone extends ZoneRef {
  note: string;
}

/** Every hosted zone named exactly `name` (absolute, lower-case). */
export async function zonesNamed(api: Route53Api, name: string, signal?: AbortSignal): Promise<ZoneSummary[]> {
  const found: ZoneSummary[] = [];
  let dnsName = name.slice(0, -1);
  let zoneId: string | undefined;
  for (;;) {
    const page = await api.listHostedZonesByName(dnsName, zoneId, signal);
    const named = page.zones.filter((z) => z.name === name);
    found.push(...named);
    const stillAtName = page.next !== undefined && named.length === page.zones.length && `${page.next.dnsName.replace(/\.$/, '')}.`.toLowerCase() === name;
    if (!stillAtName || !page.next) return found;
    ({ dnsName, zoneId } = page.next);
  }
}

/** Lists the hosted zones of one name; the caller may memoize it for the run. */
export type ZoneLister = (name: string) => Promise<ZoneSummary[]>;

/**
 * Looks up the zone for `fqdn`. `dnsZone` is the zone the DNS itself serves the name from (SOA
 * walk). It is asked first: it is nearly always the hosted zone, and asking it first makes one
 * lookup per zone instead of one per label of every name. Otherwise the names from `fqdn` up are
 * asked, longest first, as cert-manager does.
 */
export async function findHostedZone(list: ZoneLister, fqdn: string, dnsZone: string): Promise<HostedZone> {
  const labels = fqdn.slice(0, -1).split('.');
  const privates: string[] = [];
  const asked: string[] = [];
  const candidates = labels.map((_, i) => `${labels.slice(i).join('.')}.`);
  const first = candidates.includes(dnsZone) ? [dnsZone] : [];
  for (const candidate of [...first, ...candidates.filter((c) => c !== dnsZone)]) {
    asked.push(candidate);
    const zones = await list(candidate);
    privates.push(...zones.filter((z) => z.private).map((z) => `${z.id} (${z.name})`));
    const pub = zones.filter((z) => !z.private);
    if (pub.length === 0) continue;
    const [zone] = pub;
    const parts = [`route53: using hosted zone ${zone.id} (${zone.name}) for ${fqdn}, the longest public hosted zone containing it`];
    if (pub.length > 1) parts.push(`${pub.length} public zones have that name (${pub.map((z) => z.id).join(', ')}): set hostedZoneID to pick another`);
    if (privates.length > 0) parts.push(`skipped private zone(s) ${privates.join(', ')}`);
    if (zone.name !== dnsZone) parts.push(`but DNS serves the name from zone ${dnsZone}: if ${zone.name} is not delegated, set hostedZoneID`);
    return { id: zone.id, name: zone.name, note: parts.join('; ') };
  }
  const skipped = privates.length > 0 ? `; skipped private zone(s) ${privates.join(', ')}` : '';
  throw new Error(`route53: ListHostedZonesByName: no public hosted zone contains ${fqdn} (looked for ${asked.join(', ')}${skipped}); create the zone or set hostedZoneID`);
}
