/**
 * cert-manager `usages` ⇄ X.509 keyUsage bits and extKeyUsage OIDs
 * (cert-manager `pkg/api/util/usages.go` and `pki.KeyUsagesForCertificateOrCertificateRequest`).
 */
import { EXT } from './oids.js';

/** The 23 values of cert-manager's `KeyUsage` enum, in the CRD's order. */
export const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

/** One cert-manager usage name. */
export type KeyUsageName = (typeof KEY_USAGES)[number];

/** cert-manager's default when `usages` is empty (`DefaultKeyUsages()`). */
export const DEFAULT_USAGES: readonly KeyUsageName[] = ['digital signature', 'key encipherment'];

/** Canonical keyUsage names → RFC 5280 §4.2.1.3 bit numbers (bit 0 = digitalSignature). */
export const KEY_USAGE_BITS: Readonly<Record<string, number>> = {
  'digital signature': 0,
  'content commitment': 1,
  'key encipherment': 2,
  'data encipherment': 3,
  'key agreement': 4,
  'cert sign': 5,
  'crl sign': 6,
  'encipher only': 7,
  'decipher only': 8,
};

/** Canonical extKeyUsage names → OIDs. */
export const EXT_KEY_USAGE_OIDS: Readonly<Record<string, string>> = {
  any: '2.5.29.37.0',
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

/** Aliases cert-manager accepts for another name. */
const ALIASES: Readonly<Record<string, string>> = { signing: 'digital signature', 's/mime': 'email protection' };

/** True if `name` is one of the 23 cert-manager usage names. */
export function isKeyUsageName(name: string): name is KeyUsageName {
  return (KEY_USAGES as readonly string[]).includes(name);
}

/**
 * Splits cert-manager usages into canonical keyUsage and extKeyUsage names, as cert-manager
 * builds a certificate: an empty list means {@link DEFAULT_USAGES}; `isCA` ORs in `cert sign`;
 * aliases are resolved (`signing` → `digital signature`, `s/mime` → `email protection`);
 * duplicates are dropped. keyUsage comes out in bit order, extKeyUsage in first-seen order.
 * Usages are kept as given for every key type (the reference does not document cert-manager
 * dropping `key encipherment` for ECDSA/Ed25519). Throws on an unknown name.
 */
export function splitUsages(usages: readonly string[], opts: { isCA: boolean }): { keyUsage: string[]; extKeyUsage: string[] } {
  const list = usages.length === 0 ? DEFAULT_USAGES : usages;
  const ku = new Set<string>(opts.isCA ? ['cert sign'] : []);
  const eku: string[] = [];
  for (const raw of list) {
    if (!isKeyUsageName(raw)) throw new Error(`unknown key usage "${raw}"`);
    const name = ALIASES[raw] ?? raw;
    if (name in KEY_USAGE_BITS) ku.add(name);
    else if (!eku.includes(name)) eku.push(name);
  }
  const keyUsage = [...ku].sort((a, b) => KEY_USAGE_BITS[a]! - KEY_USAGE_BITS[b]!);
  return { keyUsage, extKeyUsage: eku };
}

/** keyUsage names → bit mask (bit i = RFC 5280 bit i, the same layout as Go's x509.KeyUsage). */
export function keyUsageMask(names: readonly string[]): number {
  let mask = 0;
  for (const n of names) {
    const bit = KEY_USAGE_BITS[ALIASES[n] ?? n];
    if (bit === undefined) throw new Error(`"${n}" is not a keyUsage`);
    mask |= 1 << bit;
  }
  return mask;
}

/**
 * The reverse mapping, for comparing an issued certificate with a spec: canonical cert-manager
 * names for every keyUsage bit (bit order) and extKeyUsage OID (certificate order). EKU OIDs
 * cert-manager has no name for are returned as dotted OIDs so that a comparison fails visibly.
 * Accepts a `ParsedCertificate` (only these two fields are read).
 */
export function usagesFromCertificate(cert: { keyUsageBits: number; extKeyUsageOids: readonly string[] }): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(KEY_USAGE_BITS)) if (cert.keyUsageBits & (1 << bit)) out.push(name);
  for (const o of cert.extKeyUsageOids) {
    out.push(Object.keys(EXT_KEY_USAGE_OIDS).find((n) => EXT_KEY_USAGE_OIDS[n] === o) ?? o);
  }
  return out;
}

/**
 * True when a certificate's key usage allows it to sign certificates: keyCertSign is set, or there
 * is no keyUsage extension at all (RFC 5280 §4.2.1.3 only restricts when it is present).
 * Accepts a `ParsedCertificate` (only these two fields are read).
 */
export function allowsCertSign(cert: { extensions: readonly { oid: string }[]; keyUsageBits: number }): boolean {
  const hasKeyUsage = cert.extensions.some((e) => e.oid === EXT.keyUsage);
  return !hasKeyUsage || (cert.keyUsageBits & (1 << KEY_USAGE_BITS['cert sign'])) !== 0;
}

/**
 * True when a certificate's usages (from {@link usagesFromCertificate}) are exactly what the
 * spec asks for after defaulting, aliasing and the `isCA` rule. Order-insensitive.
 */
export function usagesMatch(specUsages: readonly string[], isCA: boolean, certUsages: readonly string[]): boolean {
  const { keyUsage, extKeyUsage } = splitUsages(specUsages, { isCA });
  const want = new Set([...keyUsage, ...extKeyUsage]);
  const got = new Set(certUsages);
  return want.size === got.size && [...want].every((u) => got.has(u));
}
