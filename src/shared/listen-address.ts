/**
 * `[ip]:port` as Go servers (lego's `--http.port`, cert-manager's `--acme-http01-solver-…`) and
 * certbot's `--http-01-address`/`--http-01-port` take it: `:80` is every interface, `127.0.0.1:80`
 * and `[::1]:80` one address. A bare `80` is accepted as `:80`.
 */
import { isIP } from 'node:net';

/** Where a server listens: `host` is an IP literal, absent for every interface. */
export interface ListenAddress {
  host?: string;
  port: number;
}

/** The address, or why the text is not one (a sentence without the text itself). */
export type ParsedListenAddress = { ok: true; address: ListenAddress } | { ok: false; message: string };

/** Reads `:80`, `80`, `0.0.0.0:80`, `[::1]:8080`; a host must be an IP literal (a name could resolve to several). */
export function parseListenAddress(text: string): ParsedListenAddress {
  const t = text.trim();
  let host: string | undefined;
  let portText: string;
  if (/^\d+$/.test(t)) portText = t;
  else {
    const m = /^\[([^\]]*)\]:(\d*)$/.exec(t) ?? /^([^:[\]]*):(\d*)$/.exec(t);
    if (!m) return { ok: false, message: 'expected [ip]:port, e.g. :80, 0.0.0.0:80, 127.0.0.1:8080 or [::]:80' };
    host = m[1] === '' ? undefined : m[1];
    portText = m[2]!;
  }
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: `the port must be 1 to 65535, got ${JSON.stringify(portText)}` };
  if (host !== undefined && isIP(host) === 0) return { ok: false, message: `${JSON.stringify(host)} is not an IP address (leave it out to listen on every interface: :${port})` };
  return { ok: true, address: host === undefined ? { port } : { host, port } };
}

/** `:80`, `127.0.0.1:80`, `[::1]:80`. */
export function formatListenAddress(a: ListenAddress): string {
  if (a.host === undefined) return `:${a.port}`;
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
