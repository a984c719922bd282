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
import { isIP } from 'node:net';
import type { SecretKeySelector, WebhookConfig } from '../../spec/types.js';

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
}

const FIELDS: Record<(typeof ALIDNS_SOLVER_NAMES)[number], string[]> = {
  'alidns-solver': ['accessTokenSecretRef', 'secretKeySecretRef', 'securityTokenSecretRef', 'regionId', 'endpoint'],
  alidns: ['accessKeySecretRef', 'secretKeySecretRef', 'accessKeyIdRef', 'secretAccessKeyRef', 'securityTokenSecretRef', 'region', 'endpoint'],
};

function fail(message: string): Error {
  return new Error(`alidns: ${message}`);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function selector(w: WebhookConfig, field: string): SecretKeySelector | undefined {
  const v = w.config[field];
  const path = `${w.configPath}.${field}`;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw fail(`${path}: expected a Secret reference {name, key}`);
  const { name, key, ...rest } = v as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw fail(`${path}.${extra}: unknown field (fields: name, key)`);
  if (typeof name !== 'string' || name === '') throw fail(`${path}.name: expected the name of a Secret`);
  if (typeof key !== 'string' || key === '') throw fail(`${path}.key: expected the key inside Secret ${name}`);
  return { name, key, pos: w.configPos, path };
}

function text(w: WebhookConfig, field: string): string | undefined {
  const v = w.config[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(`${w.configPath}.${field}: expected a string`);
  return v;
}

/** Checks `endpoint`: an http(s) origin; plain http only to a loopback address (tests, local proxies). */
export function parseEndpoint(value: string, path: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`${path}: ${JSON.stringify(value)} is not a URL (e.g. ${DEFAULT_ENDPOINT})`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw fail(`${path}: must be an https:// URL (http:// only for a loopback address)`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) throw fail(`${path}: must be just scheme://host[:port], got ${JSON.stringify(value)}`);
  return url.origin;
}

/** Validates the webhook config for `w.solverName`; every problem names `<configPath>.<field>`. */
export function parseAliDnsConfig(w: WebhookConfig): AliDnsSettings {
  const fields = FIELDS[w.solverName as keyof typeof FIELDS];
  if (!fields) throw fail(`solverName ${JSON.stringify(w.solverName)} is not an AliDNS solver (${ALIDNS_SOLVER_NAMES.join(', ')})`);
  for (const key of Object.keys(w.config)) {
    if (fields.includes(key)) continue;
    const near = fields.map((f) => [f, distance(key, f)] as const).sort((a, b) => a[1] - b[1])[0];
    const hint = near && near[1] <= 3 ? `; did you mean ${near[0]}?` : '';
    throw fail(`${w.configPath}.${key}: unknown field for solverName ${w.solverName} (fields: ${fields.join(', ')})${hint}`);
  }
  const securityToken = selector(w, 'securityTokenSecretRef');
  const endpointText = text(w, 'endpoint');
  const endpoint = endpointText === undefined ? DEFAULT_ENDPOINT : parseEndpoint(endpointText, `${w.configPath}.endpoint`);
  if (w.solverName === 'alidns-solver') {
    return { accessKeyId: selector(w, 'accessTokenSecretRef'), accessKeySecret: selector(w, 'secretKeySecretRef'), securityToken, region: text(w, 'regionId'), endpoint };
  }
  const region = text(w, 'region');
  if (w.config.accessKeyIdRef !== undefined) {
    // wjiec: accessKeySecretRef is the secret here.
    if (w.config.secretKeySecretRef !== undefined) throw fail(`${w.configPath}: accessKeyIdRef (wjiec's webhook) and secretKeySecretRef (pragkent's) do not mix; use accessKeyIdRef + accessKeySecretRef`);
    if (w.config.accessKeySecretRef !== undefined && w.config.secretAccessKeyRef !== undefined) throw fail(`${w.configPath}: set accessKeySecretRef or secretAccessKeyRef, not both`);
    const secret = selector(w, 'accessKeySecretRef') ?? selector(w, 'secretAccessKeyRef');
    return { accessKeyId: selector(w, 'accessKeyIdRef'), accessKeySecret: secret, securityToken, region, endpoint };
  }
  if (w.config.secretAccessKeyRef !== undefined) throw fail(`${w.configPath}.secretAccessKeyRef: goes with accessKeyIdRef (wjiec's webhook); with accessKeySecretRef as the AccessKey ID (pragkent's), use secretKeySecretRef`);
  return { accessKeyId: selector(w, 'accessKeySecretRef'), accessKeySecret: selector(w, 'secretKeySecretRef'), securityToken, region, endpoint };
}

/** The field names holding the AccessKey ID and secret for `w`'s shape, for messages. */
export function credentialFields(w: WebhookConfig): [string, string] {
  if (w.solverName === 'alidns-solver') return ['accessTokenSecretRef', 'secretKeySecretRef'];
  return w.config.accessKeyIdRef !== undefined ? ['accessKeyIdRef', 'accessKeySecretRef'] : ['accessKeySecretRef', 'secretKeySecretRef'];
}
