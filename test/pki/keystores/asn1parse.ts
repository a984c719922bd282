// `openssl asn1parse` as a byte-level oracle: the tokens (OIDs by OpenSSL's names, INTEGER
// values, OCTET STRING lengths) of one nesting level of a DER file, descending with -strparse.
import { runOpenssl } from '../helpers.js';

/** One asn1parse line. */
export interface Asn1Line {
  offset: number;
  depth: number;
  headerLength: number;
  length: number;
  type: string;
  value: string;
}

/** Parses `openssl asn1parse -inform DER -in file [-strparse o]...`. */
export async function asn1parse(file: string, strparse: number[] = []): Promise<Asn1Line[]> {
  const r = await runOpenssl(['asn1parse', '-inform', 'DER', '-in', file, ...strparse.flatMap((o) => ['-strparse', String(o)])]);
  if (r.code !== 0) throw new Error(`openssl asn1parse failed: ${r.stderr}`);
  const out: Asn1Line[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const m = /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+(?:prim|cons):\s*(.*)$/.exec(line);
    if (!m) {
      // A value OpenSSL prints as text (random salt bytes that happen to be printable) may hold a
      // newline: the line goes on the previous value.
      if (out.length === 0) throw new Error(`unexpected asn1parse line: ${line}`);
      out[out.length - 1]!.value += `\n${line}`;
      continue;
    }
    const rest = m[5]!;
    const colon = rest.indexOf(':');
    const type = (colon >= 0 ? rest.slice(0, colon) : rest).replace(/\[HEX DUMP\]/, '').trim();
    out.push({ offset: Number(m[1]), depth: Number(m[2]), headerLength: Number(m[3]), length: Number(m[4]), type, value: colon >= 0 ? rest.slice(colon + 1).trim() : '' });
  }
  return out;
}

/** OIDs, INTEGERs and OCTET STRING lengths, in order: `OID:name`, `INT:hex`, `OCT:len`. */
export function tokens(lines: Asn1Line[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.type === 'OBJECT') out.push(`OID:${l.value}`);
    else if (l.type === 'INTEGER') out.push(`INT:${l.value}`);
    else if (l.type === 'OCTET STRING') out.push(`OCT:${l.length}`);
  }
  return out;
}
