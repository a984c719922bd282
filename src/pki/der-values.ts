/**
 * Typed accessors for {@link DerNode}s produced by `readDer`: check the tag, decode the value,
 * and fail with a message that says what was expected where.
 */
import { DerError, TAG } from './der.js';
import type { DerClass, DerNode } from './der.js';

/** Throws unless `node` has the given tag and class; returns it for chaining. */
export function expectTag(node: DerNode | undefined, tag: number, what: string, cls: DerClass = 'universal'): DerNode {
  if (!node) throw new DerError(`${what}: missing element`);
  if (node.tag !== tag || node.cls !== cls) {
    throw new DerError(`${what}: expected ${cls} tag ${tag}, found ${node.cls} tag ${node.tag}`);
  }
  return node;
}

/** Children of a constructed node (SEQUENCE, SET, explicit tag). */
export function childrenOf(node: DerNode, what: string): DerNode[] {
  if (!node.children) throw new DerError(`${what}: expected a constructed element`);
  return node.children;
}

/** Children of a SEQUENCE, checking the tag. */
export function sequenceOf(node: DerNode | undefined, what: string): DerNode[] {
  return childrenOf(expectTag(node, TAG.SEQUENCE, what), what);
}

/** INTEGER as bigint (two's complement); rejects non-minimal encodings as DER requires. */
export function readInteger(node: DerNode | undefined, what: string): bigint {
  const v = expectTag(node, TAG.INTEGER, what).value;
  if (v.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (v.length > 1 && ((v[0] === 0 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80))) {
    throw new DerError(`${what}: INTEGER is not minimally encoded`);
  }
  let n = BigInt('0x' + v.toString('hex'));
  if (v[0]! & 0x80) n -= 1n << BigInt(v.length * 8);
  return n;
}

/** INTEGER that must fit a JS number (versions, path lengths). */
export function readSmallInt(node: DerNode | undefined, what: string): number {
  const n = readInteger(node, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DerError(`${what}: INTEGER too large`);
  }
  return Number(n);
}

/** OBJECT IDENTIFIER in dotted form. */
export function readOid(node: DerNode | undefined, what: string): string {
  const v = expectTag(node, TAG.OID, what).value;
  if (v.length === 0 || v[v.length - 1]! & 0x80) throw new DerError(`${what}: malformed OID`);
  const arcs: bigint[] = [];
  let acc = 0n;
  let fresh = true;
  for (const b of v) {
    if (fresh && b === 0x80) throw new DerError(`${what}: non-minimal OID arc`);
    acc = (acc << 7n) | BigInt(b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

/** BOOLEAN; any non-zero content counts as TRUE (BER-tolerant, harmless when reading). */
export function readBoolean(node: DerNode | undefined, what: string): boolean {
  const v = expectTag(node, TAG.BOOLEAN, what).value;
  if (v.length !== 1) throw new DerError(`${what}: BOOLEAN must be one byte`);
  return v[0] !== 0;
}

/** BIT STRING content: the padding count and the bytes after it. */
export function readBitString(node: DerNode | undefined, what: string): { unusedBits: number; bytes: Buffer } {
  const v = expectTag(node, TAG.BIT_STRING, what).value;
  if (v.length === 0) throw new DerError(`${what}: empty BIT STRING`);
  const unusedBits = v[0]!;
  if (unusedBits > 7 || (v.length === 1 && unusedBits !== 0)) throw new DerError(`${what}: bad BIT STRING padding`);
  return { unusedBits, bytes: v.subarray(1) };
}

/** OCTET STRING content. */
export function readOctetString(node: DerNode | undefined, what: string): Buffer {
  return expectTag(node, TAG.OCTET_STRING, what).value;
}

function swapUtf16(b: Buffer): string {
  if (b.length % 2) throw new DerError('BMPString has odd length');
  return Buffer.from(b).swap16().toString('utf16le');
}

function ucs4(b: Buffer): string {
  if (b.length % 4) throw new DerError('UniversalString length not a multiple of 4');
  let s = '';
  for (let i = 0; i < b.length; i += 4) s += String.fromCodePoint(b.readUInt32BE(i));
  return s;
}

/** Any of the directory string types X.509 names use, decoded to a JS string. */
export function readString(node: DerNode | undefined, what: string): string {
  if (!node) throw new DerError(`${what}: missing element`);
  if (node.cls === 'universal') {
    switch (node.tag) {
      case TAG.UTF8_STRING:
        return node.value.toString('utf8');
      case TAG.PRINTABLE_STRING:
      case TAG.IA5_STRING:
      case TAG.T61_STRING: // Go decodes T61 as Latin-1; so do we.
        return node.value.toString('latin1');
      case TAG.BMP_STRING:
        return swapUtf16(node.value);
      case TAG.UNIVERSAL_STRING:
        return ucs4(node.value);
    }
  }
  throw new DerError(`${what}: unsupported string type (${node.cls} tag ${node.tag})`);
}

const UTC = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d*[1-9])?Z$/;

/** UTCTime or GeneralizedTime in the restricted forms RFC 5280 allows, as a Date. */
export function readTime(node: DerNode | undefined, what: string): Date {
  if (!node || node.cls !== 'universal') throw new DerError(`${what}: expected a Time`);
  const s = node.value.toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  let fraction = 0;
  if (node.tag === TAG.UTC_TIME && (m = UTC.exec(s))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy; // RFC 5280 §4.1.2.5.1
  } else if (node.tag === TAG.GENERALIZED_TIME && (m = GENERALIZED.exec(s))) {
    year = Number(m[1]);
    if (m[7]) fraction = Math.floor(Number(`0${m[7]}`) * 1000);
  } else {
    throw new DerError(`${what}: malformed time "${s}"`);
  }
  const [mo, d, h, mi, sec] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d);
  date.setUTCHours(h, mi, sec, fraction);
  // Date silently rolls 31 Feb into March; a round trip through the fields catches that.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== sec) {
    throw new DerError(`${what}: invalid date "${s}"`);
  }
  return date;
}
