/**
 * cert-manager's `dns01.rfc2136` block: nameserver, TSIG key name, algorithm and secret, protocol.
 * Read at load time, with cert-manager's webhook rules and certctl's extra checks.
 */
import { isIP } from 'node:net';
import { fail, report, readString } from '../../spec/cursor.js';
import type { MapReader } from '../../spec/cursor.js';
import { readMap } from '../../spec/cursor.js';
import { optSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

export type Rfc2136Algorithm = 'HMACMD5' | 'HMACSHA1' | 'HMACSHA256' | 'HMACSHA512';
export const TSIG_ALGORITHMS: readonly Rfc2136Algorithm[] = ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'];

export interface Rfc2136Config {
  /** `host:port`, IPv6 in brackets. */
  nameserver: string;
  tsigKeyName?: string;
  tsigAlgorithm: Rfc2136Algorithm;
  tsigSecretSecretRef?: SecretKeySelector;
  protocol: 'UDP' | 'TCP';
}

const FIELDS = ['nameserver', 'tsigKeyName', 'tsigAlgorithm', 'tsigSecretSecretRef', 'protocol'];
const HOSTNAME = /^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*\.?$/i;

/**
 * cert-manager's `ValidNameserver`: `host`, `host:port`, `[v6]` or `[v6]:port`, port default 53.
 * Returned as `host:port` (IPv6 in brackets). A bare IPv6 address is ambiguous and rejected.
 */
export function normalizeNameserver(raw: string): { ok: true; value: string } | { ok: false; message: string; hint?: string } {
  const text = raw.trim();
  const bad = (why: string, hint?: string) => ({ ok: false as const, message: `invalid nameserver ${JSON.stringify(raw.slice(0, 80))}: ${why}`, hint });
  if (text === '') return bad('must not be empty');
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (v6) {
    [host, port] = [v6[1], v6[2] ?? ''];
    if (isIP(host) !== 6) return bad('not an IPv6 address in brackets');
  } else if (text.split(':').length > 2) {
    return bad('an IPv6 address must be in brackets', `write [${text}]:53`);
  } else {
    [host, port] = text.split(':').concat('') as [string, string];
    if (host === '') return bad('no host');
    if (isIP(host) !== 4 && !HOSTNAME.test(host)) return bad('not a host name or IP address');
  }
  port ||= '53';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return bad('the port must be a number from 1 to 65535');
  return { ok: true, value: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

/** Why a TSIG secret cannot be used, or undefined when it is valid base64 key material. */
export function tsigSecretProblem(secret: string): string | undefined {
  const compact = secret.replace(/\s+/g, '');
  if (compact === '') return 'the TSIG secret is empty';
  // Buffer.from(…, 'base64') silently skips junk; a mangled key must fail before anything is ordered.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return 'the TSIG secret is not valid base64';
  return undefined;
}

function read(m: MapReader): Rfc2136Config {
  const cur = m.cur;
  const nsCur = m.required('nameserver', 'a string');
  const ns = nsCur && readString(nsCur);
  let nameserver = ns ?? '';
  if (nsCur && ns !== undefined) {
    const r = normalizeNameserver(ns);
    if (r.ok) nameserver = r.value;
    else fail(nsCur, r.message, r.hint);
  }
  const out: Rfc2136Config = {
    nameserver,
    tsigAlgorithm: m.enumOf('tsigAlgorithm', TSIG_ALGORITHMS, true) ?? 'HMACMD5',
    protocol: m.enumOf('protocol', ['UDP', 'TCP'] as const) ?? 'UDP',
  };
  const keyName = m.str('tsigKeyName');
  const ref = optSecretRef(m, 'tsigSecretSecretRef', { keyRequired: true });
  const need = (field: string, why: string) => report({ ctx: cur.ctx, path: `${cur.path}.${field}` }, cur.pos, `required when ${why}`);
  if (keyName && !m.get('tsigSecretSecretRef')) need('tsigSecretSecretRef', 'tsigKeyName is set');
  if (!keyName && m.get('tsigSecretSecretRef')) need('tsigKeyName', 'tsigSecretSecretRef is set');
  if (keyName) out.tsigKeyName = keyName;
  if (ref) out.tsigSecretSecretRef = ref;
  return out;
}

/** Reads `dns01.rfc2136`. */
export function parseRfc2136(input: ParseInput): Rfc2136Config | undefined {
  const m = input.cur && readMap(input.cur, FIELDS);
  return m && read(m);
}
