/**
 * Flags and environment turned into typed settings, once, before anything runs. Every problem is
 * a usage error (exit 2) naming the flag.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_DNS01_OPTIONS, type Dns01Options } from '../dns/dns01-options.js';
import { DEFAULT_HTTP01_OPTIONS, type Http01Options } from '../issuers/acme/http01/http01-options.js';
import { parseListenAddress } from '../shared/listen-address.js';
import type { Http01Method } from '../spec/types.js';
import { parseResolvConf } from '../dns/resolv-conf.js';
import type { Endpoint } from '../dns/wire/transport.js';
import { parseGoDuration } from '../spec/duration.js';
import { parseLabelSelector, type LabelSelector } from '../spec/label-selector.js';
import { MAX_TIMER_MS } from '../shared/sleep.js';
import { usage } from './exit-codes.js';
import type { CommonFlags, Dns01Flags, Http01Flags } from './options.js';

/** A Go duration flag, in milliseconds, capped at what a timer can hold (about 24.8 days). */
export function durationFlag(flag: string, text: string, opts: { allowZero?: boolean } = {}): number {
  const d = parseGoDuration(text.trim());
  if (!d.ok) throw usage(`${flag}: ${d.message} (got ${JSON.stringify(text)}; e.g. 90s, 5m, 2h)`);
  if (d.ms < 0 || (!opts.allowZero && d.ms === 0)) throw usage(`${flag}: must be ${opts.allowZero ? 'zero or more' : 'positive'} (got ${JSON.stringify(text)})`);
  return Math.min(d.ms, MAX_TIMER_MS);
}

export function concurrencyFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw usage(`--concurrency: expected 1..64, got ${text}`);
  return n;
}

/** `-f`, or CERTCTL_FILENAME (comma-separated) when no -f is given. */
export function inputPaths(flags: CommonFlags, env: Record<string, string | undefined>): string[] {
  if (flags.filename && flags.filename.length > 0) return flags.filename;
  const fromEnv = env.CERTCTL_FILENAME?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  if (fromEnv.length > 0) return fromEnv;
  throw usage("required option '-f, --filename <path...>' not specified (or set CERTCTL_FILENAME)");
}

export function selectorFlag(text: string | undefined): LabelSelector | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseLabelSelector(text);
  } catch (err) {
    throw usage(`--selector: ${(err as Error).message}`);
  }
}

/** A DNS-1123 label, as Kubernetes requires of namespace names. */
export function namespaceFlag(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text) || text.length > 63) {
    throw usage(`${flag}: ${JSON.stringify(text)} is not a valid namespace name (lower-case letters, digits and "-", at most 63 characters)`);
  }
  return text;
}

function endpoint(text: string): Endpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const host = m?.[1];
  const port = m?.[2] ? Number(m[2]) : 53;
  if (!host || isIP(host) === 0 || !(port > 0 && port < 65536)) {
    throw usage(`--dns01-recursive-nameservers: ${JSON.stringify(text)} is not ip[:port] (IPv6 as [addr]:port)`);
  }
  return { host, port };
}

/**
 * The `--http01-*` flags: a webroot (relative to the working directory, as certbot's -w), or the
 * standalone server's address (`--http01-listen` alone implies `--http01-standalone`).
 */
export function http01OptionsFrom(flags: Partial<Http01Flags>): Http01Options {
  let method: Http01Method | undefined;
  if (flags.http01Webroot !== undefined) {
    if (flags.http01Standalone || flags.http01Listen !== undefined) throw usage('--http01-webroot and --http01-standalone/--http01-listen exclude each other');
    if (flags.http01Webroot.trim() === '') throw usage('--http01-webroot: must not be empty');
    method = { kind: 'webroot', dir: resolve(flags.http01Webroot) };
  } else if (flags.http01Standalone || flags.http01Listen !== undefined) {
    const r = parseListenAddress(flags.http01Listen ?? ':80');
    if (!r.ok) throw usage(`--http01-listen: ${JSON.stringify(flags.http01Listen)}: ${r.message}`);
    method = { kind: 'standalone', listen: r.address };
  }
  const port = Number(flags.http01SelfCheckPort ?? '80');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usage(`--http01-self-check-port: not a port: ${flags.http01SelfCheckPort}`);
  return {
    ...DEFAULT_HTTP01_OPTIONS,
    ...(method ? { method } : {}),
    selfCheck: !flags.http01SkipSelfCheck,
    selfCheckTimeoutMs: flags.http01SelfCheckTimeout === undefined ? DEFAULT_HTTP01_OPTIONS.selfCheckTimeoutMs : durationFlag('--http01-self-check-timeout', flags.http01SelfCheckTimeout),
    selfCheckPort: port,
  };
}

/** Resolves the DNS-01 flags (and /etc/resolv.conf when no servers are given) into DNS-01 options. */
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
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usage(`--dns01-nameserver-port: not a port: ${flags.dns01NameserverPort}`);
  return {
    ...DEFAULT_DNS01_OPTIONS,
    recursiveNameservers: servers,
    recursiveOnly: Boolean(flags.dns01RecursiveNameserversOnly),
    propagationTimeoutMs: durationFlag('--dns01-propagation-timeout', flags.dns01PropagationTimeout),
    pollIntervalMs: durationFlag('--dns01-check-retry-period', flags.dns01CheckRetryPeriod),
    authoritativePort: port,
  };
}
