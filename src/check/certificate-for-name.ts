import { isIP } from 'node:net';
import type { CertificateResource } from '../spec/types.js';

/**
 * The Certificate among `certificates` whose certificate a server answering for `name` should
 * present: one listing the name exactly (dnsNames, ipAddresses, commonName) wins over one
 * covering it with a wildcard; among equals, the first in the manifests. Undefined when none does.
 */
export function certificateForName(certificates: readonly CertificateResource[], name: string): CertificateResource | undefined {
  const wanted = name.toLowerCase().replace(/\.$/, '');
  const exact = certificates.find((c) => namesOf(c).some((n) => n === wanted));
  if (exact || isIP(wanted)) return exact;
  return certificates.find((c) => namesOf(c).some((n) => n.startsWith('*.') && wildcardCovers(n, wanted)));
}

function namesOf(c: CertificateResource): string[] {
  const spec = c.spec;
  return [...spec.dnsNames, ...spec.ipAddresses, ...(spec.commonName ? [spec.commonName] : [])].map((n) => n.toLowerCase());
}

/** `*.example.com` covers `www.example.com`, not `example.com` nor `a.b.example.com`. */
function wildcardCovers(pattern: string, name: string): boolean {
  const suffix = pattern.slice(1);
  if (!name.endsWith(suffix)) return false;
  const label = name.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.');
}
