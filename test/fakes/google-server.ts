/**
 * A fake Google cloud on a free loopback port: Cloud DNS API v1 (managedZones.list with dnsName
 * filter and pageToken paging, resourceRecordSets.list, changes.create with exact-match deletions
 * (412 conditionNotMet) and colliding additions (409 alreadyExists), changes.get with changes
 * pending for a while — Cloud DNS is eventually consistent, and BIND only sees a change once it is
 * done), bearer tokens, scopes and IAM permissions checked, Google error bodies, throttling; plus
 * the token endpoints of google-identity.ts (OAuth 2.0, STS, IAM Credentials, metadata server).
 *
 *   const g = await startFakeGoogle({ zones: [{ name: 'example-test', dnsName: 'example.test.' }], publisher: bindPublisher(bind) });
 *   // certctl: env g.env (CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS, GCE_METADATA_HOST), key JSON g.keyJson()
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsPublisher } from './dns-publisher.js';
import { CLOUD_PLATFORM, DNS_SCOPE, FakeGoogleIdentity } from './google-identity.js';
import type { FakeServiceAccount } from './google-identity.js';

export const PROJECT = 'certctl-test';

export interface FakeRRSet {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export interface FakeManagedZone {
  name: string;
  dnsName: string;
  visibility: 'public' | 'private';
  project: string;
  rrsets: Map<string, FakeRRSet>;
  changes: Map<string, { status: 'pending' | 'done'; names: string[] }>;
}

export type FakeDnsMethod = 'managedZones.list' | 'resourceRecordSets.list' | 'changes.create' | 'changes.get';

export interface FakeGoogleCall {
  method: FakeDnsMethod;
  zone?: string;
  principal?: string;
  quotaProject?: string;
  status: number;
}

export interface FakeGoogleOptions {
  zones?: { name: string; dnsName: string; visibility?: 'public' | 'private'; project?: string }[];
  publisher?: DnsPublisher;
  /** Changes stay pending this long before they are done and published (default 0: done at once). */
  pendingMs?: number;
  /** managedZones.list page size (default 50). */
  pageSize?: number;
}

export interface FakeGoogle {
  url: string;
  identity: FakeGoogleIdentity;
  calls: FakeGoogleCall[];
  /** A service account with a key, allowed everything. */
  sa: FakeServiceAccount;
  /** Its key JSON, `token_uri` pointing here. */
  keyJson(sa?: FakeServiceAccount): string;
  /** CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS and GCE_METADATA_HOST pointing here. */
  env: Record<string, string>;
  zone(name: string): FakeManagedZone;
  /** Restricts a principal (`serviceAccount:…`) to these permissions; unlisted principals may do everything. */
  grants: Map<string, string[]>;
  pendingMs: number;
  failNext(method: FakeDnsMethod, o: { status: number; reason: string; message?: string; times?: number; retryAfter?: string }): void;
  /** Runs before a change is applied (lets a "concurrent writer" act between read and write). */
  beforeChange?: (zone: string) => void | Promise<void>;
  /** When set, `/latest/…` answers as an EC2 instance metadata service (IMDSv2 token required), for AWS-sourced federation. */
  awsImds?: { availabilityZone: string; role: string; keys: { AccessKeyId: string; SecretAccessKey: string; Token?: string } };
  /** Logical TXT values at `fqdn`. */
  txt(fqdn: string): string[];
  rrset(fqdn: string): FakeRRSet | undefined;
  /** Writes a foreign TXT value behind the API's back (and publishes it). */
  seedTxt(fqdn: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

/** Reads DNS presentation format (`"a b" c "\\"q\\""`) into character-strings, independently of certctl's code. */
export function presentationStrings(rdata: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rdata.length) {
    if (rdata[i] === ' ' || rdata[i] === '\t') {
      i++;
      continue;
    }
    let s = '';
    const quoted = rdata[i] === '"';
    if (quoted) i++;
    while (i < rdata.length && (quoted ? rdata[i] !== '"' : rdata[i] !== ' ')) {
      if (rdata[i] === '\\' && /^\d{3}$/.test(rdata.slice(i + 1, i + 4))) {
        s += String.fromCharCode(Number(rdata.slice(i + 1, i + 4)));
        i += 4;
      } else if (rdata[i] === '\\') {
        s += rdata[i + 1] ?? '';
        i += 2;
      } else {
        s += rdata[i++];
      }
    }
    if (quoted) {
      if (rdata[i] !== '"') throw new Error('unterminated quoted string');
      i++;
    }
    out.push(s);
  }
  return out;
}

class GoogleFailure extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
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

const sameSet = (a: FakeRRSet, b: Partial<FakeRRSet>): boolean =>
  a.name === b.name && a.type === b.type && a.ttl === b.ttl && JSON.stringify([...a.rrdatas].sort()) === JSON.stringify([...(b.rrdatas ?? [])].sort());

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const zones: FakeManagedZone[] = (opts.zones ?? []).map((z) => ({ name: z.name, dnsName: z.dnsName.toLowerCase(), visibility: z.visibility ?? 'public', project: z.project ?? PROJECT, rrsets: new Map(), changes: new Map() }));
  const identity = new FakeGoogleIdentity();
  const calls: FakeGoogleCall[] = [];
  const grants = new Map<string, string[]>();
  const faults = new Map<FakeDnsMethod, { status: number; reason: string; message: string; times: number; retryAfter?: string }>();
  let url = '';
  let nextChange = 1;

  const values = (s: FakeRRSet | undefined): string[] => (s?.rrdatas ?? []).map((r) => presentationStrings(r).join(''));
  const publish = async (z: FakeManagedZone, name: string): Promise<void> => {
    const s = z.rrsets.get(`${name}|TXT`);
    await opts.publisher?.syncTxt(z.dnsName, name, values(s), s?.ttl ?? 300);
  };
  const complete = async (z: FakeManagedZone, id: string): Promise<void> => {
    const c = z.changes.get(id);
    if (!c || c.status === 'done') return;
    c.status = 'done';
    for (const n of c.names) await publish(z, n);
  };
  const locate = (fqdn: string): FakeManagedZone => {
    const name = fqdn.toLowerCase().endsWith('.') ? fqdn.toLowerCase() : `${fqdn.toLowerCase()}.`;
    const z = [...zones].sort((a, b) => b.dnsName.length - a.dnsName.length).find((x) => name === x.dnsName || name.endsWith(`.${x.dnsName}`));
    if (!z) throw new Error(`no zone holds ${fqdn}`);
    return z;
  };
  const permit = (principal: string, permissions: string[]): void => {
    const allowed = grants.get(principal);
    if (allowed && !permissions.every((p) => allowed.includes(p))) throw new GoogleFailure(403, 'forbidden', 'Forbidden');
  };

  async function dnsApi(req: IncomingMessage, u: URL, body: string): Promise<unknown> {
    const m = /^\/dns\/v1\/projects\/([^/]+)\/managedZones(?:\/([^/]+)\/(rrsets|changes)(?:\/([^/]+))?)?$/.exec(u.pathname);
    if (!m) throw new GoogleFailure(404, 'notFound', `Not Found: ${u.pathname}`);
    const [, project, zoneName, collection, changeId] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
    const method: FakeDnsMethod = !zoneName ? 'managedZones.list' : collection === 'rrsets' ? 'resourceRecordSets.list' : req.method === 'POST' ? 'changes.create' : 'changes.get';
    const call: FakeGoogleCall = { method, zone: zoneName, quotaProject: req.headers['x-goog-user-project'] as string | undefined, status: 0 };
    calls.push(call);
    try {
      const t = identity.bearer(req.headers.authorization);
      if (!t) throw new GoogleFailure(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      call.principal = t.principal;
      if (!t.scopes.includes(DNS_SCOPE) && !t.scopes.includes(CLOUD_PLATFORM)) throw new GoogleFailure(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      const fault = faults.get(method);
      if (fault && fault.times-- > 0) throw new GoogleFailure(fault.status, fault.reason, fault.message, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
      if (project !== PROJECT) throw new GoogleFailure(404, 'notFound', `The 'parameters.project' resource named '${project}' does not exist.`);
      const result = await dnsOperation(req, u, body, t.principal, { project, zoneName, method, changeId });
      call.status = 200;
      return result;
    } catch (err) {
      if (err instanceof GoogleFailure) call.status = err.status;
      throw err;
    }
  }

  async function dnsOperation(req: IncomingMessage, u: URL, body: string, principal: string, p: { project: string; zoneName?: string; method: FakeDnsMethod; changeId?: string }): Promise<unknown> {
    if (p.method === 'managedZones.list') {
      permit(principal, ['dns.managedZones.list']);
      const filter = u.searchParams.get('dnsName')?.toLowerCase();
      const all = zones.filter((z) => z.project === p.project && (!filter || z.dnsName === filter));
      const size = opts.pageSize ?? 50;
      const start = Number(u.searchParams.get('pageToken') ?? 0);
      const page = all.slice(start, start + size).map((z) => ({ kind: 'dns#managedZone', name: z.name, dnsName: z.dnsName, visibility: z.visibility, id: String(1000 + zones.indexOf(z)), nameServers: ['ns-cloud-a1.googledomains.com.'] }));
      return { kind: 'dns#managedZonesListResponse', managedZones: page, ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) };
    }
    const z = zones.find((x) => x.name === p.zoneName && x.project === p.project);
    if (!z) throw new GoogleFailure(404, 'notFound', `The 'parameters.managedZone' resource named '${p.zoneName}' does not exist.`);
    if (p.method === 'resourceRecordSets.list') {
      permit(principal, ['dns.resourceRecordSets.list']);
      const name = u.searchParams.get('name')?.toLowerCase();
      const type = u.searchParams.get('type');
      if (type && !name) throw new GoogleFailure(400, 'invalid', "Invalid value for 'parameters.type': type requires name");
      const rrsets = [...z.rrsets.values()].filter((s) => (!name || s.name === name) && (!type || s.type === type));
      return { kind: 'dns#resourceRecordSetsListResponse', rrsets: rrsets.map((s) => ({ kind: 'dns#resourceRecordSet', ...s, rrdatas: [...s.rrdatas] })) };
    }
    if (p.method === 'changes.get') {
      permit(principal, ['dns.changes.get']);
      const c = z.changes.get(p.changeId ?? '');
      if (!c) throw new GoogleFailure(404, 'notFound', `The 'parameters.changeId' resource named '${p.changeId}' does not exist.`);
      return { kind: 'dns#change', id: p.changeId, status: c.status };
    }
    let change: { additions?: FakeRRSet[]; deletions?: FakeRRSet[] };
    try {
      change = JSON.parse(body);
    } catch {
      throw new GoogleFailure(400, 'parseError', 'Parse Error');
    }
    const additions = change.additions ?? [];
    const deletions = change.deletions ?? [];
    permit(principal, ['dns.changes.create', ...(additions.length > 0 ? ['dns.resourceRecordSets.create'] : []), ...(deletions.length > 0 ? ['dns.resourceRecordSets.delete'] : [])]);
    if (additions.length + deletions.length === 0) throw new GoogleFailure(400, 'required', "The 'entity.change' parameter is required but was missing.");
    for (const [i, a] of additions.entries()) {
      const where = `entity.change.additions[${i}]`;
      if (typeof a.name !== 'string' || !a.name.endsWith('.') || !(a.name === z.dnsName || a.name.endsWith(`.${z.dnsName}`))) throw new GoogleFailure(400, 'invalid', `Invalid value for '${where}.name': '${a.name}'`);
      if (a.type !== 'TXT') throw new GoogleFailure(400, 'invalid', `Invalid value for '${where}.type': '${a.type}'`);
      if (typeof a.ttl !== 'number' || a.ttl < 0) throw new GoogleFailure(400, 'invalid', `Invalid value for '${where}.ttl': '${a.ttl}'`);
      if (!Array.isArray(a.rrdatas) || a.rrdatas.length === 0) throw new GoogleFailure(400, 'invalid', `The resource '${where}' has no rrdatas.`);
      for (const r of a.rrdatas) {
        let strings: string[];
        try {
          strings = presentationStrings(r);
        } catch {
          throw new GoogleFailure(400, 'invalid', `Invalid value for '${where}.rrdata': '${r}'`);
        }
        if (strings.some((s) => Buffer.byteLength(s) > 255)) throw new GoogleFailure(400, 'invalid', `Invalid value for '${where}.rrdata': a character-string is longer than 255 bytes`);
      }
    }
    await fake.beforeChange?.(z.name);
    for (const [i, d] of deletions.entries()) {
      const cur = z.rrsets.get(`${String(d.name).toLowerCase()}|${d.type}`);
      if (!cur || !sameSet(cur, { ...d, name: String(d.name).toLowerCase() })) throw new GoogleFailure(412, 'conditionNotMet', `Precondition not met for 'entity.change.deletions[${i}]'`);
    }
    const deleted = new Set(deletions.map((d) => `${String(d.name).toLowerCase()}|${d.type}`));
    for (const [i, a] of additions.entries()) {
      const key = `${a.name.toLowerCase()}|${a.type}`;
      if (z.rrsets.has(key) && !deleted.has(key)) throw new GoogleFailure(409, 'alreadyExists', `The resource 'entity.change.additions[${i}]' named '${a.name} (${a.type})' already exists`);
    }
    for (const key of deleted) z.rrsets.delete(key);
    for (const a of additions) z.rrsets.set(`${a.name.toLowerCase()}|${a.type}`, { name: a.name.toLowerCase(), type: a.type, ttl: a.ttl, rrdatas: [...a.rrdatas] });
    const id = String(nextChange++);
    const names = [...new Set([...additions, ...deletions].map((s) => String(s.name).toLowerCase()))];
    z.changes.set(id, { status: 'pending', names });
    if (fake.pendingMs > 0) setTimeout(() => void complete(z, id), fake.pendingMs);
    else await complete(z, id);
    return { kind: 'dns#change', id, status: z.changes.get(id)!.status, startTime: new Date().toISOString(), additions, deletions };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const body = await readBody(req);
    const reply = (a: { status: number; json?: unknown; text?: string; headers?: Record<string, string> }): void => {
      res.writeHead(a.status, { 'content-type': a.json !== undefined ? 'application/json; charset=UTF-8' : 'text/plain', ...a.headers });
      res.end(a.json !== undefined ? JSON.stringify(a.json) : (a.text ?? ''));
    };
    if (req.method === 'POST' && u.pathname === '/token') return reply(identity.oauthToken(new URLSearchParams(body), `${url}/token`));
    if (req.method === 'POST' && u.pathname === '/v1/token') return reply(identity.stsToken(new URLSearchParams(body)));
    const gen = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(u.pathname);
    if (req.method === 'POST' && gen) return reply(identity.generateAccessToken(decodeURIComponent(gen[1]), req.headers.authorization, body));
    if (req.method === 'GET' && u.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') return reply(identity.metadataToken(req.headers, u.searchParams));
    if (u.pathname.startsWith('/latest/')) return reply(awsImds(req, u));
    try {
      reply({ status: 200, json: await dnsApi(req, u, body) });
    } catch (err) {
      if (!(err instanceof GoogleFailure)) return reply({ status: 500, json: { error: { code: 500, message: (err as Error).message, errors: [{ reason: 'backendError' }] } } });
      reply({ status: err.status, json: { error: { code: err.status, message: err.message, errors: [{ message: err.message, domain: 'global', reason: err.reason }] } }, headers: err.headers });
    }
  }

  const imdsTokens = new Set<string>();
  function awsImds(req: IncomingMessage, u: URL): { status: number; json?: unknown; text?: string } {
    const md = fake.awsImds;
    if (!md) return { status: 404, text: 'Not Found' };
    if (req.method === 'PUT' && u.pathname === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return { status: 400, text: 'Missing x-aws-ec2-metadata-token-ttl-seconds' };
      const t = `AQAE${Math.random().toString(36).slice(2)}`;
      imdsTokens.add(t);
      return { status: 200, text: t };
    }
    if (!imdsTokens.has(String(req.headers['x-aws-ec2-metadata-token'] ?? ''))) return { status: 401, text: 'Unauthorized' };
    if (u.pathname === '/latest/meta-data/placement/availability-zone') return { status: 200, text: md.availabilityZone };
    if (u.pathname === '/latest/meta-data/iam/security-credentials' || u.pathname === '/latest/meta-data/iam/security-credentials/') return { status: 200, text: md.role };
    if (u.pathname === `/latest/meta-data/iam/security-credentials/${md.role}`) return { status: 200, json: { Code: 'Success', Type: 'AWS-HMAC', ...md.keys, Expiration: new Date(Date.now() + 3600_000).toISOString() } };
    return { status: 404, text: 'Not Found' };
  }

  const server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sa = identity.addServiceAccount('certctl-dns01');
  const fake: FakeGoogle = {
    url,
    identity,
    calls,
    sa,
    keyJson: (s = sa) => identity.keyJson(s, `${url}/token`),
    env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: `${url}/dns/v1/`, GCE_METADATA_HOST: url.replace(/^http:\/\//, '') },
    zone(name) {
      const z = zones.find((x) => x.name === name);
      if (!z) throw new Error(`no zone ${name}`);
      return z;
    },
    grants,
    pendingMs: opts.pendingMs ?? 0,
    failNext: (method, o) => faults.set(method, { status: o.status, reason: o.reason, message: o.message ?? `${o.reason} (injected)`, times: o.times ?? 1, retryAfter: o.retryAfter }),
    txt: (fqdn) => values(locate(fqdn).rrsets.get(`${fqdn.toLowerCase()}|TXT`)),
    rrset: (fqdn) => locate(fqdn).rrsets.get(`${fqdn.toLowerCase()}|TXT`),
    async seedTxt(fqdn, value) {
      const z = locate(fqdn);
      const name = fqdn.toLowerCase();
      const cur = z.rrsets.get(`${name}|TXT`);
      z.rrsets.set(`${name}|TXT`, { name, type: 'TXT', ttl: cur?.ttl ?? 300, rrdatas: [...(cur?.rrdatas ?? []), `"${value}"`] });
      await publish(z, name);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
