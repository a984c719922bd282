/**
 * IPv4/IPv6 text ↔ bytes for A and AAAA records, on the one parser certctl has (Go semantics,
 * strict, so a bad address fails at encode time).
 */
import { formatIp, parseIp } from '../../shared/ip.js';
import { DnsFormatError } from './errors.js';

/** Dotted-quad to 4 bytes. */
export function ipv4ToBytes(address: string): Buffer {
  const b = parseIp(address);
  if (!b || b.length !== 4) throw new DnsFormatError(`not an IPv4 address: "${address}"`);
  return b;
}

/** 4 bytes to dotted-quad. */
export function bytesToIpv4(b: Buffer): string {
  return formatIp(b);
}

/** Any valid IPv6 text form (with `::` and embedded IPv4) to 16 bytes. */
export function ipv6ToBytes(address: string): Buffer {
  const b = address.includes(':') ? parseIp(address) : undefined;
  if (!b || b.length !== 16) throw new DnsFormatError(`not an IPv6 address: "${address}"`);
  return b;
}

/** 16 bytes to RFC 5952 text; IPv4-mapped addresses keep their `::ffff:` prefix (this is AAAA data). */
export function bytesToIpv6(b: Buffer): string {
  const text = formatIp(b);
  return text.includes(':') ? text : `::ffff:${text}`;
}
