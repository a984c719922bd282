/**
 * The X.509 v3 extensions certctl writes and reads: basicConstraints, keyUsage, extKeyUsage,
 * subjectAltName, subjectKeyIdentifier and authorityKeyIdentifier (RFC 5280 §4.2).
 */
import { createHash } from 'node:crypto';
import { bitString, bool, ia5, implicit, octetString, oid, readDer, seq, tlv, TAG } from './der.js';
import type { DerNode } from './der.js';
import { readBitString, readBoolean, readOctetString, readOid, readSmallInt, sequenceOf } from './der-values.js';
import { formatIp, ipToSanBytes } from '../shared/ip.js';
import { ACCESS_METHOD, EXT } from './oids.js';
import { EXT_KEY_USAGE_OIDS, keyUsageMask } from './usages.js';

/** Subject alternative names as cert-manager spells them. */
export interface SubjectAltNames {
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  emailAddresses?: string[];
}

/** One Extension; `critical` is omitted from the DER when false (DEFAULT FALSE). */
export function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
}

/** A GeneralName uniformResourceIdentifier ([6] IA5String). */
function uriName(uri: string): Buffer {
  return implicit(6, ia5(uri));
}

/**
 * cRLDistributionPoints as Go writes it for cert-manager's `crlDistributionPoints`: one
 * DistributionPoint per URL, each a fullName with that URI.
 */
export function crlDistributionPointsExt(urls: readonly string[]): Buffer | undefined {
  if (urls.length === 0) return undefined;
  // distributionPoint [0] (explicit: it tags a CHOICE) holding fullName [0] IMPLICIT GeneralNames.
  const point = (u: string): Buffer => seq(tlv(0, tlv(0, uriName(u), 'context', true), 'context', true));
  return extension(EXT.crlDistributionPoints, false, seq(...urls.map(point)));
}

/** authorityInfoAccess: OCSP responders first, then CA issuer URLs, as Go orders them. */
export function authorityInfoAccessExt(ocsp: readonly string[], caIssuers: readonly string[]): Buffer | undefined {
  const entries = [...ocsp.map((u) => seq(oid(ACCESS_METHOD.ocsp), uriName(u))), ...caIssuers.map((u) => seq(oid(ACCESS_METHOD.caIssuers), uriName(u)))];
  return entries.length === 0 ? undefined : extension(EXT.authorityInfoAccess, false, seq(...entries));
}

/** basicConstraints, always critical as Go/cert-manager write it; CA:FALSE is the empty SEQUENCE. */
export function basicConstraintsExt(isCA: boolean): Buffer {
  return extension(EXT.basicConstraints, true, isCA ? seq(bool(true)) : seq());
}

/** Critical keyUsage from canonical names, or undefined when there are none. */
export function keyUsageExt(names: readonly string[]): Buffer | undefined {
  const mask = keyUsageMask(names);
  if (mask === 0) return undefined;
  // DER named-bit lists drop trailing zero bits (X.690 §11.2.2), so trim to the highest set bit.
  const highest = 31 - Math.clz32(mask);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (let bit = 0; bit <= highest; bit++) if (mask & (1 << bit)) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return extension(EXT.keyUsage, true, bitString(bytes, 7 - (highest & 7)));
}

/** Non-critical extKeyUsage from canonical names, or undefined when there are none. */
export function extKeyUsageExt(names: readonly string[]): Buffer | undefined {
  if (names.length === 0) return undefined;
  return extension(EXT.extKeyUsage, false, seq(...names.map((n) => oid(EXT_KEY_USAGE_OIDS[n] ?? n))));
}

/**
 * subjectAltName in Go's order (DNS, email, IP, URI), or undefined when there are no names.
 * RFC 5280 §4.2.1.6: critical exactly when the subject is empty.
 */
export function subjectAltNameExt(sans: SubjectAltNames, subjectEmpty: boolean): Buffer | undefined {
  const names: Buffer[] = [
    ...(sans.dnsNames ?? []).map((n) => implicit(2, ia5(n))),
    ...(sans.emailAddresses ?? []).map((n) => implicit(1, ia5(n))),
    ...(sans.ipAddresses ?? []).map((n) => implicit(7, octetString(ipToSanBytes(n)))),
    ...(sans.uris ?? []).map((n) => implicit(6, ia5(n))),
  ];
  if (names.length === 0) return undefined;
  return extension(EXT.subjectAltName, subjectEmpty, seq(...names));
}

/** Key identifier per RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING bytes. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, bits] = sequenceOf(readDer(spki), 'SubjectPublicKeyInfo');
  return createHash('sha1').update(readBitString(bits, 'subjectPublicKey').bytes).digest();
}

/** subjectKeyIdentifier extension. */
export function subjectKeyIdExt(id: Buffer): Buffer {
  return extension(EXT.subjectKeyIdentifier, false, octetString(id));
}

/** authorityKeyIdentifier extension with only `[0] keyIdentifier`. */
export function authorityKeyIdExt(id: Buffer): Buffer {
  return extension(EXT.authorityKeyIdentifier, false, seq(tlv(0, id, 'context')));
}

/** Raw extension as found in a certificate. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

/** What certctl reads from a certificate's (or CSR's) extensions. */
export interface ParsedExtensions {
  list: RawExtension[];
  isCA: boolean;
  pathLength?: number;
  /** Bit i = RFC 5280 keyUsage bit i; 0 when the extension is absent. */
  keyUsageBits: number;
  extKeyUsageOids: string[];
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
}

/** Parses `Extensions ::= SEQUENCE OF Extension`; pass undefined for a certificate without any. */
export function parseExtensions(node: DerNode | undefined): ParsedExtensions {
  const out: ParsedExtensions = {
    list: [], isCA: false, keyUsageBits: 0, extKeyUsageOids: [],
    dnsNames: [], ipAddresses: [], uris: [], emailAddresses: [],
  };
  if (!node) return out;
  for (const extNode of sequenceOf(node, 'Extensions')) {
    const parts = sequenceOf(extNode, 'Extension');
    const id = readOid(parts[0], 'extnID');
    if (parts.length < 2 || parts.length > 3) throw new Error(`malformed extension ${id}`);
    const critical = parts.length === 3 ? readBoolean(parts[1], `${id} critical`) : false;
    const value = readOctetString(parts[parts.length - 1], `${id} extnValue`);
    if (out.list.some((e) => e.oid === id)) throw new Error(`duplicate extension ${id}`);
    out.list.push({ oid: id, critical, value });
    applyExtension(out, id, value);
  }
  return out;
}

function applyExtension(out: ParsedExtensions, id: string, value: Buffer): void {
  switch (id) {
    case EXT.basicConstraints: {
      const items = sequenceOf(readDer(value), 'basicConstraints');
      let i = 0;
      if (items[i]?.tag === TAG.BOOLEAN) out.isCA = readBoolean(items[i++], 'basicConstraints cA');
      if (items[i]) out.pathLength = readSmallInt(items[i], 'basicConstraints pathLenConstraint');
      break;
    }
    case EXT.keyUsage: {
      const { bytes } = readBitString(readDer(value), 'keyUsage');
      for (let bit = 0; bit < Math.min(bytes.length * 8, 16); bit++) {
        if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) out.keyUsageBits |= 1 << bit;
      }
      break;
    }
    case EXT.extKeyUsage:
      out.extKeyUsageOids = sequenceOf(readDer(value), 'extKeyUsage').map((n) => readOid(n, 'KeyPurposeId'));
      break;
    case EXT.subjectAltName:
      for (const gn of sequenceOf(readDer(value), 'subjectAltName')) readGeneralName(out, gn);
      break;
    case EXT.subjectKeyIdentifier:
      out.subjectKeyId = Buffer.from(readOctetString(readDer(value), 'subjectKeyIdentifier'));
      break;
    case EXT.authorityKeyIdentifier: {
      const keyId = sequenceOf(readDer(value), 'authorityKeyIdentifier').find((n) => n.cls === 'context' && n.tag === 0);
      if (keyId) out.authorityKeyId = Buffer.from(keyId.value);
      break;
    }
  }
}

function readGeneralName(out: ParsedExtensions, gn: DerNode): void {
  if (gn.cls !== 'context') throw new Error('subjectAltName: GeneralName must be context-tagged');
  // Other name forms (otherName, directoryName, registeredID…) are legal but not used by certctl.
  switch (gn.tag) {
    case 1:
      out.emailAddresses.push(gn.value.toString('latin1'));
      break;
    case 2:
      out.dnsNames.push(gn.value.toString('latin1'));
      break;
    case 6:
      out.uris.push(gn.value.toString('latin1'));
      break;
    case 7:
      if (gn.value.length !== 4 && gn.value.length !== 16) {
        throw new Error(`subjectAltName: IP address of ${gn.value.length} bytes`);
      }
      out.ipAddresses.push(formatIp(gn.value));
      break;
  }
}
