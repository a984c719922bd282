/**
 * The targets `certctl check` accepts: `host`, `host:port`, `[v6]:port`, a bare IPv6 address,
 * and URLs — `https://host/…` and the service schemes (`smtp://`, `imap://` … upgrade with
 * STARTTLS; `smtps://`, `imaps://` … speak TLS at once) — with each protocol's usual port.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { STARTTLS_DEFAULT_PORTS, STARTTLS_PROTOCOLS, type StartTlsProtocol } from './starttls/index.js';

/** One parsed target. */
export interface CheckTarget {
  /** As given on the command line (the label in reports and metrics). */
  input: string;
  /** Host name (A-label) or IP address to connect to. */
  host: string;
  port: number;
  /** The name sent as SNI and checked against the certificate; undefined for an IP address. */
  servername?: string;
  starttls?: StartTlsProtocol;
}

/** URL schemes with their port and whether they begin in plaintext (STARTTLS). */
const SCHEMES: Readonly<Record<string, { port: number; starttls?: StartTlsProtocol }>> = {
  https: { port: 443 },
  smtp: { port: 25, starttls: 'smtp' },
  submission: { port: 587, starttls: 'smtp' },
  smtps: { port: 465 },
  imap: { port: 143, starttls: 'imap' },
  imaps: { port: 993 },
  pop3: { port: 110, starttls: 'pop3' },
  pop3s: { port: 995 },
  ftp: { port: 21, starttls: 'ftp' },
  ftps: { port: 990 },
  ldap: { port: 389, starttls: 'ldap' },
  ldaps: { port: 636 },
  postgres: { port: 5432, starttls: 'postgres' },
  postgresql: { port: 5432, starttls: 'postgres' },
};

/** Options that apply to every target. */
export interface TargetDefaults {
  /** `--starttls`; a URL scheme overrides it. */
  starttls?: StartTlsProtocol;
  /** `--servername`: SNI and the name checked, instead of the host. */
  servername?: string;
}

/** Parses one target; throws an Error naming it when it is not a host, host:port or supported URL. */
export function parseTarget(input: string, defaults: TargetDefaults = {}): CheckTarget {
  const text = input.trim();
  if (text === '') throw new Error('empty target');
  let host: string;
  let portText: string | undefined;
  let starttls = defaults.starttls;
  let defaultPort = starttls ? STARTTLS_DEFAULT_PORTS[starttls] : 443;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    const known = SCHEMES[scheme[1]!.toLowerCase()];
    if (!known) throw new Error(`${input}: unsupported URL scheme ${scheme[1]} (use https, smtp, submission, smtps, imap, imaps, pop3, pop3s, ftp, ftps, ldap, ldaps or postgres)`);
    let url: URL;
    try {
      url = new URL(text.replace(/^[a-z][a-z0-9+.-]*:/i, 'https:'));
    } catch {
      throw new Error(`${input}: not a valid URL`);
    }
    if (url.username || url.password) throw new Error(`${input}: credentials in the URL are not accepted`);
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    portText = url.port || undefined;
    starttls = known.starttls;
    defaultPort = known.port;
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:/\s]+)(?::(\d+))?$/.exec(text);
    if (!m) throw new Error(`${input}: expected HOST, HOST:PORT, [IPv6]:PORT or a URL`);
    host = m[1]!;
    portText = m[2];
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${input}: port must be 1..65535`);
  if (isIP(host) === 0) {
    const ascii = domainToASCII(host.replace(/\.$/, ''));
    if (!ascii || !/^[a-z0-9.-]+$/i.test(ascii)) throw new Error(`${input}: ${JSON.stringify(host)} is not a valid host name`);
    host = ascii.toLowerCase();
  }
  const servername = defaults.servername ?? (isIP(host) ? undefined : host);
  return { input, host, port, ...(servername ? { servername } : {}), ...(starttls ? { starttls } : {}) };
}
