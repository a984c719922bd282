/**
 * A fake acme-dns (joohoi/acme-dns) HTTP API on a free loopback port: `POST /register`,
 * `POST /update` (X-Api-User / X-Api-Key, `{"subdomain", "txt"}`), `GET /health`, with acme-dns's
 * checks and answers — a UUID user, a 40-character key, the account's own subdomain, the caller's
 * address inside `allowfrom`, a 43-character value — and its storage: two TXT rows per
 * subdomain, each update overwriting the row updated least recently (by whole seconds, as acme-dns
 * stores them). Like the real server, which answers DNS for its own zone, it publishes both
 * non-empty values of the subdomain into its zone in BIND (TTL 1, as acme-dns serves them).
 *
 *   const adns = await startFakeAcmeDns({ zone: 'auth.acme-dns.test', publisher: bindPublisher(bind) });
 *   const account = await adns.register();
 *   await bind.nsupdate([`update add _acme-challenge.example.test. 60 CNAME ${account.fulldomain}.`]);
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { DnsPublisher } from './dns-publisher.js';
import { startJsonServer } from './json-server.js';
import type { FakeRequest, FakeReply } from './json-server.js';

/** The registration answer, which users store in the accounts Secret. */
export interface FakeAcmeDnsAccount {
  username: string;
  password: string;
  fulldomain: string;
  subdomain: string;
  allowfrom: string[];
}

export interface FakeAcmeDnsCall {
  path: string;
  status: number;
  user?: string;
  subdomain?: string;
  txt?: string;
}

export interface FakeAcmeDns {
  /** `http://127.0.0.1:PORT`: the `host` of `dns01.acmeDNS`. */
  url: string;
  zone: string;
  calls: FakeAcmeDnsCall[];
  /** POSTs /register over HTTP, like a user would. */
  register(allowfrom?: string[]): Promise<FakeAcmeDnsAccount>;
  /** The TXT values acme-dns would serve for `subdomain` (at most two, non-empty). */
  txt(subdomain: string): string[];
  /** The next `times` updates answer this status and error code. */
  failNext(status: number, error: string, times?: number): void;
  stop(): Promise<void>;
}

interface Row {
  value: string;
  lastUpdate: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBDOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TXT = /^[A-Za-z0-9_-]{43}$/;
const KEY = /^[A-Za-z0-9_-]{40}$/;

function allowed(allowfrom: string[], address: string): boolean {
  if (allowfrom.length === 0) return true;
  const list = new BlockList();
  for (const cidr of allowfrom) {
    const [net, bits] = cidr.split('/');
    const type = isIP(net) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(net, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type);
  }
  const ip = address.replace(/^::ffff:/, '');
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAcmeDns(opts: { zone?: string; publisher?: DnsPublisher } = {}): Promise<FakeAcmeDns> {
  const zone = (opts.zone ?? 'auth.acme-dns.test').replace(/\.$/, '').toLowerCase();
  const users = new Map<string, FakeAcmeDnsAccount>();
  const rows = new Map<string, Row[]>();
  const calls: FakeAcmeDnsCall[] = [];
  const faults: { status: number; error: string; times: number }[] = [];

  const served = (subdomain: string): string[] => (rows.get(subdomain) ?? []).map((r) => r.value).filter((v) => v !== '');

  async function update(req: FakeRequest, call: FakeAcmeDnsCall): Promise<FakeReply> {
    const forbidden: FakeReply = { status: 401, body: { error: 'forbidden' } };
    const user = String(req.headers['x-api-user'] ?? '');
    const key = String(req.headers['x-api-key'] ?? '');
    call.user = user;
    if (!UUID.test(user) || !KEY.test(key)) return forbidden;
    const account = users.get(user.toLowerCase());
    if (!account || !timingSafeEqual(Buffer.from(account.password), Buffer.from(key))) return forbidden;
    if (!allowed(account.allowfrom, req.remoteAddress)) return forbidden;
    const body = (req.json ?? {}) as { subdomain?: unknown; txt?: unknown };
    call.subdomain = String(body.subdomain ?? '');
    call.txt = String(body.txt ?? '');
    if (body.subdomain !== account.subdomain) return forbidden;
    if (typeof body.subdomain !== 'string' || !SUBDOMAIN.test(body.subdomain)) return { status: 400, body: { error: 'bad_subdomain' } };
    if (typeof body.txt !== 'string' || !TXT.test(body.txt)) return { status: 400, body: { error: 'bad_txt' } };
    const fault = faults[0];
    if (fault && fault.times-- > 0) return { status: fault.status, body: { error: fault.error } };
    // UPDATE … WHERE rowid = (SELECT rowid … ORDER BY LastUpdate LIMIT 1): the least recently updated row, the first on a tie.
    const slots = rows.get(account.subdomain)!;
    const oldest = slots.reduce((a, b) => (b.lastUpdate < a.lastUpdate ? b : a));
    oldest.value = body.txt;
    oldest.lastUpdate = Math.floor(Date.now() / 1000);
    await opts.publisher?.syncTxt(`${zone}.`, `${account.subdomain}.${zone}.`, served(account.subdomain), 1);
    return { status: 200, body: { txt: body.txt } };
  }

  function register(req: FakeRequest): FakeReply {
    const body = (req.json ?? {}) as { allowfrom?: unknown };
    if (req.json === null) return { status: 400, body: { error: 'malformed_json_payload' } };
    const allowfrom = Array.isArray(body.allowfrom) ? body.allowfrom.map(String) : [];
    if (allowfrom.some((c) => !/^[0-9a-f:.]+\/\d{1,3}$/i.test(c))) return { status: 400, body: { error: 'invalid_allowfrom_cidr' } };
    const subdomain = randomUUID();
    const account: FakeAcmeDnsAccount = { username: randomUUID(), password: randomBytes(30).toString('base64url'), fulldomain: `${subdomain}.${zone}`, subdomain, allowfrom };
    users.set(account.username, account);
    rows.set(subdomain, [
      { value: '', lastUpdate: 0 },
      { value: '', lastUpdate: 0 },
    ]);
    return { status: 201, body: account };
  }

  const server = await startJsonServer(async (req) => {
    const call: FakeAcmeDnsCall = { path: req.url.pathname, status: 0 };
    calls.push(call);
    let reply: FakeReply;
    if (req.method === 'POST' && req.url.pathname === '/update') reply = await update(req, call);
    else if (req.method === 'POST' && req.url.pathname === '/register') reply = register(req);
    else if (req.method === 'GET' && req.url.pathname === '/health') reply = { status: 200 };
    else reply = { status: 404, body: { error: 'not_found' } };
    call.status = reply.status;
    return reply;
  });

  return {
    url: server.origin,
    zone,
    calls,
    async register(allowfrom = []) {
      const res = await fetch(`${server.origin}/register`, { method: 'POST', body: JSON.stringify({ allowfrom }) });
      if (res.status !== 201) throw new Error(`register: HTTP ${res.status}`);
      return (await res.json()) as FakeAcmeDnsAccount;
    },
    txt: served,
    failNext: (status, error, times = 1) => faults.splice(0, faults.length, { status, error, times }),
    stop: () => server.stop(),
  };
}
