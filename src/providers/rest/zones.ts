/**
 * The zone a record goes into, when the solver does not say it: the zone DNS serves the name from
 * (the solver's SOA walk) is asked first, because it nearly always is the hosted zone and asking it
 * first makes one lookup per zone instead of one per label; then the names from the record up,
 * longest first, as cert-manager's providers walk them.
 */

/** Zone names to try for `fqdn` (absolute, lower-case), `dnsZone` first when it contains the name; without trailing dots. */
export function zoneCandidates(fqdn: string, dnsZone: string): string[] {
  const bare = (n: string): string => n.replace(/\.$/, '').toLowerCase();
  const labels = bare(fqdn).split('.');
  const names = labels.map((_, i) => labels.slice(i).join('.')).filter((n) => n.includes('.'));
  const first = bare(dnsZone);
  return names.includes(first) ? [first, ...names.filter((n) => n !== first)] : names;
}

/** The name of `fqdn` relative to `zone` (both with or without trailing dot): `_acme-challenge.www`, or `@` at the apex. */
export function relativeName(fqdn: string, zone: string): string {
  const name = fqdn.replace(/\.$/, '').toLowerCase();
  const z = zone.replace(/\.$/, '').toLowerCase();
  if (name === z) return '@';
  if (!name.endsWith(`.${z}`)) throw new Error(`${fqdn} is not inside zone ${z}`);
  return name.slice(0, -(z.length + 1));
}
