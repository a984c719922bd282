/**
 * X.501 distinguished names: build them from cert-manager's `subject` + `commonName` the way
 * Go's `pkix.Name.ToRDNSequence` orders them, and read them back for comparison and display.
 */
import { isPrintableString, oid, printable, readDer, seq, set, utf8 } from './der.js';
import type { DerNode } from './der.js';
import { childrenOf, readOid, readString, sequenceOf } from './der-values.js';
import { ATTR } from './oids.js';

/** cert-manager's `spec.subject` plus `spec.commonName`. */
export interface SubjectSpec {
  commonName?: string;
  organizations?: string[];
  countries?: string[];
  organizationalUnits?: string[];
  localities?: string[];
  provinces?: string[];
  streetAddresses?: string[];
  postalCodes?: string[];
  serialNumber?: string;
}

type ListField = 'countries' | 'organizations' | 'organizationalUnits' | 'localities' | 'provinces' | 'streetAddresses' | 'postalCodes';

/** Go's ToRDNSequence order; each list becomes one (multi-valued) RDN. */
const LIST_FIELDS: readonly (readonly [ListField, string])[] = [
  ['countries', ATTR.country],
  ['organizations', ATTR.organization],
  ['organizationalUnits', ATTR.organizationalUnit],
  ['localities', ATTR.locality],
  ['provinces', ATTR.province],
  ['streetAddresses', ATTR.streetAddress],
  ['postalCodes', ATTR.postalCode],
];

/** RFC 4514 short names (Go's `attributeTypeNames` plus DC/UID). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  [ATTR.country]: 'C',
  [ATTR.organization]: 'O',
  [ATTR.organizationalUnit]: 'OU',
  [ATTR.commonName]: 'CN',
  [ATTR.serialNumber]: 'SERIALNUMBER',
  [ATTR.locality]: 'L',
  [ATTR.province]: 'ST',
  [ATTR.streetAddress]: 'STREET',
  [ATTR.postalCode]: 'POSTALCODE',
  [ATTR.domainComponent]: 'DC',
  [ATTR.userId]: 'UID',
};

function attributeValue(type: string, value: string): Buffer {
  // RFC 5280 requires PrintableString for C and serialNumber; fall back to UTF8String rather
  // than fail if someone put other characters there.
  const asPrintable = (type === ATTR.country || type === ATTR.serialNumber) && isPrintableString(value);
  return seq(oid(type), asPrintable ? printable(value) : utf8(value));
}

/**
 * Encodes a Name. Order (outermost first): C, O, OU, L, ST, street, postalCode, serialNumber,
 * CN — each non-empty list as one RDN holding all its values, like Go. An empty spec gives the
 * empty Name (`30 00`), which makes the SAN extension critical (RFC 5280 §4.2.1.6).
 */
export function encodeName(spec: SubjectSpec): Buffer {
  const rdns: Buffer[] = [];
  for (const [field, type] of LIST_FIELDS) {
    const values = spec[field];
    if (values && values.length > 0) rdns.push(set(...values.map((v) => attributeValue(type, v))));
  }
  if (spec.serialNumber) rdns.push(set(attributeValue(ATTR.serialNumber, spec.serialNumber)));
  if (spec.commonName) rdns.push(set(attributeValue(ATTR.commonName, spec.commonName)));
  return seq(...rdns);
}

/** One attribute of a parsed Name. */
export interface NameAttribute {
  oid: string;
  /** RFC 4514 short name, or the dotted OID when there is none. */
  type: string;
  value: string;
}

/** A decoded Name. */
export interface ParsedName {
  /** Known attributes; like Go, the last CN / serialNumber wins if repeated. */
  subject: SubjectSpec;
  /** Every attribute, as RDNs in encoding order. */
  rdns: NameAttribute[][];
  /** RFC 4514 string (last RDN first), e.g. `CN=example.com,O=Acme,C=US`, as Go's Name.String(). */
  text: string;
}

function escapeValue(v: string): string {
  let out = v.replace(/[\\,+"<>;]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (/^[ #]/.test(out)) out = `\\${out}`;
  if (/ $/.test(out) && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function attrToText(a: NameAttribute, raw: DerNode): string {
  if (a.type !== a.oid) return `${a.type}=${escapeValue(a.value)}`;
  // RFC 4514 §2.4: unknown types are printed as #hex of the value's BER encoding.
  return `${a.oid}=#${raw.raw.toString('hex')}`;
}

/** Decodes a DER Name (a buffer or an already-read node). Throws on malformed input. */
export function parseName(der: Buffer | DerNode): ParsedName {
  const node = Buffer.isBuffer(der) ? readDer(der) : der;
  const subject: SubjectSpec = {};
  const rdns: NameAttribute[][] = [];
  const texts: string[] = [];
  for (const rdnNode of sequenceOf(node, 'Name')) {
    const rdn: NameAttribute[] = [];
    const parts: string[] = [];
    for (const atv of childrenOf(rdnNode, 'RelativeDistinguishedName')) {
      const [typeNode, valueNode] = sequenceOf(atv, 'AttributeTypeAndValue');
      const type = readOid(typeNode, 'attribute type');
      let value: string;
      try {
        value = readString(valueNode, `attribute ${type}`);
      } catch {
        value = ''; // Non-string values (rare, e.g. BIT STRING UIDs) only show up in `text`.
      }
      const a: NameAttribute = { oid: type, type: SHORT_NAMES[type] ?? type, value };
      rdn.push(a);
      parts.push(attrToText(a, valueNode!));
      addToSubject(subject, type, value);
    }
    rdns.push(rdn);
    texts.push(parts.join('+'));
  }
  return { subject, rdns, text: texts.reverse().join(',') };
}

function addToSubject(subject: SubjectSpec, type: string, value: string): void {
  if (type === ATTR.commonName) subject.commonName = value;
  else if (type === ATTR.serialNumber) subject.serialNumber = value;
  else {
    const field = LIST_FIELDS.find(([, t]) => t === type)?.[0];
    if (field) (subject[field] ??= []).push(value);
  }
}
