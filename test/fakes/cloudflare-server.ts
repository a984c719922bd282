/**
 * A fake Cloudflare API v4 (`/client/v4`) on a free loopback port: `GET /zones`, `GET/POST
 * /zones/{id}/dns_records`, `DELETE /zones/{id}/dns_records/{id}`, with Cloudflare's envelope
 * (`success`, `errors[{code, message, error_chain}]`, `result`, `result_info`), its paging
 * (`page`, `per_page`), its authentication (Bearer API tokens with Zone:Read / DNS:Edit on chosen
 * zones, or the Global API Key with X-Auth-Email) and the error codes the real API gives for each
 * failure. A global per-user limit answers 429 (code 971) with Retry-After, and every answer
 * carries the `Ratelimit` / `Ratelimit-Policy` headers. Records are published to BIND
 * (dns-publisher.ts) before the call returns.
 *
 *   const cf = await startFakeCloudflare({ zones: ['example.test'], publisher: bindPublisher(bind) });
 *   after(() => cf.stop());
 *   // certctl: env cf.env (CLOUDFLARE_BASE_URL), apiTokenSecretRef → cf.token
 */
import { randomBytes } from 'node:crypto';
import type { DnsPublisher } from './dns-publisher.js';
import { logicalTxt, startJsonServer } from './json-server.js';
import type { FakeReply, FakeRequest } from './json-server.js';

export interface FakeCfZone {
  id: string;
  name: string;
  status: 'active' | 'pending';
  account: string;
}

export interface FakeCfRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: false;
  proxiable: false;
  created_on: string;
  modified_on: string;
}

/** An API token: which zones (by name) it covers, with which permissions. */
export interface FakeCfToken {
  token: string;
  id: string;
  zones: '*' | string[];
  zoneRead: boolean;
  dnsEdit: boolean;
}

export interface FakeCfCall {
  method: string;
  /** Path below `/client/v4`. */
  path: string;
  action: 'ListZones' | 'ListDNSRecords' | 'CreateDNSRecord' | 'DeleteDNSRecord' | 'Unknown';
  /** The token id, or the e-mail of a Global API Key; undefined when unauthenticated. */
  who?: string;
  status: number;
}

export interface FakeCloudflareOptions {
  zones?: (string | { name: string; status?: 'active' | 'pending'; account?: string })[];
  publisher?: DnsPublisher;
  /** Largest per_page the list endpoints honour (Cloudflare: 50 for zones, 5,000,000 for records; smaller forces paging). */
  maxPerPage?: number;
  /** Requests per user before 429, and the window (default 1,200 per 300 s, as Cloudflare). */
  limit?: { requests: number; windowS: number };
}

export interface FakeCloudflare {
  /** `http://127.0.0.1:PORT/client/v4` */
  url: string;
  /** `{ CLOUDFLARE_BASE_URL: url }` */
  env: Record<string, string>;
  /** A token with Zone:Read and DNS:Edit on every zone. */
  token: string;
  /** The Global API Key of the user `certctl@example.test`. */
  globalKey: { email: string; key: string };
  zones: FakeCfZone[];
  records: FakeCfRecord[];
  calls: FakeCfCall[];
  addToken(o?: Partial<Omit<FakeCfToken, 'token' | 'id'>>): FakeCfToken;
  /** The next `times` requests of `action` fail with this status and error. */
  failNext(action: FakeCfCall['action'], status: number, code: number, message: string, times?: number): void;
  /** Logical TXT values at `fqdn`. */
  txt(fqdn: string): string[];
  /** A foreign TXT record added behind the API's back (and published). */
  seedTxt(fqdn: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

class CfError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly chain: { code: number; message: string }[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const bare = (n: string): string => n.replace(/\.$/, '').toLowerCase();

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeCloudflare(opts: FakeCloudflareOptions = {}): Promise<FakeCloudflare> {
  const zones: FakeCfZone[] = (opts.zones ?? []).map((z) => {
    const o = typeof z === 'string' ? { name: z } : z;
    return { id: hex(16), name: bare(o.name), status: o.status ?? 'active', account: o.account ?? 'acct-1' };
  });
  const records: FakeCfRecord[] = [];
  const calls: FakeCfCall[] = [];
  const tokens = new Map<string, FakeCfToken>();
  const globalKey = { email: 'certctl@example.test', key: hex(18) + 'a' };
  const faults = new Map<string, { status: number; code: number; message: string; times: number }>();
  const limit = opts.limit ?? { requests: 1200, windowS: 300 };
  const used = new Map<string, number[]>();
  const maxPerPage = opts.maxPerPage ?? 100;

  const addToken = (o: Partial<Omit<FakeCfToken, 'token' | 'id'>> = {}): FakeCfToken => {
    const t: FakeCfToken = { token: randomBytes(30).toString('base64url'), id: hex(16), zones: o.zones ?? '*', zoneRead: o.zoneRead ?? true, dnsEdit: o.dnsEdit ?? true };
    tokens.set(t.token, t);
    return t;
  };
  const main = addToken();

  const covers = (t: FakeCfToken | 'key', zone: FakeCfZone): boolean => t === 'key' || t.zones === '*' || t.zones.includes(zone.name);
  const txtAt = (fqdn: string): FakeCfRecord[] => records.filter((r) => r.type === 'TXT' && r.name === bare(fqdn));
  const publish = async (zone: FakeCfZone, name: string): Promise<void> => {
    const at = txtAt(name);
    await opts.publisher?.syncTxt(zone.name, `${name}.`, at.map((r) => logicalTxt(r.content)), at[0]?.ttl ?? 60);
  };

  /** Cloudflare's authentication: a well-formed, known Bearer token, or e-mail + Global API Key. */
  function authenticate(req: FakeRequest): { who: string; cred: FakeCfToken | 'key' } {
    const auth = req.headers.authorization;
    const key = req.headers['x-auth-key'];
    const email = req.headers['x-auth-email'];
    if (typeof auth === 'string') {
      const m = /^Bearer ([A-Za-z0-9_-]{40})$/.exec(auth);
      if (!m) throw new CfError(400, 6003, 'Invalid request headers', [{ code: 6111, message: 'Invalid format for Authorization header' }]);
      const t = tokens.get(m[1]);
      if (!t) throw new CfError(403, 9109, 'Invalid access token');
      return { who: t.id, cred: t };
    }
    if (typeof key === 'string' || typeof email === 'string') {
      if (typeof key !== 'string' || !/^[0-9a-f]{37}$/.test(key)) throw new CfError(400, 6003, 'Invalid request headers', [{ code: 6103, message: 'Invalid format for X-Auth-Key header' }]);
      if (typeof email !== 'string') throw new CfError(400, 6003, 'Invalid request headers', [{ code: 6102, message: 'Invalid format for X-Auth-Email header' }]);
      if (key !== globalKey.key || email !== globalKey.email) throw new CfError(403, 9103, 'Unknown X-Auth-Key or X-Auth-Email');
      return { who: email, cred: 'key' };
    }
    throw new CfError(400, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers');
  }

  function page<T>(list: T[], q: URLSearchParams): { result: T[]; result_info: Record<string, number> } {
    const per = Math.max(5, Math.min(Number(q.get('per_page') ?? 20), maxPerPage));
    const n = Math.max(1, Number(q.get('page') ?? 1));
    const result = list.slice((n - 1) * per, n * per);
    return { result, result_info: { page: n, per_page: per, count: result.length, total_count: list.length, total_pages: Math.max(1, Math.ceil(list.length / per)) } };
  }

  function zoneById(id: string, path: string): FakeCfZone {
    const z = zones.find((x) => x.id === id);
    if (!z) throw new CfError(400, 7003, `Could not route to /zones/${id}${path}, perhaps your object identifier is invalid?`, [{ code: 7001, message: 'Method not allowed for this route' }]);
    return z;
  }

  async function act(req: FakeRequest, cred: FakeCfToken | 'key', call: FakeCfCall): Promise<FakeReply> {
    const path = call.path;
    const q = req.url.searchParams;
    if (req.method === 'GET' && path === '/zones') {
      call.action = 'ListZones';
      if (cred !== 'key' && !cred.zoneRead) throw new CfError(403, 9109, 'Unauthorized to access requested resource');
      const name = q.get('name');
      const visible = zones.filter((z) => covers(cred, z) && (!name || z.name === bare(name)) && (!q.get('status') || z.status === q.get('status')));
      return { status: 200, body: { success: true, errors: [], messages: [], ...page(visible.map((z) => ({ id: z.id, name: z.name, status: z.status, paused: false, type: 'full', account: { id: z.account, name: z.account } })), q) } };
    }
    const m = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    if (!m) throw new CfError(404, 7000, 'No route for that URI');
    const zone = zoneById(m[1], path.slice(`/zones/${m[1]}`.length));
    const denied = (): never => {
      throw new CfError(403, 10000, 'Authentication error');
    };
    if (cred !== 'key' && (!covers(cred, zone) || !cred.dnsEdit)) {
      call.action = req.method === 'GET' ? 'ListDNSRecords' : req.method === 'POST' ? 'CreateDNSRecord' : 'DeleteDNSRecord';
      denied();
    }
    if (req.method === 'GET' && !m[2]) {
      call.action = 'ListDNSRecords';
      const name = q.get('name') ?? q.get('name.exact');
      const list = records.filter((r) => r.zone_id === zone.id && (!q.get('type') || r.type === q.get('type')) && (!name || r.name === bare(name)));
      return { status: 200, body: { success: true, errors: [], messages: [], ...page(list, q) } };
    }
    if (req.method === 'POST' && !m[2]) {
      call.action = 'CreateDNSRecord';
      const b = (req.json ?? {}) as { type?: string; name?: string; content?: string; ttl?: number };
      if (!b || typeof b !== 'object' || !b.type || !b.name || typeof b.content !== 'string') throw new CfError(400, 9000, 'DNS name is invalid.');
      const ttl = b.ttl ?? 1;
      if (!(ttl === 1 || (ttl >= 60 && ttl <= 86400))) throw new CfError(400, 1004, 'DNS Validation Error', [{ code: 9021, message: 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.' }]);
      const name = b.name === '@' ? zone.name : bare(b.name).endsWith(zone.name) ? bare(b.name) : `${bare(b.name)}.${zone.name}`;
      if (name !== zone.name && !name.endsWith(`.${zone.name}`)) throw new CfError(400, 9000, 'DNS name is invalid.');
      if (records.some((r) => r.zone_id === zone.id && r.name === name && r.type === b.type && logicalTxt(r.content) === logicalTxt(b.content!))) {
        throw new CfError(400, 81058, 'An identical record already exists.');
      }
      const now = new Date().toISOString();
      const rec: FakeCfRecord = { id: hex(16), zone_id: zone.id, zone_name: zone.name, name, type: b.type, content: b.content, ttl: ttl === 1 ? 300 : ttl, proxied: false, proxiable: false, created_on: now, modified_on: now };
      records.push(rec);
      await publish(zone, name);
      return { status: 200, body: { success: true, errors: [], messages: [], result: rec } };
    }
    if (req.method === 'DELETE' && m[2]) {
      call.action = 'DeleteDNSRecord';
      const i = records.findIndex((r) => r.id === m[2] && r.zone_id === zone.id);
      if (i < 0) throw new CfError(404, 81044, 'Record does not exist.');
      const [gone] = records.splice(i, 1);
      await publish(zone, gone.name);
      return { status: 200, body: { success: true, errors: [], messages: [], result: { id: gone.id } } };
    }
    throw new CfError(405, 10405, 'Method not allowed');
  }

  /** The user's quota: the `Ratelimit` headers on every answer, 429 (971) once it is used up. */
  function meter(who: string): Record<string, string> {
    const now = Date.now();
    const recent = (used.get(who) ?? []).filter((t) => now - t < limit.windowS * 1000);
    const reset = recent.length > 0 ? Math.ceil((recent[0] + limit.windowS * 1000 - now) / 1000) : limit.windowS;
    const headers = { ratelimit: `"default";r=${Math.max(0, limit.requests - recent.length - 1)};t=${reset}`, 'ratelimit-policy': `"default";q=${limit.requests};w=${limit.windowS}` };
    if (recent.length >= limit.requests) {
      used.set(who, recent);
      throw new CfError(429, 971, 'Please wait and consider throttling your request speed', [], { ...headers, ratelimit: `"default";r=0;t=${reset}`, 'retry-after': String(reset) });
    }
    recent.push(now);
    used.set(who, recent);
    return headers;
  }

  const server = await startJsonServer(async (req) => {
    const path = req.url.pathname.replace(/^\/client\/v4/, '');
    const call: FakeCfCall = { method: req.method, path, action: 'Unknown', status: 0 };
    calls.push(call);
    let headers: Record<string, string> = {};
    try {
      if (!req.url.pathname.startsWith('/client/v4/')) throw new CfError(404, 7000, 'No route for that URI');
      const { who, cred } = authenticate(req);
      call.who = who;
      headers = meter(who);
      // The action is known before the fault applies, as the route decides it.
      const action = req.method === 'GET' && path === '/zones' ? 'ListZones' : req.method === 'GET' ? 'ListDNSRecords' : req.method === 'POST' ? 'CreateDNSRecord' : 'DeleteDNSRecord';
      const fault = faults.get(action);
      if (fault && fault.times-- > 0) {
        call.action = action;
        throw new CfError(fault.status, fault.code, fault.message, [], fault.status === 429 ? { 'retry-after': '0' } : {});
      }
      const reply = await act(req, cred, call);
      call.status = reply.status;
      return { ...reply, headers: { ...headers, ...reply.headers } };
    } catch (e) {
      if (!(e instanceof CfError)) throw e;
      call.status = e.status;
      const error = { code: e.code, message: e.message, ...(e.chain.length ? { error_chain: e.chain } : {}) };
      return { status: e.status, headers: { ...headers, ...e.headers }, body: { success: false, errors: [error], messages: [], result: null } };
    }
  });

  const url = `${server.origin}/client/v4`;
  return {
    url,
    env: { CLOUDFLARE_BASE_URL: url },
    token: main.token,
    globalKey,
    zones,
    records,
    calls,
    addToken,
    failNext: (action, status, code, message, times = 1) => faults.set(action, { status, code, message, times }),
    txt: (fqdn) => txtAt(fqdn).map((r) => logicalTxt(r.content)),
    async seedTxt(fqdn, value) {
      const name = bare(fqdn);
      const zone = zones.filter((z) => name === z.name || name.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
      if (!zone) throw new Error(`no zone holds ${fqdn}`);
      const now = new Date().toISOString();
      records.push({ id: hex(16), zone_id: zone.id, zone_name: zone.name, name, type: 'TXT', content: value, ttl: 60, proxied: false, proxiable: false, created_on: now, modified_on: now });
      await publish(zone, name);
    },
    stop: () => server.stop(),
  };
}
