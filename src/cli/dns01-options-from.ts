import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEFAULT_DNS01_OPTIONS, type Dns01Options } from '../dns/dns01-options.js';
import { parseResolvConf } from '../dns/resolver.js';
import type { Endpoint } from '../dns/wire/transport.js';
import { parseGoDuration } from '../spec/duration.js';
import type { Dns01Flags } from './dns01-flags.js';
import { ExitCode, ExitError } from './exit-codes.js';

function duration(flag: string, text: string): number {
  const d = parseGoDuration(text);
  if (!d.ok || d.ms <= 0) throw new ExitError(ExitCode.InvalidInput, `${flag}: ${d.ok ? 'must be positive' : d.message} (got ${JSON.stringify(text)}; e.g. 90s, 5m)`);
  return d.ms;
}

function endpoint(text: string): Endpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const host = m?.[1];
  const port = m?.[2] ? Number(m[2]) : 53;
  if (!host || isIP(host) === 0 || !(port > 0 && port < 65536)) {
    throw new ExitError(ExitCode.InvalidInput, `--dns01-recursive-nameservers: ${JSON.stringify(text)} is not ip[:port] (IPv6 as [addr]:port)`);
  }
  return { host, port };
}

/** Resolves the flags (and /etc/resolv.conf when no servers are given) into DNS-01 options. */
export function dns01OptionsFrom(flags: Dns01Flags): Dns01Options {
  let servers: Endpoint[];
  if (flags.dns01RecursiveNameservers) {
    servers = flags.dns01RecursiveNameservers.split(',').map((s) => endpoint(s.trim()));
  } else {
    let text = '';
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // no resolv.conf (some containers): fall through to the public default below
    }
    servers = parseResolvConf(text);
    if (servers.length === 0) servers = [{ host: '8.8.8.8', port: 53 }, { host: '8.8.4.4', port: 53 }];
  }
  const port = Number(flags.dns01NameserverPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ExitError(ExitCode.InvalidInput, `--dns01-nameserver-port: not a port: ${flags.dns01NameserverPort}`);
  return {
    ...DEFAULT_DNS01_OPTIONS,
    recursiveNameservers: servers,
    recursiveOnly: Boolean(flags.dns01RecursiveNameserversOnly),
    propagationTimeoutMs: duration('--dns01-propagation-timeout', flags.dns01PropagationTimeout),
    pollIntervalMs: duration('--dns01-check-retry-period', flags.dns01CheckRetryPeriod),
    authoritativePort: port,
  };
}
