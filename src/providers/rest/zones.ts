/**
 * The zone a record goes into, when the solver does not say it: the zone DNS serves the name from
 * (the solver's SOA walk) is asked first, because it nearly always is the hosted zone and asking it
 * first makes one lookup per zone instead of one per label; then the names from the record up,
 * longest first, as cert-manager's providers walk them.
 */

/** `name` without its trailing dot, lower-case. */
export const bare = (name: string): string => name.replace(/\.$/, '').toLowerCase();

/** `zone` and its parents down to two labels, nearest first, without trailing dots (just `zone` when it has two labels or fewer). */
export function zoneAndParents(zone: string): string[] {
  const labels = bare(zone).split('.');
  if (labels.length <= 2) return [labels.join('.')];
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/** Zone names to try for `fqdn` (absolute, lower-case), `dnsZone` first when it contains the name; without trailing dots. */
export function zoneCandidates(fqdn: string, dnsZone: string): string[] {
  const labels = bare(fqdn).split('.');
  const names = labels.map((_, i) => labels.slice(i).join('.')).filter((n) => n.includes('.'));
  const first = bare(dnsZone);
  return names.includes(first) ? [first, ...names.filter((n) => n !== first)] : names;
}

/** The name of `fqdn` relative to `zone` (both with or without trailing dot): `_acme-challenge.www`, or `@` at the apex. */
export function relativeName(fqdn: string, zone: string): string {
  const name = bare(fqdn);
  const z = bare(zone);
  if (name === z) return '@';
  if (!name.endsWith(`.${z}`)) throw new Error(`${fqdn} is not inside zone ${z}`);
  return name.slice(0, -(z.length + 1));
}
