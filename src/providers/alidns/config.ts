/**
 * `dns01.webhook.config` of the AliDNS webhooks users already run with cert-manager, read as is:
 *
 * - `solverName: alidns-solver` (DEVmachine-fr): `accessTokenSecretRef` (the AccessKey ID),
 *   `secretKeySecretRef` (the AccessKey secret), `regionId`;
 * - `solverName: alidns` (pragkent): `accessKeySecretRef` (the AccessKey ID!),
 *   `secretKeySecretRef`, `region`; or wjiec's names under the same solverName: `accessKeyIdRef`,
 *   `accessKeySecretRef` (here the secret), alias `secretAccessKeyRef`. `accessKeyIdRef` tells
 *   the two apart, since both use `accessKeySecretRef` for different things.
 *
 * Both also take certctl's `securityTokenSecretRef` (STS) and `endpoint`. With no reference at all,
 * credentials come from ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY / ALICLOUD_SECURITY_TOKEN.
 */
import { isIPv4 } from 'node:net';
import { fail, readMap, report } from '../../spec/cursor.js';
import type { Cur, MapReader } from '../../spec/cursor.js';
import { optSecretRef } from '../../spec/validate-meta.js';
import type { SecretKeySelector } from '../../spec/types.js';
import type { ParseInput } from '../provider.js';

/** The webhook solver names this provider answers to (any groupName). */
export const ALIDNS_SOLVER_NAMES = ['alidns-solver', 'alidns'] as const;

/** The global API endpoint; it serves every region. */
export const DEFAULT_ENDPOINT = 'https://alidns.aliyuncs.com';

/** What the config says, with references resolved to selectors (not yet to values). */
export interface AliDnsSettings {
  accessKeyId?: SecretKeySelector;
  accessKeySecret?: SecretKeySelector;
  securityToken?: SecretKeySelector;
  /** Accepted for compatibility; the DNS API is global, so it does not pick the endpoint. */
  region?: string;
  /** Origin of the API, e.g. `https://alidns.aliyuncs.com`. */
  endpoint: string;
  /** The config's field names holding the AccessKey ID and secret, for messages. */
  fields: { id: string; secret: string };
  /** Where the config is, for messages about missing credentials. */
  configPath: string;
}

const FIELDS: Record<(typeof ALIDNS_SOLVER_NAMES)[number], string[]> = {
  'alidns-solver': ['accessTokenSecretRef', 'secretKeySecretRef', 'securityTokenSecretRef', 'regionId', 'endpoint'],
  alidns: ['accessKeySecretRef', 'secretKeySecretRef', 'accessKeyIdRef', 'secretAccessKeyRef', 'securityTokenSecretRef', 'region', 'endpoint'],
};

/** Why `value` is not a usable `endpoint`: an http(s) origin, plain http only to a loopback address (tests, local proxies). */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL (e.g. ${DEFAULT_ENDPOINT})`;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIPv4(host) && host.startsWith('127.')) || host === '::1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be an https:// URL (http:// only for a loopback address)';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) return `must be just scheme://host[:port], got ${JSON.stringify(value)}`;
  return undefined;
}

function ref(m: MapReader, field: string): SecretKeySelector | undefined {
  return optSecretRef(m, field, { keyRequired: true });
}

function readSettings(m: MapReader, solverName: string, configPath: string): AliDnsSettings {
  const securityToken = ref(m, 'securityTokenSecretRef');
  const endpointCur = m.get('endpoint');
  const endpointText = m.str('endpoint');
  let endpoint = DEFAULT_ENDPOINT;
  if (endpointCur && endpointText !== undefined) {
    const problem = endpointProblem(endpointText);
    if (problem) fail(endpointCur, problem);
    else endpoint = new URL(endpointText).origin;
  }
  if (solverName === 'alidns-solver') {
    return { accessKeyId: ref(m, 'accessTokenSecretRef'), accessKeySecret: ref(m, 'secretKeySecretRef'), securityToken, region: m.str('regionId'), endpoint, fields: { id: 'accessTokenSecretRef', secret: 'secretKeySecretRef' }, configPath };
  }
  const region = m.str('region');
  if (m.has('accessKeyIdRef')) {
    // wjiec's names: accessKeySecretRef is the secret here.
    const fields = { id: 'accessKeyIdRef', secret: 'accessKeySecretRef' };
    const pragkent = m.get('secretKeySecretRef');
    if (pragkent) fail(pragkent, "accessKeyIdRef (wjiec's webhook) and secretKeySecretRef (pragkent's) do not mix", 'use accessKeyIdRef + accessKeySecretRef');
    const both = m.get('secretAccessKeyRef');
    if (both && m.has('accessKeySecretRef')) fail(both, 'set accessKeySecretRef or secretAccessKeyRef, not both');
    const secret = ref(m, 'accessKeySecretRef') ?? ref(m, 'secretAccessKeyRef');
    return { accessKeyId: ref(m, 'accessKeyIdRef'), accessKeySecret: secret, securityToken, region, endpoint, fields, configPath };
  }
  const stray = m.get('secretAccessKeyRef');
  if (stray) fail(stray, "goes with accessKeyIdRef (wjiec's webhook)", "with accessKeySecretRef as the AccessKey ID (pragkent's), use secretKeySecretRef");
  return { accessKeyId: ref(m, 'accessKeySecretRef'), accessKeySecret: ref(m, 'secretKeySecretRef'), securityToken, region, endpoint, fields: { id: 'accessKeySecretRef', secret: 'secretKeySecretRef' }, configPath };
}

/**
 * Reads the webhook config for the solver name it was written for. With no reference at all the
 * credentials come from ALICLOUD_* in the environment; half a pair is an input error.
 */
export function parseAliDnsConfig(input: ParseInput): AliDnsSettings | undefined {
  const solverName = input.webhook?.solverName ?? 'alidns-solver';
  const fields = FIELDS[solverName as keyof typeof FIELDS];
  if (!fields) return undefined;
  const webhookCur = input.webhook?.cur as Cur;
  const configPath = input.cur?.path ?? `${webhookCur.path}.config`;
  if (!input.cur) return { endpoint: DEFAULT_ENDPOINT, fields: solverName === 'alidns-solver' ? { id: 'accessTokenSecretRef', secret: 'secretKeySecretRef' } : { id: 'accessKeySecretRef', secret: 'secretKeySecretRef' }, configPath };
  const m = readMap(input.cur, fields);
  if (!m) return undefined;
  const s = readSettings(m, solverName, configPath);
  if (Boolean(s.accessKeyId) !== Boolean(s.accessKeySecret)) {
    const missing = s.accessKeyId ? s.fields.secret : s.fields.id;
    report({ ctx: input.cur.ctx, path: `${configPath}.${missing}` }, input.cur.pos, 'required when the other half of the AccessKey is set', 'or remove both to use ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY from the environment');
  }
  if (s.securityToken && !s.accessKeyId) report({ ctx: input.cur.ctx, path: `${configPath}.securityTokenSecretRef` }, input.cur.pos, 'an STS token needs the AccessKey ID and secret it belongs to');
  return s;
}
