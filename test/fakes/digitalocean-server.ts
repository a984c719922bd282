/**
 * A fake DigitalOcean API v2 on a free loopback port: `GET /v2/domains/{name}`,
 * `GET/POST /v2/domains/{name}/records` (server-side `type` + `name` filter, `page`/`per_page`,
 * absolute `links.pages` URLs) and `DELETE /v2/domains/{name}/records/{id}`. Bearer tokens carry
 * custom scopes (domain:read/create/delete) or full access; errors are DigitalOcean's
 * `{id, message, request_id}`. Each token has an hourly quota reported on every answer
 * (`ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset`) and a per-minute burst limit
 * answered with 429 and Retry-After. Records are published to BIND before the call returns.
 *
 *   const dof = await startFakeDigitalOcean({ domains: ['example.test'], publisher: bindPublisher(bind) });
 *   after(() => dof.stop());
 *   // certctl: env dof.env (DIGITALOCEAN_API_URL), tokenSecretRef → dof.token
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DnsPublisher } from './dns-publisher.js';
import { startJsonServer } from './json-server.js';
import type { FakeReply, FakeRequest } from './json-server.js';

export type DoScope = 'domain:read' | 'domain:create' | 'domain:update' | 'domain:delete';

export interface FakeDoRecord {
  id: number;
  domain: string;
  type: string;
  name: string;
  data: string;
  ttl: number;
  priority: null;
  port: null;
  weight: null;
  flags: null;
  tag: null;
}

export interface FakeDoCall {
  method: string;
  path: string;
  action: 'GetDomain' | 'ListDomainRecords' | 'CreateDomainRecord' | 'DeleteDomainRecord' | 'Unknown';
  token?: string;
  status: number;
  query: Record<string, string>;
}

export interface FakeDigitalOceanOptions {
  domains?: string[];
  publisher?: DnsPublisher;
  /** Requests per hour per token (default 5,000). */
  hourly?: number;
  /** Requests per minute per token before 429 (default 250). */
  perMinute?: number;
  /** Length of that burst window in ms (default 60,000; tests shorten it). */
  burstWindowMs?: number;
  /** Largest per_page honoured (DigitalOcean: 200). */
  maxPerPage?: number;
}

export interface FakeDigitalOcean {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `{ DIGITALOCEAN_API_URL: url }` */
  env: Record<string, string>;
  /** A full-access token. */
  token: string;
  records: FakeDoRecord[];
  calls: FakeDoCall[];
  addToken(scopes?: DoScope[] | 'full'): string;
  failNext(action: FakeDoCall['action'], status: number, id: string, message: string, times?: number): void;
  txt(fqdn: string): string[];
  seedTxt(fqdn: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

class DoError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const bare = (n: string): string => n.replace(/\.$/, '').toLowerCase();
const NEEDS: Record<Exclude<FakeDoCall['action'], 'Unknown'>, DoScope> = { GetDomain: 'domain:read', ListDomainRecords: 'domain:read', CreateDomainRecord: 'domain:create', DeleteDomainRecord: 'domain:delete' };

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeDigitalOcean(opts: FakeDigitalOceanOptions = {}): Promise<FakeDigitalOcean> {
  const domains = new Set((opts.domains ?? []).map(bare));
  const records: FakeDoRecord[] = [];
  const calls: FakeDoCall[] = [];
  const tokens = new Map<string, Set<DoScope> | 'full'>();
  const faults = new Map<string, { status: number; id: string; message: string; times: number }>();
  const hourly = opts.hourly ?? 5000;
  const perMinute = opts.perMinute ?? 250;
  const burstWindowMs = opts.burstWindowMs ?? 60_000;
  const maxPerPage = opts.maxPerPage ?? 200;
  const used = new Map<string, number[]>();
  let nextId = 300_000_000;
  let origin = '';

  const addToken = (scopes: DoScope[] | 'full' = 'full'): string => {
    const t = `dop_v1_${randomBytes(32).toString('hex')}`;
    tokens.set(t, scopes === 'full' ? 'full' : new Set(scopes));
    return t;
  };
  const main = addToken();

  const fqdnOf = (r: FakeDoRecord): string => (r.name === '@' ? r.domain : `${r.name}.${r.domain}`);
  const txtAt = (fqdn: string): FakeDoRecord[] => records.filter((r) => r.type === 'TXT' && fqdnOf(r) === bare(fqdn));
  const publish = async (domain: string, fqdn: string): Promise<void> => {
    const at = txtAt(fqdn);
    await opts.publisher?.syncTxt(domain, `${fqdn}.`, at.map((r) => r.data), at[0]?.ttl ?? 30);
  };

  /** The hourly quota on every answer; the per-minute burst limit as 429 + Retry-After. */
  function meter(token: string): Record<string, string> {
    const now = Date.now();
    const recent = (used.get(token) ?? []).filter((t) => now - t < 3600_000);
    const lastMinute = recent.filter((t) => now - t < burstWindowMs);
    const oldest = recent[0] ?? now;
    const reset = String(Math.ceil((oldest + 3600_000) / 1000));
    if (recent.length >= hourly) throw new DoError(429, 'too_many_requests', 'API Rate limit exceeded.', { 'ratelimit-limit': String(hourly), 'ratelimit-remaining': '0', 'ratelimit-reset': reset });
    if (lastMinute.length >= perMinute) {
      const retry = Math.ceil((lastMinute[0] + burstWindowMs - now) / 1000);
      throw new DoError(429, 'too_many_requests', 'API Rate limit exceeded.', { 'ratelimit-limit': String(hourly), 'ratelimit-remaining': String(hourly - recent.length), 'ratelimit-reset': reset, 'retry-after': String(retry) });
    }
    recent.push(now);
    used.set(token, recent);
    return { 'ratelimit-limit': String(hourly), 'ratelimit-remaining': String(hourly - recent.length), 'ratelimit-reset': String(Math.ceil(((recent[0] ?? now) + 3600_000) / 1000)) };
  }

  function domainOf(name: string): string {
    const d = bare(decodeURIComponent(name));
    if (!domains.has(d)) throw new DoError(404, 'not_found', 'The resource you were accessing could not be found.');
    return d;
  }

  function route(req: FakeRequest): { action: FakeDoCall['action']; domain?: string; id?: string } {
    const m = /^\/v2\/domains\/([^/]+)(\/records(?:\/([^/]+))?)?$/.exec(req.url.pathname);
    if (!m) return { action: 'Unknown' };
    if (!m[2]) return { action: req.method === 'GET' ? 'GetDomain' : 'Unknown', domain: m[1] };
    if (!m[3]) return { action: req.method === 'GET' ? 'ListDomainRecords' : req.method === 'POST' ? 'CreateDomainRecord' : 'Unknown', domain: m[1] };
    return { action: req.method === 'DELETE' ? 'DeleteDomainRecord' : 'Unknown', domain: m[1], id: m[3] };
  }

  async function act(req: FakeRequest, r: ReturnType<typeof route>): Promise<FakeReply> {
    const q = req.url.searchParams;
    switch (r.action) {
      case 'GetDomain': {
        const d = domainOf(r.domain!);
        return { status: 200, body: { domain: { name: d, ttl: 1800, zone_file: `$ORIGIN ${d}.\n` } } };
      }
      case 'ListDomainRecords': {
        const d = domainOf(r.domain!);
        const name = q.get('name');
        const list = records.filter((x) => x.domain === d && (!q.get('type') || x.type === q.get('type')) && (!name || fqdnOf(x) === bare(name)));
        const per = Math.max(1, Math.min(Number(q.get('per_page') ?? 20), maxPerPage));
        const page = Math.max(1, Number(q.get('page') ?? 1));
        const last = Math.max(1, Math.ceil(list.length / per));
        const link = (p: number): string => {
          const u = new URL(`${origin}${req.url.pathname}`);
          for (const [k, v] of q) if (k !== 'page') u.searchParams.set(k, v);
          u.searchParams.set('page', String(p));
          return u.href;
        };
        const pages: Record<string, string> = {};
        if (page > 1) Object.assign(pages, { first: link(1), prev: link(page - 1) });
        if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
        const batch = list.slice((page - 1) * per, page * per).map(({ domain: _d, ...x }) => x);
        return { status: 200, body: { domain_records: batch, links: { pages }, meta: { total: list.length } } };
      }
      case 'CreateDomainRecord': {
        const d = domainOf(r.domain!);
        const b = req.json as { type?: string; name?: string; data?: string; ttl?: number } | null | undefined;
        if (!b || typeof b !== 'object') throw new DoError(400, 'bad_request', 'unexpected end of JSON input');
        if (!b.type || !b.name || typeof b.data !== 'string') throw new DoError(422, 'unprocessable_entity', 'Name can\'t be blank, Data can\'t be blank.');
        if (b.ttl !== undefined && b.ttl < 30) throw new DoError(422, 'unprocessable_entity', 'Ttl must be greater than or equal to 30.');
        const name = b.name === '@' || bare(b.name) === d ? '@' : bare(b.name).endsWith(`.${d}`) ? bare(b.name).slice(0, -(d.length + 1)) : bare(b.name);
        const rec: FakeDoRecord = { id: nextId++, domain: d, type: b.type, name, data: b.data, ttl: b.ttl ?? 1800, priority: null, port: null, weight: null, flags: null, tag: null };
        records.push(rec);
        await publish(d, fqdnOf(rec));
        const { domain: _d, ...out } = rec;
        return { status: 201, body: { domain_record: out } };
      }
      case 'DeleteDomainRecord': {
        const d = domainOf(r.domain!);
        const i = records.findIndex((x) => x.domain === d && String(x.id) === r.id);
        if (i < 0) throw new DoError(404, 'not_found', 'The resource you were accessing could not be found.');
        const [gone] = records.splice(i, 1);
        await publish(d, fqdnOf(gone));
        return { status: 204 };
      }
      default:
        throw new DoError(404, 'not_found', 'The resource you were accessing could not be found.');
    }
  }

  const server = await startJsonServer(async (req) => {
    const r = route(req);
    const call: FakeDoCall = { method: req.method, path: req.url.pathname, action: r.action, status: 0, query: Object.fromEntries(req.url.searchParams) };
    calls.push(call);
    let headers: Record<string, string> = {};
    try {
      const m = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
      const scopes = m ? tokens.get(m[1]) : undefined;
      if (!m || !scopes) throw new DoError(401, 'unauthorized', 'Unable to authenticate you');
      call.token = m[1];
      headers = meter(m[1]);
      if (r.action !== 'Unknown' && scopes !== 'full' && !scopes.has(NEEDS[r.action])) throw new DoError(403, 'forbidden', 'You are not authorized to perform this operation');
      const fault = faults.get(r.action);
      if (fault && fault.times-- > 0) throw new DoError(fault.status, fault.id, fault.message, fault.status === 429 ? { 'retry-after': '0' } : {});
      const reply = await act(req, r);
      call.status = reply.status;
      return { ...reply, headers };
    } catch (e) {
      if (!(e instanceof DoError)) throw e;
      call.status = e.status;
      return { status: e.status, headers: { ...headers, ...e.headers }, body: { id: e.id, message: e.message, request_id: randomUUID() } };
    }
  });
  origin = server.origin;

  return {
    url: server.origin,
    env: { DIGITALOCEAN_API_URL: server.origin },
    token: main,
    records,
    calls,
    addToken,
    failNext: (action, status, id, message, times = 1) => faults.set(action, { status, id, message, times }),
    txt: (fqdn) => txtAt(fqdn).map((r) => r.data),
    async seedTxt(fqdn, value) {
      const name = bare(fqdn);
      const d = [...domains].filter((x) => name === x || name.endsWith(`.${x}`)).sort((a, b) => b.length - a.length)[0];
      if (!d) throw new Error(`no domain holds ${fqdn}`);
      records.push({ id: nextId++, domain: d, type: 'TXT', name: name === d ? '@' : name.slice(0, -(d.length + 1)), data: value, ttl: 30, priority: null, port: null, weight: null, flags: null, tag: null });
      await publish(d, name);
    },
    stop: () => server.stop(),
  };
}
