/**
 * A fake Akamai Edge DNS API (Config DNS v2) over HTTPS on 127.0.0.1: every request's EdgeGrid
 * signature is recomputed here — written independently of certctl's signer and checked against
 * Akamai's published test vectors in the test — along with the client token, access token,
 * timestamp window and nonce reuse; grants per API client (READ-ONLY answers 403), Akamai's
 * problem-details error bodies, zones and TXT record sets with create (409 when present),
 * replace (404 when absent) and delete, throttling with Retry-After. Accepted changes are published
 * to BIND before the call returns.
 *
 *   const ak = await startFakeAkamai({ zones: ['example.test'], publisher: bindPublisher(bind) });
 *   // certctl: serviceConsumerDomain ak.host, Secrets ak.client, env { NODE_EXTRA_CA_CERTS: ak.caFile }
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsPublisher } from './dns-publisher.js';
import { presentationStrings } from './google-server.js';
import { loopbackTls } from './loopback-tls.js';

/** An API client's credentials. */
export interface FakeAkamaiClient {
  clientToken: string;
  clientSecret: string;
  accessToken: string;
  /** READ-ONLY clients may only GET. */
  readOnly?: boolean;
}

export interface FakeEdgeRecordSet {
  name: string;
  type: string;
  ttl: number;
  rdata: string[];
}

export type FakeAkamaiAction = 'GetZone' | 'GetRecordSet' | 'CreateRecordSet' | 'UpdateRecordSet' | 'DeleteRecordSet';

export interface FakeAkamaiCall {
  action: FakeAkamaiAction;
  zone: string;
  name?: string;
  clientToken?: string;
  status: number;
}

export interface FakeAkamai {
  /** `127.0.0.1:PORT`: the serviceConsumerDomain. */
  host: string;
  /** The self-signed certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  client: FakeAkamaiClient;
  addClient(o?: { readOnly?: boolean }): FakeAkamaiClient;
  calls: FakeAkamaiCall[];
  /** Allowed clock skew of signatures, ms. */
  maxSkewMs: number;
  failNext(action: FakeAkamaiAction, o: { status: number; title: string; detail?: string; times?: number; retryAfter?: string }): void;
  /** Runs before a write is applied (lets a "concurrent writer" act between read and write). */
  beforeWrite?: (zone: string, name: string) => void | Promise<void>;
  /** Runs after a write is applied, before the answer (lets a "concurrent writer" overwrite it). */
  afterWrite?: (zone: string, name: string) => void | Promise<void>;
  /** Replaces a record set behind the API's back (a writer working from an older read). */
  replaceTxt(fqdn: string, values: string[]): Promise<void>;
  txt(fqdn: string): string[];
  recordSet(fqdn: string): FakeEdgeRecordSet | undefined;
  seedTxt(fqdn: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type = 'https://problems.luna.akamaiapis.net/config-dns/v2/error',
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/**
 * Recomputes an EdgeGrid signature from the request as received (method, Host header, raw
 * request-target, body), the way Akamai's edge does; returns the parsed header and whether the
 * signature matches.
 */
export function verifyEdgeGrid(
  header: string,
  req: { method: string; host: string; target: string; body: Buffer },
  secretOf: (clientToken: string) => string | undefined,
  maxBody = 131072,
): { ok: boolean; fields: Record<string, string>; reason?: string } {
  const m = /^EG1-HMAC-SHA256 (.*)$/.exec(header);
  if (!m) return { ok: false, fields: {}, reason: 'Invalid authorization header' };
  const fields: Record<string, string> = {};
  for (const part of m[1].split(';')) {
    const i = part.indexOf('=');
    if (i > 0) fields[part.slice(0, i)] = part.slice(i + 1);
  }
  for (const f of ['client_token', 'access_token', 'timestamp', 'nonce', 'signature']) if (!fields[f]) return { ok: false, fields, reason: `Invalid authorization header: no ${f}` };
  const secret = secretOf(fields.client_token);
  if (secret === undefined) return { ok: false, fields, reason: 'Invalid client token' };
  const unsigned = header.slice(0, header.indexOf('signature='));
  const hash = req.method === 'POST' && req.body.length > 0 ? createHash('sha256').update(req.body.subarray(0, maxBody)).digest('base64') : '';
  const key = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(fields.timestamp, 'utf8')).digest('base64');
  const toSign = `${req.method}\thttps\t${req.host}\t${req.target}\t\t${hash}\t${unsigned}`;
  const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(toSign, 'utf8')).digest('base64');
  return expected === fields.signature ? { ok: true, fields } : { ok: false, fields, reason: 'The signature does not match' };
}

/** `20140321T19:34:21+0000` → ms since the epoch. */
function parseTimestamp(t: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0000$/.exec(t);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAkamai(opts: { zones?: string[]; publisher?: DnsPublisher } = {}): Promise<FakeAkamai> {
  const tls = loopbackTls();
  const zones = new Map<string, Map<string, FakeEdgeRecordSet>>((opts.zones ?? []).map((z) => [z.toLowerCase(), new Map()]));
  const clients = new Map<string, FakeAkamaiClient>();
  const nonces = new Set<string>();
  const calls: FakeAkamaiCall[] = [];
  const faults = new Map<FakeAkamaiAction, { status: number; title: string; detail: string; times: number; retryAfter?: string }>();
  let host = '';

  const values = (s: FakeEdgeRecordSet | undefined): string[] => (s?.rdata ?? []).map((r) => presentationStrings(r).join(''));
  const publish = async (zone: string, name: string): Promise<void> => {
    const s = zones.get(zone)?.get(name);
    await opts.publisher?.syncTxt(zone, `${name}.`, values(s), s?.ttl ?? 300);
  };
  const locate = (fqdn: string): { zone: string; name: string } => {
    const name = fqdn.replace(/\.$/, '').toLowerCase();
    const zone = [...zones.keys()].sort((a, b) => b.length - a.length).find((z) => name === z || name.endsWith(`.${z}`));
    if (!zone) throw new Error(`no zone holds ${fqdn}`);
    return { zone, name };
  };

  function authenticate(req: IncomingMessage, body: Buffer): FakeAkamaiClient {
    const v = verifyEdgeGrid(String(req.headers.authorization ?? ''), { method: req.method ?? '', host: String(req.headers.host ?? ''), target: req.url ?? '', body }, (t) => clients.get(t)?.clientSecret);
    if (!v.ok) throw new Problem(401, 'Not authorized', v.reason ?? 'Unauthorized', 'https://problems.luna.akamaiapis.net/-/pep-authn/deny');
    const client = clients.get(v.fields.client_token)!;
    if (client.accessToken !== v.fields.access_token) throw new Problem(401, 'Not authorized', 'Invalid access token', 'https://problems.luna.akamaiapis.net/-/pep-authn/deny');
    const at = parseTimestamp(v.fields.timestamp);
    if (!(Math.abs(at - Date.now()) <= fake.maxSkewMs)) throw new Problem(401, 'Not authorized', 'Invalid timestamp', 'https://problems.luna.akamaiapis.net/-/pep-authn/deny');
    if (nonces.has(v.fields.nonce)) throw new Problem(401, 'Not authorized', 'Invalid nonce', 'https://problems.luna.akamaiapis.net/-/pep-authn/deny');
    nonces.add(v.fields.nonce);
    return client;
  }

  function checkBody(body: Buffer, name: string): FakeEdgeRecordSet {
    let s: FakeEdgeRecordSet;
    try {
      s = JSON.parse(body.toString('utf8'));
    } catch {
      throw new Problem(400, 'Bad Request', 'The request body is not valid JSON');
    }
    if (s.name?.toLowerCase() !== name) throw new Problem(400, 'Bad Request', `Recordset name ${s.name} does not match the name in the URL ${name}`);
    if (s.type !== 'TXT') throw new Problem(400, 'Bad Request', `Recordset type ${s.type} does not match the type in the URL TXT`);
    if (!Number.isInteger(s.ttl) || s.ttl < 0) throw new Problem(400, 'Bad Request', 'Invalid TTL');
    if (!Array.isArray(s.rdata) || s.rdata.length === 0) throw new Problem(400, 'Bad Request', 'Recordset rdata is empty');
    for (const r of s.rdata) {
      try {
        if (presentationStrings(r).some((x) => Buffer.byteLength(x) > 255)) throw new Error('long');
      } catch {
        throw new Problem(400, 'Bad Request', `Invalid TXT rdata ${JSON.stringify(r)}`);
      }
    }
    return { name, type: 'TXT', ttl: s.ttl, rdata: [...s.rdata] };
  }

  async function handle(req: IncomingMessage, body: Buffer, call: FakeAkamaiCall, zoneRaw: string, nameRaw: string | undefined): Promise<{ status: number; json?: unknown }> {
    const client = authenticate(req, body);
    call.clientToken = client.clientToken;
    if (client.readOnly && req.method !== 'GET') throw new Problem(403, 'Forbidden', 'The client does not have the grant needed for the request', 'https://problems.luna.akamaiapis.net/-/pep-authz/deny');
    const fault = faults.get(call.action);
    if (fault && fault.times-- > 0) throw new Problem(fault.status, fault.title, fault.detail, undefined, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    const zone = zoneRaw.toLowerCase();
    const sets = zones.get(zone);
    if (!sets) throw new Problem(404, 'Not Found', `Zone "${zone}" does not exist`);
    if (nameRaw === undefined) return { status: 200, json: { zone, type: 'PRIMARY', signAndServe: false, activationState: 'ACTIVE', versionId: randomUUID(), lastModifiedDate: new Date().toISOString() } };
    const name = nameRaw.toLowerCase();
    if (!(name === zone || name.endsWith(`.${zone}`))) throw new Problem(400, 'Bad Request', `Record name ${name} is not in zone ${zone}`);
    const cur = sets.get(name);
    if (req.method === 'GET') {
      if (!cur) throw new Problem(404, 'Not Found', `Recordset with name ${name} and type TXT does not exist in zone ${zone}`);
      return { status: 200, json: cur };
    }
    await fake.beforeWrite?.(zone, name);
    const now = sets.get(name);
    if (req.method === 'DELETE') {
      if (!now) throw new Problem(404, 'Not Found', `Recordset with name ${name} and type TXT does not exist in zone ${zone}`);
      sets.delete(name);
      await publish(zone, name);
      return { status: 204 };
    }
    const next = checkBody(body, name);
    if (req.method === 'POST' && now) throw new Problem(409, 'Conflict', `Recordset with name ${name} and type TXT already exists in zone ${zone}`);
    if (req.method === 'PUT' && !now) throw new Problem(404, 'Not Found', `Recordset with name ${name} and type TXT does not exist in zone ${zone}`);
    sets.set(name, next);
    await publish(zone, name);
    await fake.afterWrite?.(zone, name);
    return { status: req.method === 'POST' ? 201 : 200, json: next };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}, problem = false): void => {
      res.writeHead(status, { ...(json !== undefined ? { 'content-type': problem ? 'application/problem+json' : 'application/json' } : {}), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const u = new URL(req.url ?? '/', `https://${host}`);
    const m = /^\/config-dns\/v2\/zones\/([^/]+)(?:\/names\/([^/]+)\/types\/TXT)?$/.exec(u.pathname);
    if (!m) return reply(404, { type: 'https://problems.luna.akamaiapis.net/-/resource-impl/forward-origin-error', title: 'Not Found', status: 404, detail: `No API at ${u.pathname}` }, {}, true);
    const zone = decodeURIComponent(m[1]);
    const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const action: FakeAkamaiAction = name === undefined ? 'GetZone' : ({ GET: 'GetRecordSet', POST: 'CreateRecordSet', PUT: 'UpdateRecordSet', DELETE: 'DeleteRecordSet' } as const)[req.method as 'GET'] ?? 'GetRecordSet';
    const call: FakeAkamaiCall = { action, zone, name, status: 0 };
    calls.push(call);
    try {
      const r = await handle(req, body, call, zone, name);
      call.status = r.status;
      reply(r.status, r.json);
    } catch (err) {
      const p = err instanceof Problem ? err : new Problem(500, 'Internal Server Error', (err as Error).message);
      call.status = p.status;
      reply(p.status, { type: p.type, title: p.title, status: p.status, detail: p.detail, instance: `/config-dns/v2/${randomUUID()}`, problemId: randomUUID() }, p.headers, true);
    }
  }

  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const addClient = (o: { readOnly?: boolean } = {}): FakeAkamaiClient => {
    const c: FakeAkamaiClient = { clientToken: `akab-${randomBytes(8).toString('hex')}-${randomBytes(8).toString('hex')}`, clientSecret: randomBytes(32).toString('base64'), accessToken: `akab-${randomBytes(8).toString('hex')}-${randomBytes(8).toString('hex')}`, ...o };
    clients.set(c.clientToken, c);
    return c;
  };
  const fake: FakeAkamai = {
    host,
    caFile: tls.caFile,
    client: addClient(),
    addClient,
    calls,
    maxSkewMs: 120_000,
    failNext: (action, o) => faults.set(action, { status: o.status, title: o.title, detail: o.detail ?? `${o.title} (injected)`, times: o.times ?? 1, retryAfter: o.retryAfter }),
    txt(fqdn) {
      const { zone, name } = locate(fqdn);
      return values(zones.get(zone)!.get(name));
    },
    recordSet(fqdn) {
      const { zone, name } = locate(fqdn);
      return zones.get(zone)!.get(name);
    },
    async replaceTxt(fqdn, vals) {
      const { zone, name } = locate(fqdn);
      const cur = zones.get(zone)!.get(name);
      zones.get(zone)!.set(name, { name, type: 'TXT', ttl: cur?.ttl ?? 300, rdata: vals.map((v) => `"${v}"`) });
      await publish(zone, name);
    },
    async seedTxt(fqdn, value) {
      const { zone, name } = locate(fqdn);
      const cur = zones.get(zone)!.get(name);
      zones.get(zone)!.set(name, { name, type: 'TXT', ttl: cur?.ttl ?? 300, rdata: [...(cur?.rdata ?? []), `"${value}"`] });
      await publish(zone, name);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          tls.remove();
          resolve();
        });
      }),
  };
  return fake;
}
