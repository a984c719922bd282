/**
 * A fake Azure cloud on a free loopback port: Resource Manager's Azure DNS (`dnsZones`,
 * api-version 2018-05-01) and Private DNS (`privateDnsZones`, 2024-06-01) record set and zone
 * operations, with bearer tokens checked against those the identity endpoints issued
 * (azure-identity.ts), RBAC per principal with ARM's AuthorizationFailed answer, ETag
 * preconditions (If-Match / If-None-Match) answered 412, ARM error bodies, throttling with
 * Retry-After; plus the ARM metadata document for ARM_CLOUD_METADATA_URL, Azure AD's token
 * endpoint, IMDS and App Service's identity endpoint. Accepted changes are published to BIND
 * before the call returns.
 *
 *   const az = await startFakeAzure({ zones: [{ name: 'example.test' }], publisher: bindPublisher(bind) });
 *   // certctl: env az.env (ARM_CLOUD_METADATA_URL, AZURE_POD_IDENTITY_AUTHORITY_HOST), config az.servicePrincipal
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsPublisher } from './dns-publisher.js';
import { FakeAzureIdentity } from './azure-identity.js';
import type { FakeAzureApp, FakeAzureToken } from './azure-identity.js';

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const RESOURCE_GROUP = 'dns-rg';
export const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
/** The token audience of Resource Manager in the public cloud (and in this fake's metadata document). */
export const ARM_AUDIENCE = 'https://management.core.windows.net/';

type Kind = 'dnsZones' | 'privateDnsZones';

interface StoredSet {
  etag: string;
  properties: Record<string, unknown>;
}

/** A hosted zone. */
export interface FakeAzureZone {
  name: string;
  kind: Kind;
  subscription: string;
  resourceGroup: string;
  sets: Map<string, StoredSet>;
}

/** One recorded Resource Manager request. */
export interface FakeArmCall {
  action: 'Zones.Get' | 'RecordSets.Get' | 'RecordSets.CreateOrUpdate' | 'RecordSets.Delete';
  zone: string;
  relative?: string;
  principalId?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
  status: number;
}

export interface FakeAzureOptions {
  zones?: { name: string; private?: boolean; resourceGroup?: string }[];
  publisher?: DnsPublisher;
}

export interface FakeAzure {
  url: string;
  identity: FakeAzureIdentity;
  arm: FakeArmCall[];
  /** The default service principal (client secret) of tenant {@link TENANT}. */
  app: FakeAzureApp & { secret: string };
  /** ARM_CLOUD_METADATA_URL (pointing Resource Manager and Azure AD here) and AZURE_POD_IDENTITY_AUTHORITY_HOST (IMDS here). */
  env: Record<string, string>;
  /** IDENTITY_ENDPOINT / IDENTITY_HEADER of the App Service identity endpoint. */
  appServiceEnv(): Record<string, string>;
  zone(name: string, kind?: Kind): FakeAzureZone;
  addApp(o?: Partial<FakeAzureApp>): FakeAzureApp;
  /** Restricts a principal to these actions (`Microsoft.Network/dnszones/TXT/write`, …); unlisted principals may do everything. */
  grants: Map<string, string[]>;
  /** The next `times` requests of `action` fail with this ARM error. */
  failNext(action: FakeArmCall['action'], o: { status: number; code: string; message?: string; times?: number; retryAfter?: string }): void;
  /** Runs before a write is applied (lets a "concurrent writer" act between read and write). */
  beforeWrite?: (zone: string, relative: string) => void | Promise<void>;
  /** Logical TXT values at `fqdn`. */
  txt(fqdn: string): string[];
  /** The stored record set at `fqdn` (for TTL and metadata checks). */
  set(fqdn: string): StoredSet | undefined;
  /** Writes a foreign TXT value behind the API's back (and publishes it). */
  seedTxt(fqdn: string, value: string, o?: { metadata?: Record<string, string> }): Promise<void>;
  stop(): Promise<void>;
}

const API_VERSIONS: Record<Kind, string> = { dnsZones: '2018-05-01', privateDnsZones: '2024-06-01' };
const SHAPE: Record<Kind, { ttl: string; txt: string; permission: string; type: string }> = {
  dnsZones: { ttl: 'TTL', txt: 'TXTRecords', permission: 'Microsoft.Network/dnszones', type: 'Microsoft.Network/dnszones' },
  privateDnsZones: { ttl: 'ttl', txt: 'txtRecords', permission: 'Microsoft.Network/privateDnsZones', type: 'Microsoft.Network/privateDnsZones' },
};

class ArmFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Azure DNS answers some errors without the `error` wrapper. */
    readonly bare = false,
  ) {
    super(message);
  }
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAzure(opts: FakeAzureOptions = {}): Promise<FakeAzure> {
  const zones: FakeAzureZone[] = (opts.zones ?? []).map((z) => ({ name: z.name.toLowerCase(), kind: z.private ? 'privateDnsZones' : 'dnsZones', subscription: SUBSCRIPTION, resourceGroup: z.resourceGroup ?? RESOURCE_GROUP, sets: new Map() }));
  const identity = new FakeAzureIdentity(ARM_AUDIENCE);
  const arm: FakeArmCall[] = [];
  const grants = new Map<string, string[]>();
  const faults = new Map<string, { status: number; code: string; message: string; times: number; retryAfter?: string }>();
  let url = '';

  const fqdnOf = (z: FakeAzureZone, rel: string): string => (rel === '@' ? `${z.name}.` : `${rel}.${z.name}.`);
  const valuesOf = (z: FakeAzureZone, s: StoredSet): string[] => ((s.properties[SHAPE[z.kind].txt] as { value: string[] }[]) ?? []).map((r) => r.value.join(''));
  const publish = async (z: FakeAzureZone, rel: string): Promise<void> => {
    const s = z.sets.get(rel);
    await opts.publisher?.syncTxt(z.name, fqdnOf(z, rel), s ? valuesOf(z, s) : [], s ? Number(s.properties[SHAPE[z.kind].ttl]) : 60);
  };
  const locate = (fqdn: string): { z: FakeAzureZone; rel: string } => {
    const name = fqdn.replace(/\.$/, '').toLowerCase();
    const z = [...zones].sort((a, b) => b.name.length - a.name.length).find((x) => name === x.name || name.endsWith(`.${x.name}`));
    if (!z) throw new Error(`no zone holds ${fqdn}`);
    return { z, rel: name === z.name ? '@' : name.slice(0, -(z.name.length + 1)) };
  };
  const setJson = (z: FakeAzureZone, rel: string, s: StoredSet) => ({
    id: `/subscriptions/${z.subscription}/resourceGroups/${z.resourceGroup}/providers/${SHAPE[z.kind].type}/${z.name}/TXT/${rel}`,
    name: rel,
    type: `${SHAPE[z.kind].type}/TXT`,
    etag: s.etag,
    properties: { ...s.properties, fqdn: fqdnOf(z, rel), provisioningState: 'Succeeded' },
  });

  function authenticate(req: IncomingMessage): FakeAzureToken {
    const auth = req.headers.authorization;
    if (!auth) throw new ArmFailure(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const m = /^Bearer (.+)$/.exec(auth);
    const t = m ? identity.tokens.get(m[1]) : undefined;
    if (!t) throw new ArmFailure(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (t.expiresAt < Date.now()) throw new ArmFailure(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
    return t;
  }

  function authorize(t: FakeAzureToken, action: string, scope: string): void {
    const allowed = grants.get(t.principalId);
    if (!allowed || allowed.includes(action)) return;
    throw new ArmFailure(
      403,
      'AuthorizationFailed',
      `The client '${t.clientId}' with object id '${t.principalId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  async function handleArm(req: IncomingMessage, u: URL, body: string): Promise<{ status: number; json?: unknown }> {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/(dnsZones|privateDnsZones)\/([^/]+)(?:\/TXT\/([^/]+))?$/i.exec(u.pathname);
    if (!m) throw new ArmFailure(404, 'InvalidResourceType', `The resource type could not be found in the namespace for api version '${u.searchParams.get('api-version')}'.`);
    const [, sub, rg, kindRaw, zoneRaw, relRaw] = m;
    const kind = (kindRaw.toLowerCase() === 'dnszones' ? 'dnsZones' : 'privateDnsZones') as Kind;
    const zoneName = decodeURIComponent(zoneRaw).toLowerCase();
    const rel = relRaw === undefined ? undefined : decodeURIComponent(relRaw).toLowerCase();
    const action: FakeArmCall['action'] = rel === undefined ? 'Zones.Get' : req.method === 'GET' ? 'RecordSets.Get' : req.method === 'PUT' ? 'RecordSets.CreateOrUpdate' : 'RecordSets.Delete';
    const call: FakeArmCall = { action, zone: zoneName, relative: rel, ifMatch: req.headers['if-match'] as string | undefined, ifNoneMatch: req.headers['if-none-match'] as string | undefined, status: 0 };
    arm.push(call);
    try {
      const result = await armOperation(req, u, body, call, { sub, rg, kind, zoneName, rel, action });
      call.status = result.status;
      return result;
    } catch (err) {
      if (err instanceof ArmFailure) call.status = err.status;
      throw err;
    }
  }

  async function armOperation(
    req: IncomingMessage,
    u: URL,
    body: string,
    call: FakeArmCall,
    p: { sub: string; rg: string; kind: Kind; zoneName: string; rel: string | undefined; action: FakeArmCall['action'] },
  ): Promise<{ status: number; json?: unknown }> {
    const { sub, rg, kind, zoneName, rel, action } = p;
    const t = authenticate(req);
    call.principalId = t.principalId;
    if (u.searchParams.get('api-version') !== API_VERSIONS[kind]) {
      throw new ArmFailure(400, 'InvalidApiVersionParameter', `The api-version '${u.searchParams.get('api-version')}' is invalid. The supported versions are '${API_VERSIONS[kind]}'.`);
    }
    if (sub !== SUBSCRIPTION) throw new ArmFailure(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    if (!zones.some((z) => z.resourceGroup === rg)) throw new ArmFailure(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    const shape = SHAPE[kind];
    const scope = u.pathname;
    const permission = rel === undefined ? `${shape.permission}/read` : `${shape.permission}/TXT/${req.method === 'GET' ? 'read' : req.method === 'PUT' ? 'write' : 'delete'}`;
    authorize(t, permission, scope);
    const fault = faults.get(action);
    if (fault && fault.times-- > 0) throw new ArmFailure(fault.status, fault.code, fault.message, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    const z = zones.find((x) => x.name === zoneName && x.kind === kind && x.resourceGroup === rg);
    if (!z) throw new ArmFailure(404, rel === undefined ? 'ResourceNotFound' : 'ParentResourceNotFound', `The Resource '${shape.type}/${zoneName}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    if (rel === undefined) {
      return { status: 200, json: { id: scope, name: z.name, type: shape.type, location: 'global', etag: randomUUID(), properties: { numberOfRecordSets: z.sets.size + 2, zoneType: kind === 'dnsZones' ? 'Public' : undefined } } };
    }
    const current = z.sets.get(rel);
    const ifMatch = req.headers['if-match'] as string | undefined;
    const ifNoneMatch = req.headers['if-none-match'] as string | undefined;
    if (req.method === 'GET') {
      if (!current) throw new ArmFailure(404, 'NotFound', `The resource record '${rel}' does not exist in resource group '${rg}' of subscription '${sub}'.`, {}, true);
      return { status: 200, json: setJson(z, rel, current) };
    }
    await fake.beforeWrite?.(z.name, rel);
    const now = z.sets.get(rel);
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== now?.etag) {
      throw new ArmFailure(412, 'PreconditionFailed', `The condition '${ifMatch}' in the If-Match header was not satisfied. The current was '${now?.etag ?? 'n/a'}'.`, {}, true);
    }
    if (ifNoneMatch === '*' && now) throw new ArmFailure(412, 'PreconditionFailed', `The condition '*' in the If-None-Match header was not satisfied. The current was '${now.etag}'.`, {}, true);
    if (req.method === 'DELETE') {
      if (!now) return { status: 204 };
      z.sets.delete(rel);
      await publish(z, rel);
      return { status: 200 };
    }
    let parsed: { properties?: Record<string, unknown> };
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ArmFailure(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
    const props = { ...(parsed.properties ?? {}) };
    const ttl = props[shape.ttl];
    const records = props[shape.txt] as { value?: unknown }[] | undefined;
    if (typeof ttl !== 'number' || ttl < 0) throw new ArmFailure(400, 'BadRequest', `The value of property '${shape.ttl}' is invalid.`);
    if (!Array.isArray(records) || records.length === 0) throw new ArmFailure(400, 'BadRequest', 'The record set must have at least one record.');
    for (const r of records) {
      if (!Array.isArray(r.value) || r.value.length === 0 || r.value.some((v) => typeof v !== 'string' || Buffer.byteLength(v) > 1024)) throw new ArmFailure(400, 'BadRequest', 'The TXT record is invalid: each value must be a list of strings of at most 1024 characters.');
    }
    for (const k of ['fqdn', 'provisioningState']) if (k in props) throw new ArmFailure(400, 'BadRequest', `The property '${k}' is read-only.`);
    const stored: StoredSet = { etag: randomUUID(), properties: props };
    z.sets.set(rel, stored);
    await publish(z, rel);
    return { status: now ? 200 : 201, json: setJson(z, rel, stored) };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const body = await readBody(req);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { ...(json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), 'x-ms-request-id': randomUUID(), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    if (req.method === 'GET' && u.pathname === '/metadata/endpoints') {
      return reply(200, [
        { name: 'AzureCloud', portal: 'https://portal.azure.com', resourceManager: `${url}/`, authentication: { loginEndpoint: `${url}/`, audiences: [ARM_AUDIENCE, 'https://management.azure.com/'], tenant: 'common', identityProvider: 'AAD' }, suffixes: { storage: 'core.windows.net' } },
        { name: 'AzureChinaCloud', resourceManager: 'https://management.chinacloudapi.cn/', authentication: { loginEndpoint: 'https://login.chinacloudapi.cn/', audiences: ['https://management.core.chinacloudapi.cn/'], tenant: 'common', identityProvider: 'AAD' } },
      ]);
    }
    const aad = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(u.pathname);
    if (req.method === 'POST' && aad) {
      const a = identity.aadToken(decodeURIComponent(aad[1]), new URLSearchParams(body));
      return reply(a.status, a.json);
    }
    if (req.method === 'GET' && u.pathname === '/metadata/identity/oauth2/token') {
      const a = identity.imdsToken(u.searchParams, req.headers);
      return reply(a.status, a.json);
    }
    if (req.method === 'GET' && u.pathname === '/msi/token') {
      const a = identity.appServiceToken(u.searchParams, req.headers);
      return reply(a.status, a.json);
    }
    try {
      const a = await handleArm(req, u, body);
      reply(a.status, a.json);
    } catch (err) {
      if (!(err instanceof ArmFailure)) return reply(500, { error: { code: 'InternalServerError', message: (err as Error).message } });
      const payload = err.bare ? { code: err.code, message: err.message } : { error: { code: err.code, message: err.message } };
      reply(err.status, payload, err.headers);
    }
  }

  const server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const addApp = (o: Partial<FakeAzureApp> = {}): FakeAzureApp => {
    const app: FakeAzureApp = { clientId: randomUUID(), tenantId: TENANT, principalId: randomUUID(), ...o };
    identity.apps.push(app);
    return app;
  };
  const app = addApp({ secret: `Abc8Q~${randomUUID().replace(/-/g, '')}` }) as FakeAzureApp & { secret: string };
  const fake: FakeAzure = {
    url,
    identity,
    arm,
    app,
    env: { ARM_CLOUD_METADATA_URL: `${url}/metadata/endpoints?api-version=2022-09-01`, AZURE_POD_IDENTITY_AUTHORITY_HOST: url },
    appServiceEnv: () => ({ IDENTITY_ENDPOINT: `${url}/msi/token`, IDENTITY_HEADER: identity.identityHeader }),
    zone: (name, kind = 'dnsZones') => {
      const z = zones.find((x) => x.name === name.replace(/\.$/, '').toLowerCase() && x.kind === kind);
      if (!z) throw new Error(`no zone ${name}`);
      return z;
    },
    addApp,
    grants,
    failNext: (action, o) => faults.set(action, { status: o.status, code: o.code, message: o.message ?? `${o.code} (injected)`, times: o.times ?? 1, retryAfter: o.retryAfter }),
    txt(fqdn) {
      const { z, rel } = locate(fqdn);
      const s = z.sets.get(rel);
      return s ? valuesOf(z, s) : [];
    },
    set(fqdn) {
      const { z, rel } = locate(fqdn);
      return z.sets.get(rel);
    },
    async seedTxt(fqdn, value, o = {}) {
      const { z, rel } = locate(fqdn);
      const shape = SHAPE[z.kind];
      const cur = z.sets.get(rel);
      const records = [...((cur?.properties[shape.txt] as { value: string[] }[]) ?? []), { value: [value] }];
      z.sets.set(rel, { etag: randomUUID(), properties: { ...(cur?.properties ?? { [shape.ttl]: 300 }), ...(o.metadata ? { metadata: o.metadata } : {}), [shape.txt]: records } });
      await publish(z, rel);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
