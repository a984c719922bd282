/**
 * `certctl inspect` as text: the sections and field names of `cmctl inspect secret`, so its
 * users find their way, followed by what certctl adds (chain, key, owner, renewal).
 */
import { revocationText } from '../report/render-text.js';
import type { InspectReport, NameParts } from './inspect-secret.js';

const RFC1123 = (iso: string): string => new Date(iso).toUTCString().replace('GMT', 'UTC');

function list(items: readonly string[]): string {
  return items.length === 0 ? '<none>' : `\n${items.map((i) => `\t\t- ${i}`).join('\n')}`;
}

function oneOrList(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : list(items);
}

function name(title: string, n: NameParts): string[] {
  return [
    `${title}:`,
    `\tCommon Name:\t${n.commonName ?? '<none>'}`,
    `\tOrganization:\t${oneOrList(n.organizations)}`,
    `\tOrganizationalUnit:\t${oneOrList(n.organizationalUnits)}`,
    `\tCountry:\t${oneOrList(n.countries)}`,
  ];
}

/** Renders one report; sections are separated by blank lines. */
export function renderInspectText(r: InspectReport): string {
  const sections: string[][] = [];
  const head = [`${r.source}${r.location && r.location !== r.source ? ` (${r.location})` : ''}`];
  if (r.certificate) head.push(`Certificate:\t${r.certificate.name} (from the ${r.certificate.from === 'annotation' ? 'Secret\'s annotations' : r.certificate.from === 'record' ? 'certctl record' : 'manifests'})`);
  if (r.issuer) head.push(`Issuer:\t\t${r.issuer.kind} ${r.issuer.name}${r.issuer.group !== 'cert-manager.io' ? ` (${r.issuer.group})` : ''}`);
  sections.push(head);
  const l = r.leaf;
  if (l) {
    sections.push([
      'Valid for:',
      `\tDNS Names: ${list(l.dnsNames)}`,
      `\tURIs: ${list(l.uris)}`,
      `\tIP Addresses: ${list(l.ipAddresses)}`,
      `\tEmail Addresses: ${list(l.emailAddresses)}`,
      `\tUsages: ${list(l.usages)}`,
    ]);
    sections.push(['Validity period:', `\tNot Before: ${RFC1123(l.notBefore)}`, `\tNot After: ${RFC1123(l.notAfter)} (${l.daysLeft < 0 ? `expired ${-l.daysLeft} days ago` : `${l.daysLeft} days left`})`]);
    sections.push(name('Issued By', l.issuedBy));
    sections.push(name('Issued For', l.issuedFor));
    sections.push([
      'Certificate:',
      `\tSigning Algorithm:\t${l.signatureAlgorithm}`,
      `\tPublic Key Algorithm:\t${l.publicKey}`,
      `\tSerial Number:\t${l.serialNumber} (hex ${l.serialHex})`,
      `\tFingerprints:\t${l.fingerprintSha256}`,
      `\tIs a CA certificate: ${l.isCA}`,
      `\tCRL:\t${oneOrList(l.crlUrls)}`,
      `\tOCSP:\t${oneOrList(l.ocspUrls)}${l.mustStaple ? ' (Must-Staple)' : ''}`,
    ]);
  }
  const chain = ['Chain (tls.crt):'];
  if (r.chainError) chain.push(`\terror: ${r.chainError}`);
  r.chain.forEach((c, i) => chain.push(`\t#${i} ${c.role.padEnd(12)} ${c.subject || '<empty subject>'} (until ${c.notAfter.slice(0, 10)}, ${c.daysLeft} days)`));
  if (r.trust) chain.push(`\t${r.trust.inOrder ? 'in order' : 'OUT OF ORDER: each certificate should be followed by its issuer'}`);
  for (const c of r.ca) chain.push(`\tca.crt: ${c.subject}${c.selfSigned ? ' (self-signed)' : ''} (until ${c.notAfter.slice(0, 10)})`);
  sections.push(chain);
  const k = r.privateKey;
  sections.push([
    'Private key (tls.key):',
    !k ? '\t<none>' : k.error ? `\tunreadable: ${k.error}` : `\t${k.algorithm}${k.size ? (k.algorithm === 'ECDSA' ? ` P-${k.size}` : ` ${k.size}`) : ''}, ${k.encoding}; ${k.matchesCertificate === undefined ? 'no certificate to compare with' : k.matchesCertificate ? 'matches the certificate' : 'DOES NOT match the certificate'}`,
  ]);
  if (r.renewal) {
    const n = r.renewal;
    const basis: Record<string, string> = {
      ari: 'the moment chosen in the CA\'s ARI window',
      manifest: 'from the Certificate\'s spec',
      record: 'as recorded at issuance',
      lifetime: 'two thirds into the lifetime, cert-manager\'s default',
      disabled: 'renewal disabled (spec.renewal.policy: Disabled)',
      none: 'no readable certificate',
    };
    const lines = ['Renewal:', `\tRenewal Time:\t${n.renewalTime ? `${RFC1123(n.renewalTime)} (${basis[n.basis]})` : basis[n.basis]}`, `\tDue Now:\t${n.due ? `yes: ${n.reason}: ${n.message}` : 'no'}`];
    if (n.revision !== undefined) lines.push(`\tRevision:\t${n.revision}${n.issuedAt ? `, issued ${RFC1123(n.issuedAt)}` : ''}`);
    if (n.lastFailureTime) lines.push(`\tLast Failure:\t${RFC1123(n.lastFailureTime)} (${n.failedIssuanceAttempts ?? 1} attempt(s)): ${n.lastFailureMessage ?? ''}`);
    sections.push(lines);
  }
  if (r.trust) {
    const t = r.trust;
    const lines = ['Debugging:', `\tTrusted by this computer:\t${t.trusted ? 'yes' : `no: ${t.reason ?? 'not trusted'}`}`];
    if (t.withCaCrt) lines.push(`\tVerifies with ca.crt:\t${t.withCaCrt.trusted ? 'yes' : `no: ${t.withCaCrt.reason ?? 'not trusted'}`}`);
    if (r.revocation) lines.push(`\tRevocation:\t${revocationText(r.revocation, false)}${r.revocation.status !== 'unchecked' ? ` => ${r.revocation.status.toUpperCase()}` : ''}`);
    sections.push(lines);
  }
  const ann = Object.entries(r.annotations);
  sections.push(['Annotations:', ...(ann.length ? ann.map(([key, v]) => `\t${key}: ${v}`) : ['\t<none>'])]);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
