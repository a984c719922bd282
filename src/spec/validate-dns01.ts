/**
 * `solvers[].dns01`: cnameStrategy and exactly one provider. rfc2136, route53 and webhook are
 * read in full; the other providers cert-manager has are checked for typos and marked unsupported.
 */
import { isMap } from 'yaml';
import { isIP } from 'node:net';
import { fail, readMap, readString, report, typeError } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { checkShape, SECRET_REF } from './shape.js';
import type { Shape } from './shape.js';
import { optSecretRef, reqName } from './validate-meta.js';
import { toPlainJson } from './plain-json.js';
import type { AcmeSolver, Dns01Provider, Rfc2136Config, Route53Config, WebhookConfig } from './types.js';

const UNSUPPORTED: Record<string, Shape> = {
  acmeDNS: { host: null, accountSecretRef: SECRET_REF },
  akamai: { serviceConsumerDomain: null, clientTokenSecretRef: SECRET_REF, clientSecretSecretRef: SECRET_REF, accessTokenSecretRef: SECRET_REF },
  azureDNS: {
    clientID: null,
    clientSecretSecretRef: SECRET_REF,
    subscriptionID: null,
    tenantID: null,
    resourceGroupName: null,
    hostedZoneName: null,
    environment: null,
    managedIdentity: { clientID: null, resourceID: null, tenantID: null },
    zoneType: null,
  },
  cloudDNS: { serviceAccountSecretRef: SECRET_REF, project: null, hostedZoneName: null },
  cloudflare: { email: null, apiKeySecretRef: SECRET_REF, apiTokenSecretRef: SECRET_REF },
  digitalocean: { tokenSecretRef: SECRET_REF },
};

const FIELDS: Record<string, readonly string[]> = {
  rfc2136: ['nameserver', 'tsigKeyName', 'tsigAlgorithm', 'tsigSecretSecretRef', 'protocol'],
  route53: ['region', 'hostedZoneID', 'accessKeyID', 'accessKeyIDSecretRef', 'secretAccessKeySecretRef', 'role', 'auth'],
  webhook: ['groupName', 'solverName', 'config'],
};

const PROVIDERS = [...Object.keys(FIELDS), ...Object.keys(UNSUPPORTED)];

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

function readRfc2136(cur: Cur, m: MapReader): Rfc2136Config {
  const nsCur = m.required('nameserver', 'a string');
  const ns = nsCur && readString(nsCur);
  let nameserver = ns ?? '';
  if (nsCur && ns !== undefined) {
    const r = normalizeNameserver(ns);
    if (r.ok) nameserver = r.value;
    else fail(nsCur, r.message, r.hint);
  }
  const out: Rfc2136Config = {
    kind: 'rfc2136',
    nameserver,
    tsigAlgorithm: m.enumOf('tsigAlgorithm', ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'] as const, true) ?? 'HMACMD5',
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

function readRoute53(cur: Cur, m: MapReader): Route53Config {
  const out: Route53Config = { kind: 'route53' };
  for (const f of ['region', 'hostedZoneID', 'accessKeyID', 'role'] as const) {
    const v = m.str(f);
    if (v) out[f] = v;
  }
  const idRef = optSecretRef(m, 'accessKeyIDSecretRef', { keyRequired: true });
  const secretRef = optSecretRef(m, 'secretAccessKeySecretRef', { keyRequired: true });
  if (idRef) out.accessKeyIDSecretRef = idRef;
  if (secretRef) out.secretAccessKeySecretRef = secretRef;
  const idRefCur = m.get('accessKeyIDSecretRef');
  if (out.accessKeyID && idRefCur) report(idRefCur, idRefCur.keyPos, 'accessKeyID and accessKeyIDSecretRef cannot both be specified');
  const hasId = !!out.accessKeyID || !!idRefCur;
  const secretCur = m.get('secretAccessKeySecretRef');
  // Half a static credential is always a mistake (the other half would come from the ambient chain).
  if (hasId && !secretCur) report({ ctx: cur.ctx, path: `${cur.path}.secretAccessKeySecretRef` }, cur.pos, 'required when an access key ID is set');
  if (!hasId && secretCur) report(secretCur, secretCur.keyPos, 'requires accessKeyID or accessKeyIDSecretRef');
  const auth = m.map('auth', ['kubernetes']);
  const k8s = auth?.reqMap('kubernetes', ['serviceAccountRef']);
  const sa = k8s?.reqMap('serviceAccountRef', ['name', 'audiences']);
  if (sa) out.serviceAccountRef = { name: reqName(sa, 'name') ?? '', audiences: sa.strList('audiences') ?? [] };
  return out;
}

function readWebhook(cur: Cur, m: MapReader): WebhookConfig {
  const groupName = m.reqStr('groupName') ?? '';
  const solverName = m.reqStr('solverName') ?? '';
  for (const [f, v] of [['groupName', groupName], ['solverName', solverName]] as const) {
    const c = m.get(f);
    if (c && v === '') fail(c, 'must not be empty');
  }
  const configCur = m.get('config');
  const out: WebhookConfig = { kind: 'webhook', groupName, solverName, config: {}, configPath: `${cur.path}.config`, configPos: configCur?.pos ?? cur.pos };
  if (configCur) {
    // Free-form (x-kubernetes-preserve-unknown-fields); copied as plain JSON for the hook to read.
    if (!isMap(configCur.node)) typeError(configCur, 'a mapping');
    else out.config = toPlainJson(configCur) as Record<string, unknown>;
  }
  return out;
}

/** Reads `dns01`; returns undefined when no provider could be read. */
export function readDns01(cur: Cur): AcmeSolver['dns01'] {
  const m = readMap(cur, ['cnameStrategy', ...PROVIDERS]);
  if (!m) return undefined;
  const cnameStrategy = m.enumOf('cnameStrategy', ['None', 'Follow'] as const) ?? 'None';
  const set = PROVIDERS.filter((p) => m.get(p));
  if (set.length === 0) {
    fail(cur, 'no DNS01 provider specified', 'set one of rfc2136, route53 or webhook');
    return undefined;
  }
  if (set.length > 1) fail(cur, 'may not specify more than one provider type', `found ${set.join(', ')}`);
  let provider: Dns01Provider | undefined;
  for (const name of set) {
    const pc = m.get(name) as Cur;
    let p: Dns01Provider | undefined;
    if (name in UNSUPPORTED) {
      checkShape(pc, UNSUPPORTED[name]);
      p = { kind: 'unsupported', name };
    } else {
      const pm = readMap(pc, FIELDS[name]);
      if (pm) p = name === 'rfc2136' ? readRfc2136(pc, pm) : name === 'route53' ? readRoute53(pc, pm) : readWebhook(pc, pm);
    }
    provider ??= p;
  }
  return provider && { cnameStrategy, provider };
}
