/**
 * A certificate subject printed the way Go's `pkix.Name.String()` prints it. cert-manager (via
 * go-pkcs12's EncodeTrustStore) uses that string as each truststore entry's friendly name, which
 * Java shows as the alias, so we reproduce it rather than use our own RFC 4514 form.
 */
import { isPrintableString, readDer, TAG, tlv } from '../der.js';
import type { DerNode } from '../der.js';
import { childrenOf, readOid, readString, sequenceOf } from '../der-values.js';

/** Go's attributeTypeNames. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

/** The order in which Go's `Name.ToRDNSequence` emits the fields it parsed. */
const FIELD_ORDER = ['2.5.4.6', '2.5.4.8', '2.5.4.7', '2.5.4.9', '2.5.4.17', '2.5.4.10', '2.5.4.11'] as const;

const STRING_TAGS = new Set<number>([TAG.PRINTABLE_STRING, TAG.UTF8_STRING, TAG.IA5_STRING, TAG.T61_STRING, TAG.BMP_STRING, 18 /* NumericString */]);

interface Atv {
  type: string;
  value?: string;
  raw: DerNode;
}

function escapeValue(v: string): string {
  const chars = [...v];
  return chars
    .map((c, i) => {
      const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (i === 0 || i === chars.length - 1)) || (c === '#' && i === 0);
      return escape ? `\\${c}` : c;
    })
    .join('');
}

/** Go re-marshals a decoded string as PrintableString when it can, else as UTF8String. */
function goMarshalHex(atv: Atv): string {
  if (atv.value === undefined) return atv.raw.raw.toString('hex');
  const tag = isPrintableString(atv.value) ? TAG.PRINTABLE_STRING : TAG.UTF8_STRING;
  return tlv(tag, Buffer.from(atv.value, tag === TAG.PRINTABLE_STRING ? 'latin1' : 'utf8')).toString('hex');
}

function formatAtv(atv: Atv): string {
  const short = SHORT_NAMES[atv.type];
  if (!short) return `${atv.type}=#${goMarshalHex(atv)}`;
  return `${short}=${escapeValue(atv.value ?? '')}`;
}

/** `pkix.Name.String()` for a Name given as DER (e.g. a certificate's subject). */
export function goNameString(nameDer: Buffer): string {
  const atvs: Atv[] = [];
  for (const rdn of sequenceOf(readDer(nameDer), 'Name')) {
    for (const atvNode of childrenOf(rdn, 'RelativeDistinguishedName')) {
      const [typeNode, valueNode] = sequenceOf(atvNode, 'AttributeTypeAndValue');
      const type = readOid(typeNode, 'attribute type');
      const isString = valueNode!.cls === 'universal' && STRING_TAGS.has(valueNode!.tag);
      let value: string | undefined;
      if (isString) value = valueNode!.tag === 18 ? valueNode!.value.toString('latin1') : readString(valueNode, type);
      atvs.push({ type, value, raw: valueNode! });
    }
  }
  // Go fills named fields (CN and SERIALNUMBER keep the last value; the others are lists)...
  const values = (type: string): string[] => atvs.filter((a) => a.type === type && a.value !== undefined).map((a) => a.value!);
  const rdns: Atv[][] = [];
  // ...puts every attribute it has no field for first, each in its own RDN...
  for (const atv of atvs) if (!SHORT_NAMES[atv.type]) rdns.push([atv]);
  // ...then the fields in its fixed order, all values of one type in one RDN...
  for (const type of FIELD_ORDER) {
    const v = values(type);
    if (v.length) rdns.push(v.map((value) => ({ type, value, raw: atvs[0]!.raw })));
  }
  for (const type of ['2.5.4.3', '2.5.4.5']) {
    const v = values(type);
    if (v.length && v[v.length - 1] !== '') rdns.push([{ type, value: v[v.length - 1]!, raw: atvs[0]!.raw }]);
  }
  // ...and prints the sequence last RDN first.
  return rdns
    .reverse()
    .map((rdn) => rdn.map(formatAtv).join('+'))
    .join(',');
}
