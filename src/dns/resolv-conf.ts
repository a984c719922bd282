/**
 * Reading /etc/resolv.conf, apart from the resolver: the CLI reads it for its settings on every
 * run, and a run with nothing due must not load the DNS wire code and sockets.
 */
import { isIP } from 'node:net';
import type { Endpoint } from './wire/transport.js';

/**
 * Nameservers from resolv.conf text (`nameserver <ip>` lines, port 53), in file order. Invalid
 * entries are skipped; an empty result means the caller must fall back (cert-manager uses
 * 8.8.8.8 and 8.8.4.4).
 */
export function parseResolvConf(text: string): Endpoint[] {
  const out: Endpoint[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const host = m[1];
    if (isIP(host.replace(/%.*$/, '')) === 0) continue;
    out.push({ host, port: 53 });
  }
  return out;
}
