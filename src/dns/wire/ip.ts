/**
 * IPv4/IPv6 text ↔ bytes for A and AAAA records. Node has no public helper for this and we
 * avoid dependencies; the parser is strict so a bad address fails at encode time.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { DnsFormatError } from './errors.js';

/** Dotted-quad to 4 bytes. */
export function ipv4ToBytes(address: string): Buffer {
  if (!isIPv4(address)) throw new DnsFormatError(`not an IPv4 address: "${address}"`);
  return Buffer.from(address.split('.').map(Number));
}

/** 4 bytes to dotted-quad. */
export function bytesToIpv4(b: Buffer): string {
  return Array.from(b).join('.');
}

/** Any valid IPv6 text form (with `::` and embedded IPv4) to 16 bytes. */
export function ipv6ToBytes(address: string): Buffer {
  if (!isIPv6(address)) throw new DnsFormatError(`not an IPv6 address: "${address}"`);
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // Embedded IPv4 (e.g. ::ffff:192.0.2.1) is rewritten as the last two hex groups.
    const v4 = ipv4ToBytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = parse(head);
  const right = parse(rest ?? '');
  const groups = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (groups.length !== 8) throw new DnsFormatError(`not an IPv6 address: "${address}"`);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** 16 bytes to RFC 5952 canonical text (lower-case, longest zero run as `::`). */
export function bytesToIpv6(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
