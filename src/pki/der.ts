/**
 * Minimal DER (X.690 Distinguished Encoding Rules) encoder and reader.
 *
 * Just enough ASN.1 to build and read X.509 certificates and PKCS#10 requests. Encoders take
 * and return complete TLV buffers so they compose like the ASN.1 they mirror. The reader is
 * deliberately strict (DER, not BER): certificates are signed over their exact bytes, so any
 * leniency here would only hide encodings that Go (and so cert-manager) would refuse.
 */

/** Universal tag numbers used by this module. */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** ASN.1 tag class (the top two bits of the identifier octet). */
export type DerClass = 'universal' | 'application' | 'context' | 'private';

const CLASSES: readonly DerClass[] = ['universal', 'application', 'context', 'private'];

/** One decoded DER element. Buffers are views into the input, not copies. */
export interface DerNode {
  tag: number;
  constructed: boolean;
  cls: DerClass;
  /** Identifier and length octets. */
  header: Buffer;
  /** Content octets. */
  value: Buffer;
  /** The whole element (header + value), e.g. to re-emit a Name byte-for-byte. */
  raw: Buffer;
  /** Decoded children, present exactly when `constructed`. */
  children?: DerNode[];
}

/** Thrown for malformed DER and for values the encoders cannot represent. */
export class DerError extends Error {
  override name = 'DerError';
}

// ---------------------------------------------------------------------------------------------
// Encoding

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one element from its parts; the other encoders are shorthands for this. */
export function tlv(tag: number, content: Buffer, cls: DerClass = 'universal', constructed = false): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 30) {
    // High tag numbers never occur in the structures we build; refusing them keeps this simple.
    throw new DerError(`tag number ${tag} not supported by the encoder`);
  }
  const id = (CLASSES.indexOf(cls) << 6) | (constructed ? 0x20 : 0) | tag;
  return Buffer.concat([Buffer.from([id]), encodeLength(content.length), content]);
}

/** SEQUENCE of the given encoded elements, in order. */
export function seq(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items), 'universal', true);
}

/** SET OF: DER requires the elements sorted by their encodings (X.690 §11.6). */
export function set(...items: Buffer[]): Buffer {
  const sorted = [...items].sort(Buffer.compare);
  return tlv(TAG.SET, Buffer.concat(sorted), 'universal', true);
}

/**
 * INTEGER. A bigint/number is encoded in two's complement. A Buffer is read as an unsigned
 * big-endian magnitude: leading zeros are dropped and one is added back if the top bit is set,
 * so a DER INTEGER's own content bytes (e.g. a serial with its 0x00 pad) round-trip unchanged.
 */
export function int(value: bigint | number | Buffer): Buffer {
  if (Buffer.isBuffer(value)) {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    let body: Buffer = value.length === 0 ? Buffer.from([0]) : value.subarray(start);
    if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return tlv(TAG.INTEGER, body);
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new DerError(`int(): ${value} is not a safe integer`);
  }
  let n = BigInt(value);
  const bytes: number[] = [];
  // Emit bytes until the remaining value is pure sign extension of the last byte's top bit.
  for (;;) {
    const byte = Number(n & 0xffn);
    bytes.unshift(byte);
    n >>= 8n;
    if ((n === 0n && (byte & 0x80) === 0) || (n === -1n && (byte & 0x80) !== 0)) break;
  }
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

function base128(n: bigint): number[] {
  const out = [Number(n & 0x7fn)];
  for (n >>= 7n; n > 0n; n >>= 7n) out.unshift(Number(n & 0x7fn) | 0x80);
  return out;
}

/** OBJECT IDENTIFIER from dotted form ("2.5.29.17"). Arcs may exceed 2^53 (e.g. 2.25.<uuid>). */
export function oid(dotted: string): Buffer {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new DerError(`invalid OID "${dotted}"`);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs[0]! < 2n && arcs[1]! >= 40n) throw new DerError(`invalid OID "${dotted}"`);
  const bytes = [...base128(arcs[0]! * 40n + arcs[1]!)];
  for (const arc of arcs.slice(2)) bytes.push(...base128(arc));
  return tlv(TAG.OID, Buffer.from(bytes));
}

/** UTF8String. */
export function utf8(s: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** True if `s` fits the PrintableString alphabet (X.680 §41.4). */
export function isPrintableString(s: string): boolean {
  return PRINTABLE.test(s);
}

/** PrintableString; throws if `s` has characters outside its alphabet. */
export function printable(s: string): Buffer {
  if (!isPrintableString(s)) throw new DerError(`"${s}" is not a valid PrintableString`);
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(s, 'latin1'));
}

/** IA5String (ASCII); throws on non-ASCII, e.g. an un-punycoded IDN in a DNS SAN. */
export function ia5(s: string): Buffer {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(s)) throw new DerError(`"${s}" is not a valid IA5String (ASCII only)`);
  return tlv(TAG.IA5_STRING, Buffer.from(s, 'latin1'));
}

/** BIT STRING with `unusedBits` padding bits at the end of the last byte. */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  if (unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    throw new DerError(`invalid BIT STRING padding ${unusedBits}`);
  }
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/** OCTET STRING. */
export function octetString(bytes: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** BOOLEAN (DER: TRUE is 0xFF). */
export function bool(b: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([b ? 0xff : 0x00]));
}

/** NULL. */
export function nullValue(): Buffer {
  return tlv(TAG.NULL, Buffer.alloc(0));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * X.509 Time: UTCTime for 1950..2049 and GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
 * Milliseconds are truncated because DER forbids fractional seconds here.
 */
export function time(date: Date): Buffer {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new DerError('time(): invalid Date');
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) throw new DerError(`time(): year ${y} out of range`);
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z';
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, Buffer.from(pad(y % 100, 2) + rest, 'latin1'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(pad(y, 4) + rest, 'latin1'));
}

/** `[n] EXPLICIT`: wraps the encoded element in a constructed context-specific tag. */
export function explicit(n: number, x: Buffer): Buffer {
  return tlv(n, x, 'context', true);
}

/**
 * `[n] IMPLICIT`: replaces the encoded element's tag with context-specific [n], keeping its
 * content. Pass `constructed` true when the underlying type is a SEQUENCE/SET.
 */
export function implicit(n: number, x: Buffer, constructed = false): Buffer {
  const { value } = readDer(x, { maxDepth: 1, shallow: true });
  return tlv(n, value, 'context', constructed);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Options for {@link readDer}. */
export interface ReadDerOptions {
  /** Maximum nesting of constructed elements (default 32; X.509 needs about 10). */
  maxDepth?: number;
  /** Do not decode children (only the outer element's header is checked). */
  shallow?: boolean;
}

/**
 * Decodes exactly one DER element spanning the whole buffer. Rejects indefinite lengths,
 * non-minimal lengths, truncation, trailing bytes, constructed forms of primitive types and
 * nesting deeper than `maxDepth`.
 */
export function readDer(buf: Buffer, options: ReadDerOptions = {}): DerNode {
  const maxDepth = options.maxDepth ?? 32;
  const node = parseAt(buf, 0, buf.length, 1, maxDepth, options.shallow ?? false);
  if (node.raw.length !== buf.length) {
    throw new DerError(`${buf.length - node.raw.length} trailing byte(s) after DER element`);
  }
  return node;
}

function parseAt(buf: Buffer, start: number, limit: number, depth: number, maxDepth: number, shallow: boolean): DerNode {
  if (depth > maxDepth) throw new DerError(`DER nesting deeper than ${maxDepth}`);
  let pos = start;
  const need = (n: number, what: string): void => {
    if (pos + n > limit) throw new DerError(`truncated DER: ${what} at offset ${pos} runs past the end`);
  };
  need(1, 'identifier');
  const id = buf[pos++]!;
  const cls = CLASSES[id >> 6]!;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      need(1, 'tag number');
      const b = buf[pos++]!;
      if (i === 0 && b === 0x80) throw new DerError('non-minimal tag number encoding');
      if (i >= 3) throw new DerError('tag number too large');
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) throw new DerError('non-minimal tag number encoding');
  }
  need(1, 'length');
  const first = buf[pos++]!;
  let length = first;
  if (first === 0x80) throw new DerError('indefinite length is not allowed in DER');
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new DerError(`length of ${n} octets is too large`);
    need(n, 'length octets');
    if (buf[pos] === 0) throw new DerError('non-minimal length encoding');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
    if (length < 0x80) throw new DerError('non-minimal length encoding');
  }
  need(length, `content of ${length} byte(s)`);
  const header = buf.subarray(start, pos);
  const value = buf.subarray(pos, pos + length);
  const raw = buf.subarray(start, pos + length);
  const node: DerNode = { tag, constructed, cls, header, value, raw };
  if (cls === 'universal') {
    const mustConstruct = tag === TAG.SEQUENCE || tag === TAG.SET;
    if (constructed !== mustConstruct) {
      throw new DerError(`universal tag ${tag} must be ${mustConstruct ? 'constructed' : 'primitive'} in DER`);
    }
  }
  if (constructed && !shallow) {
    node.children = [];
    let p = pos;
    const end = pos + length;
    while (p < end) {
      const child = parseAt(buf, p, end, depth + 1, maxDepth, false);
      node.children.push(child);
      p += child.raw.length;
    }
  }
  return node;
}
