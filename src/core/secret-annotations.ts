import type { ParsedCertificate } from '../pki/parse.js';
import type { CertificateResource } from '../spec/types.js';

/** cert-manager marks every Secret it manages with this label ("for attention of"). */
export const FAO_LABEL = 'controller.cert-manager.io/fao';

/**
 * The labels and annotations cert-manager puts on a Certificate's Secret: the secretTemplate,
 * then details read from the issued certificate, then the name and issuer (verbatim from
 * issuerRef, as cert-manager copies them).
 */
export function secretMetadataFor(
  cert: CertificateResource,
  issued: ParsedCertificate,
): { annotations: Record<string, string>; labels: Record<string, string> } {
  const spec = cert.spec;
  const a: Record<string, string> = { ...spec.secretTemplate.annotations };
  a['cert-manager.io/common-name'] = issued.commonName ?? '';
  a['cert-manager.io/alt-names'] = joinCsv(issued.dnsNames);
  a['cert-manager.io/ip-sans'] = joinCsv(issued.ipAddresses);
  a['cert-manager.io/uri-sans'] = joinCsv(issued.uris);
  optional(a, 'cert-manager.io/email-sans', issued.emailAddresses);
  const s = issued.subject;
  optional(a, 'cert-manager.io/subject-organizations', s.organizations);
  optional(a, 'cert-manager.io/subject-organizationalunits', s.organizationalUnits);
  optional(a, 'cert-manager.io/subject-countries', s.countries);
  optional(a, 'cert-manager.io/subject-provinces', s.provinces);
  optional(a, 'cert-manager.io/subject-localities', s.localities);
  optional(a, 'cert-manager.io/subject-postalcodes', s.postalCodes);
  optional(a, 'cert-manager.io/subject-streetaddresses', s.streetAddresses);
  if (s.serialNumber) a['cert-manager.io/subject-serialnumber'] = s.serialNumber;
  a['cert-manager.io/certificate-name'] = cert.metadata.name;
  a['cert-manager.io/issuer-name'] = spec.issuerRef.name;
  a['cert-manager.io/issuer-kind'] = spec.issuerRef.rawKind;
  a['cert-manager.io/issuer-group'] = spec.issuerRef.rawGroup;
  return { annotations: a, labels: { ...spec.secretTemplate.labels, [FAO_LABEL]: 'true' } };
}

function optional(into: Record<string, string>, key: string, values: string[] | undefined): void {
  if (values && values.length > 0) into[key] = joinCsv(values);
}

/** One CSV record as Go's encoding/csv writes it (cert-manager's JoinWithEscapeCSV), no newline. */
export function joinCsv(values: string[] | undefined): string {
  return (values ?? []).map(csvField).join(',');
}

function csvField(field: string): string {
  const needsQuotes = field === '\\.' || /[",\r\n]/.test(field) || field.startsWith(' ') || field.startsWith('\t');
  return needsQuotes ? `"${field.replace(/"/g, '""')}"` : field;
}
