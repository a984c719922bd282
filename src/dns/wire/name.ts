/**
 * Domain names: presentation form (`www.example.com.`, with `\.` and `\DDD` escapes) to and
 * from wire form. Names are always treated as absolute. Encoding never compresses (TSIG
 * requires uncompressed key and algorithm names, and our messages are small); decoding follows
 * compression pointers, which must point strictly before the segment being read, so a pointer
 * loop is impossible rather than merely detected late.
 */
import type { ByteReader, ByteWriter } from './bytes.js';
import { DnsFormatError } from './errors.js';

const MAX_LABEL = 63;
const MAX_NAME_WIRE = 255;
const MAX_POINTERS = 127;

/** Splits a presentation-form name into raw label bytes, honouring escapes. Root → []. */
export function nameToLabels(name: string): Buffer[] {
  if (name === '' || name === '.') return [];
  const labels: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch === 0x5c /* \ */) {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new DnsFormatError(`bad escape \\${d} in name "${name}"`);
        cur.push(v);
        i += 3;
      } else if (i + 1 < name.length) {
        cur.push(name.charCodeAt(++i));
      } else {
        throw new DnsFormatError(`dangling backslash in name "${name}"`);
      }
    } else if (ch === 0x2e /* . */) {
      if (cur.length === 0) throw new DnsFormatError(`empty label in name "${name}"`);
      labels.push(Buffer.from(cur));
      cur = [];
    } else if (ch > 0x7f) {
      for (const b of Buffer.from(name[i], 'utf8')) cur.push(b);
    } else {
      cur.push(ch);
    }
  }
  if (cur.length > 0) labels.push(Buffer.from(cur));
  let wire = 1;
  for (const l of labels) {
    if (l.length > MAX_LABEL) throw new DnsFormatError(`label longer than ${MAX_LABEL} bytes in name "${name}"`);
    wire += l.length + 1;
  }
  if (wire > MAX_NAME_WIRE) throw new DnsFormatError(`name longer than ${MAX_NAME_WIRE} bytes: "${name}"`);
  return labels;
}

function labelToText(label: Buffer): string {
  let s = '';
  for (const b of label) {
    if (b === 0x2e || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b <= 0x20 || b >= 0x7f) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return s;
}

/** Joins raw labels into an absolute presentation-form name (`.` for the root). */
export function labelsToName(labels: readonly Buffer[]): string {
  return labels.length === 0 ? '.' : `${labels.map(labelToText).join('.')}.`;
}

/** Writes a name in uncompressed wire form. */
export function writeName(w: ByteWriter, name: string): void {
  for (const l of nameToLabels(name)) w.u8(l.length).bytes(l);
  w.u8(0);
}

/** Uncompressed wire form of a name, lower-cased when `canonical` (TSIG and DNSSEC use that). */
export function nameToWire(name: string, canonical = false): Buffer {
  const parts: Buffer[] = [];
  for (const l of nameToLabels(canonical ? name.toLowerCase() : name)) parts.push(Buffer.from([l.length]), l);
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Reads a possibly compressed name at the reader's offset and advances past it. */
export function readName(r: ByteReader): string {
  const buf = r.buf;
  const labels: Buffer[] = [];
  let pos = r.offset;
  let segmentStart = pos;
  let jumped = false;
  let pointers = 0;
  let wire = 1;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError(`truncated name at offset ${pos}`);
    const len = buf[pos];
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError(`truncated compression pointer at offset ${pos}`);
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (target >= segmentStart) {
        throw new DnsFormatError(`compression pointer at offset ${pos} does not point backwards (to ${target})`);
      }
      if (++pointers > MAX_POINTERS) throw new DnsFormatError('too many compression pointers');
      if (!jumped) r.offset = pos + 2;
      jumped = true;
      pos = segmentStart = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError(`unsupported label type 0x${len.toString(16)} at offset ${pos}`);
    if (len === 0) {
      if (!jumped) r.offset = pos + 1;
      return labelsToName(labels);
    }
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw new DnsFormatError(`name longer than ${MAX_NAME_WIRE} bytes at offset ${r.offset}`);
    if (pos + 1 + len > buf.length) throw new DnsFormatError(`truncated label at offset ${pos}`);
    labels.push(Buffer.from(buf.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
}

/** Lower-cases a name and makes it absolute: `Example.COM` → `example.com.`. */
export function normalizeName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed === '.') return '.';
  return labelsToName(nameToLabels(trimmed.toLowerCase()));
}

/** Case-insensitive name equality, ignoring a missing trailing dot. */
export function namesEqual(a: string, b: string): boolean {
  return normalizeName(a) === normalizeName(b);
}

/** The name itself and each ancestor up to (not including) the root: `a.b.c.` → `a.b.c.`, `b.c.`, `c.`. */
export function ancestors(name: string): string[] {
  const labels = nameToLabels(normalizeName(name));
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) out.push(labelsToName(labels.slice(i)));
  return out;
}

/** True when `name` equals `zone` or lies below it. */
export function isSubdomain(name: string, zone: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zone);
  return z === '.' || n === z || n.endsWith(`.${z}`);
}
