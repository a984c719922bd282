/**
 * IP address text ⇄ bytes with Go's semantics, because cert-manager validates `ipAddresses`
 * with `net.ParseIP` and writes the `ip-sans` annotation with `ip.String()`.
 */

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Go ≥ 1.17 rejects leading zeros (they used to mean octal to some parsers).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string, last: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (last && i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return undefined;
        out.push(...v4);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        const n = parseInt(item, 16);
        out.push(n >> 8, n & 0xff);
      }
    }
    return out;
  };
  const head = groups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 16 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 2) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * Parses an IPv4 or IPv6 address (no zone, no CIDR, no brackets) like Go's `net.ParseIP`.
 * Returns 4 bytes for IPv4 text and 16 for IPv6 text, or undefined if invalid.
 */
export function parseIp(text: string): Buffer | undefined {
  const bytes = text.includes(':') ? parseIPv6(text) : parseIPv4(text);
  return bytes ? Buffer.from(bytes) : undefined;
}

function isV4Mapped(b: Buffer): boolean {
  return b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/**
 * Bytes for an iPAddress SAN. Like Go's x509 (`ip.To4()`), an IPv4-mapped IPv6 address such as
 * `::ffff:10.0.0.1` is written as 4 bytes. Throws on invalid text.
 */
export function ipToSanBytes(text: string): Buffer {
  const b = parseIp(text);
  if (!b) throw new Error(`invalid IP address "${text}"`);
  return isV4Mapped(b) ? b.subarray(12) : b;
}

/**
 * Text form of 4 or 16 address bytes exactly like Go's `net.IP.String()`: dotted quad for IPv4
 * and IPv4-mapped IPv6, otherwise RFC 5952 (lowercase, longest zero run of ≥ 2 groups → `::`).
 */
export function formatIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) throw new Error(`IP address must be 4 or 16 bytes, got ${b.length}`);
  if (isV4Mapped(b)) return [...b.subarray(12)].join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
