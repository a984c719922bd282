/**
 * RFC 2136 dynamic-update provider (cert-manager `rfc2136` solver): one UPDATE per change,
 * optionally TSIG-signed. Adding an RR that exists is a no-op on the server and deleting a
 * specific RR (class NONE) leaves the rest of the RRset alone, which gives the idempotence the
 * provider contract asks for without reading the zone first.
 */
import { isIP } from 'node:net';
import { CLASS, RCODE, describeRcode } from '../../dns/wire/constants.js';
import { createUpdate } from '../../dns/wire/message.js';
import { isSubdomain, normalizeName } from '../../dns/wire/name.js';
import { txtStrings } from '../../dns/wire/rdata.js';
import { exchange, formatEndpoint } from '../../dns/wire/transport.js';
import type { Endpoint } from '../../dns/wire/transport.js';
import { parseTsigAlgorithm } from '../../dns/wire/tsig.js';
import type { TsigKey } from '../../dns/wire/tsig.js';
import type { ResourceRecord } from '../../dns/wire/types.js';
import type { DnsProvider, TxtRecord } from '../provider.js';
import { TSIG_ALGORITHMS, tsigSecretProblem } from './config.js';
import type { Rfc2136Algorithm } from './config.js';

export type { Rfc2136Algorithm } from './config.js';

/** Options of {@link createRfc2136Provider}, mirroring cert-manager's `rfc2136` solver config. */
export interface Rfc2136Options {
  /** `host`, `host:port` or `[v6]:port`; port 53 by default. */
  nameserver: string;
  tsigKeyName?: string;
  /** Case-insensitive; default HMACMD5 as in cert-manager. */
  tsigAlgorithm?: Rfc2136Algorithm | (string & {});
  /** Base64 key material (the Secret value). */
  tsigSecret?: string;
  /** Default UDP (with TCP fallback on truncation). */
  protocol?: 'UDP' | 'TCP' | (string & {});
  /** Per-update deadline; default 10 s (cert-manager's DNSTimeout). */
  timeoutMs?: number;
  /** Clock for TSIG signing, ms since the epoch. */
  now?: () => number;
}

function fail(message: string, cause?: unknown): Error {
  return new Error(`rfc2136: ${message}`, cause === undefined ? undefined : { cause });
}

const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Validates and normalizes a nameserver address: `host` → port 53, `host:port`, `[v6]` and
 * `[v6]:port`. Bare IPv6 is rejected because `2001:db8::53` could also mean port 53.
 */
export function parseNameserver(s: string): Endpoint {
  const text = s.trim();
  if (text === '') throw fail('nameserver is empty');
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(\d*))?$/.exec(text);
    if (!m || isIP(m[1]) !== 6) throw fail(`nameserver "${s}" is not a valid [IPv6]:port address`);
    [, host, portText] = m;
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) throw fail(`nameserver "${s}" is ambiguous: write IPv6 addresses in brackets, e.g. [${text}]:53`);
    [host, portText] = text.split(':') as [string, string | undefined];
    if (isIP(host) !== 4 && !HOSTNAME.test(host)) throw fail(`nameserver "${s}" has an invalid host "${host}"`);
  }
  let port = 53;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw fail(`nameserver "${s}" has an invalid port "${portText}"`);
  }
  return { host, port };
}

function decodeSecret(secret: string): Buffer {
  const problem = tsigSecretProblem(secret);
  if (problem) throw fail(problem.replace('the TSIG secret', 'tsigSecret'));
  return Buffer.from(secret.replace(/\s+/g, ''), 'base64');
}

function tsigKey(o: Rfc2136Options): TsigKey | undefined {
  const keyName = o.tsigKeyName?.trim() ?? '';
  const secret = o.tsigSecret?.trim() ?? '';
  if (keyName === '' && secret === '') return undefined;
  if (keyName === '') throw fail('tsigSecret is set but tsigKeyName is empty');
  if (secret === '') throw fail(`tsigKeyName "${keyName}" is set but tsigSecret is empty`);
  const algName = (o.tsigAlgorithm ?? 'HMACMD5').trim().toUpperCase();
  if (!TSIG_ALGORITHMS.includes(algName as Rfc2136Algorithm)) {
    throw fail(`unsupported tsigAlgorithm "${o.tsigAlgorithm}"; use one of ${TSIG_ALGORITHMS.join(', ')}`);
  }
  const algorithm = parseTsigAlgorithm(algName);
  if (!algorithm) throw fail(`unsupported tsigAlgorithm "${o.tsigAlgorithm}"`);
  return { name: normalizeName(keyName), algorithm, secret: decodeSecret(secret) };
}

/** Creates the RFC 2136 provider; throws `rfc2136: …` errors for invalid configuration. */
export function createRfc2136Provider(o: Rfc2136Options): DnsProvider {
  const server = parseNameserver(o.nameserver);
  const key = tsigKey(o);
  const protocol = (o.protocol ?? 'UDP').trim().toUpperCase();
  if (protocol !== 'UDP' && protocol !== 'TCP') throw fail(`protocol must be UDP or TCP, got "${o.protocol}"`);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const where = formatEndpoint(server);

  async function update(action: 'add' | 'delete', record: TxtRecord, signal?: AbortSignal): Promise<void> {
    const fqdn = normalizeName(record.fqdn);
    const zone = normalizeName(record.zone);
    const what = `${action} TXT ${JSON.stringify(record.value)} at ${fqdn} (zone ${zone}) via ${where}`;
    if (!isSubdomain(fqdn, zone)) throw fail(`cannot ${what}: the name is not inside the zone`);
    const rr: ResourceRecord = {
      name: fqdn,
      // Class NONE with TTL 0 deletes exactly this RR (RFC 2136 §2.5.4), never the whole RRset.
      class: action === 'add' ? CLASS.IN : CLASS.NONE,
      ttl: action === 'add' ? record.ttl : 0,
      type: 'TXT',
      strings: txtStrings(record.value),
    };
    let reply;
    try {
      reply = await exchange(server, createUpdate(zone, [rr]), { timeoutMs, signal, tcp: protocol === 'TCP', tsig: key, now: o.now });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw fail(`cannot ${what}: ${(e as Error).message}`, e);
    }
    if (reply.rcode !== RCODE.NOERROR) throw fail(`cannot ${what}: ${describeRcode(reply.rcode)}`);
  }

  return {
    name: 'rfc2136',
    present: (record, signal) => update('add', record, signal),
    cleanUp: (record, signal) => update('delete', record, signal),
  };
}
