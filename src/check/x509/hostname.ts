/**
 * Whether a certificate is valid for the name a client connects to (RFC 6125 as browsers apply
 * it and the CA/Browser Forum requires): DNS names and IP addresses from subjectAltName only,
 * the subject CN ignored; a wildcard only as the whole leftmost label, matching exactly one label.
 * OpenSSL's X509_check_host / X509_check_ip do the matching.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { ParsedCertificate } from '../../pki/parse.js';

/** The verdict for one name. */
export interface NameMatch {
  /** The name checked, in the form compared (A-label, no trailing dot; canonical IP). */
  name: string;
  matches: boolean;
  /** The SAN entry that matched. */
  matchedBy?: string;
  /** Why not, when there is something specific to say (only in the CN, no SANs at all). */
  hint?: string;
}

/** Checks `name` (a DNS name, IDN, or IP address) against the certificate's SANs. */
export function matchName(cert: ParsedCertificate, name: string): NameMatch {
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) {
    const hit = cert.x509.checkIP(bare);
    return hit ? { name: bare, matches: true, matchedBy: `IP:${cert.ipAddresses.find((ip) => sameIp(ip, bare)) ?? bare}` } : { name: bare, matches: false, ...hint(cert, bare) };
  }
  const ascii = domainToASCII(bare.replace(/\.$/, '')).toLowerCase() || bare.toLowerCase();
  const matched = cert.x509.checkHost(ascii, { subject: 'never', wildcards: true, partialWildcards: false, multiLabelWildcards: false, singleLabelSubdomains: false });
  if (matched) {
    const san = cert.dnsNames.find((d) => d.toLowerCase() === matched.toLowerCase()) ?? matched;
    return { name: ascii, matches: true, matchedBy: `DNS:${san}` };
  }
  return { name: ascii, matches: false, ...hint(cert, ascii) };
}

function sameIp(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.replace(/^::ffff:/, '') === b.replace(/^::ffff:/, '');
}

function hint(cert: ParsedCertificate, name: string): { hint?: string } {
  const sans = [...cert.dnsNames.map((d) => `DNS:${d}`), ...cert.ipAddresses.map((ip) => `IP:${ip}`)];
  if (sans.length === 0) {
    return { hint: cert.commonName ? `the certificate has no subjectAltName; its CN (${cert.commonName}) is ignored by browsers and Go` : 'the certificate has no subjectAltName' };
  }
  if (cert.commonName.toLowerCase() === name) return { hint: `${name} is only the subject CN, which clients ignore; the names are ${sans.join(', ')}` };
  return { hint: `the certificate is for ${sans.join(', ')}` };
}
