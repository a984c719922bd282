/**
 * A fake Alibaba Cloud DNS endpoint (RPC API 2015-01-09, JSON) on a free loopback port. Each
 * request's HMAC-SHA1 signature (signature method V2) is recomputed from its parameters and
 * checked, with the real API's error codes and messages for bad keys, signatures, tokens,
 * timestamps, reused nonces, RAM denials and throttling. Records live in memory, each with its own
 * RecordId, and are published to BIND (dns-publisher.ts) before the call returns.
 *
 *   const ali = await startFakeAliDns({ domains: ['example.test'], publisher: bindPublisher(bind) });
 *   after(() => ali.stop());
 *   // webhook config: { endpoint: ali.url, accessTokenSecretRef: …(ali.keys.accessKeyId), secretKeySecretRef: …(ali.keys.accessKeySecret) }
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsPublisher } from './dns-publisher.js';

/** A record as stored. */
export interface FakeAliRecord {
  RecordId: string;
  DomainName: string;
  RR: string;
  Type: string;
  Value: string;
  TTL: number;
  Line: string;
  Status: 'ENABLE';
  Locked: false;
}

export interface FakeAliCall {
  action: string;
  accessKeyId?: string;
  params: Record<string, string>;
}

export interface FakeAliKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Actions the key's RAM policy allows; undefined = all. */
  allow?: string[];
}

export interface FakeAliDns {
  url: string;
  keys: FakeAliKey;
  calls: FakeAliCall[];
  records: FakeAliRecord[];
  domains: Set<string>;
  addKey(o?: { securityToken?: boolean; allow?: string[] }): FakeAliKey;
  failNext(action: string, code: string, o?: { status?: number; message?: string; times?: number }): void;
  /** Logical TXT values at the absolute name `fqdn`. */
  txt(fqdn: string): string[];
  /** Adds a foreign TXT record behind the API's back (and publishes it). */
  seedTxt(fqdn: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

class AliError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** pop-core's and the API's percent-encoding (RFC 3986, `~` kept). */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes the V2 signature of `params` (all request parameters but Signature). */
export function aliSignature(method: string, params: Record<string, string>, secret: string): { signature: string; stringToSign: string } {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k])}`)
    .join('&');
  const stringToSign = `${method}&${enc('/')}&${enc(canonical)}`;
  return { signature: createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64'), stringToSign };
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

const fqdnOf = (r: { RR: string; DomainName: string }): string => (r.RR === '@' ? r.DomainName : `${r.RR}.${r.DomainName}`).toLowerCase();

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAliDns(opts: { domains?: string[]; publisher?: DnsPublisher } = {}): Promise<FakeAliDns> {
  const keys = new Map<string, FakeAliKey>();
  const nonces = new Set<string>();
  const faults = new Map<string, { code: string; status: number; message: string; times: number }>();
  const calls: FakeAliCall[] = [];
  const records: FakeAliRecord[] = [];
  const domains = new Set((opts.domains ?? []).map((d) => d.toLowerCase()));
  let nextId = 1_000_000;

  const addKey = (o: { securityToken?: boolean; allow?: string[] } = {}): FakeAliKey => {
    const key: FakeAliKey = { accessKeyId: `LTAI${randomBytes(10).toString('hex')}`, accessKeySecret: randomBytes(15).toString('base64'), allow: o.allow };
    if (o.securityToken) key.securityToken = `CAIS${randomBytes(24).toString('base64')}`;
    keys.set(key.accessKeyId, key);
    return key;
  };
  const domainOf = (name: string): string => {
    const d = name.toLowerCase();
    if (!domains.has(d)) throw new AliError('InvalidDomainName.NoExist', 400, 'The specified domain name does not exist. Refresh the page and try again.');
    return d;
  };
  const txtAt = (fqdn: string): FakeAliRecord[] => records.filter((r) => r.Type === 'TXT' && fqdnOf(r) === fqdn.replace(/\.$/, '').toLowerCase());
  const publish = async (r: { RR: string; DomainName: string }): Promise<void> => {
    const at = txtAt(fqdnOf(r));
    await opts.publisher?.syncTxt(r.DomainName, `${fqdnOf(r)}.`, at.map((x) => x.Value), at[0]?.TTL ?? 600);
  };
  const page = (list: FakeAliRecord[], p: Record<string, string>) => {
    const size = Math.min(Number(p.PageSize ?? 20), 500);
    const number = Number(p.PageNumber ?? 1);
    return { TotalCount: list.length, PageNumber: number, PageSize: size, DomainRecords: { Record: list.slice((number - 1) * size, number * size) } };
  };

  async function act(action: string, p: Record<string, string>): Promise<Record<string, unknown>> {
    switch (action) {
      case 'DescribeDomainRecords': {
        const d = domainOf(p.DomainName ?? '');
        const kw = p.RRKeyWord?.toLowerCase();
        return page(records.filter((r) => r.DomainName === d && (!p.Type || r.Type === p.Type) && (!kw || r.RR.includes(kw))), p);
      }
      case 'DescribeSubDomainRecords': {
        const sub = (p.SubDomain ?? '').toLowerCase();
        if (p.DomainName) domainOf(p.DomainName);
        return page(records.filter((r) => fqdnOf(r) === sub && (!p.Type || r.Type === p.Type) && (!p.DomainName || r.DomainName === p.DomainName.toLowerCase())), p);
      }
      case 'AddDomainRecord': {
        const d = domainOf(p.DomainName ?? '');
        const ttl = Number(p.TTL ?? 600);
        if (!(ttl >= 600 && ttl <= 86400)) throw new AliError('DomainRecordTTL.Invalid', 400, 'The TTL is out of the range your DNS edition allows (600-86400).');
        if (!p.RR || !p.Type || p.Value === undefined) throw new AliError('MissingParameter', 400, 'A required parameter (RR, Type or Value) is missing.');
        const rr = p.RR.toLowerCase();
        if (records.some((r) => r.DomainName === d && r.RR === rr && r.Type === p.Type && r.Value === p.Value)) throw new AliError('DomainRecordDuplicate', 400, 'The DNS record already exists.');
        const rec: FakeAliRecord = { RecordId: String(nextId++), DomainName: d, RR: rr, Type: p.Type, Value: p.Value, TTL: ttl, Line: p.Line ?? 'default', Status: 'ENABLE', Locked: false };
        records.push(rec);
        await publish(rec);
        return { RecordId: rec.RecordId };
      }
      case 'DeleteDomainRecord': {
        const i = records.findIndex((r) => r.RecordId === p.RecordId);
        if (i < 0) throw new AliError('DomainRecordNotBelongToUser', 400, 'The DNS record does not exist or does not belong to the current user.');
        const [gone] = records.splice(i, 1);
        await publish(gone);
        return { RecordId: gone.RecordId };
      }
      default:
        throw new AliError('InvalidAction.NotFound', 404, 'Specified api is not found, please check your url and method.');
    }
  }

  /** Checks the common parameters and the signature; returns the caller's key. */
  function authenticate(method: string, p: Record<string, string>): FakeAliKey {
    if (p.Version !== '2015-01-09') throw new AliError('InvalidVersion', 400, `Specified parameter Version is not valid.`);
    if (p.SignatureMethod !== 'HMAC-SHA1' || p.SignatureVersion !== '1.0') throw new AliError('InvalidParameter.SignatureMethod', 400, 'Specified signature method is not supported.');
    const key = keys.get(p.AccessKeyId ?? '');
    if (!key) throw new AliError('InvalidAccessKeyId.NotFound', 404, 'Specified access key is not found.');
    const { signature, stringToSign } = aliSignature(method, p, key.accessKeySecret);
    if (p.Signature !== signature) throw new AliError('SignatureDoesNotMatch', 400, `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
    if (Math.abs(Date.parse(p.Timestamp ?? '') - Date.now()) > 15 * 60_000 || !/Z$/.test(p.Timestamp ?? '')) throw new AliError('InvalidTimeStamp.Expired', 400, 'Specified time stamp or date value is expired.');
    if (!p.SignatureNonce || nonces.has(p.SignatureNonce)) throw new AliError('SignatureNonceUsed', 400, 'Specified signature nonce was used already.');
    nonces.add(p.SignatureNonce);
    if (key.securityToken !== p.SecurityToken) throw new AliError('InvalidSecurityToken.MismatchWithAccessKey', 400, 'Specified SecurityToken mismatch with the AccessKey.');
    return key;
  }

  async function handle(req: IncomingMessage): Promise<{ status: number; json: Record<string, unknown> }> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const p = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body : url.search));
    const call: FakeAliCall = { action: p.Action ?? '', accessKeyId: p.AccessKeyId, params: p };
    calls.push(call);
    const requestId = randomBytes(16).toString('hex').toUpperCase();
    try {
      const key = authenticate(req.method ?? 'GET', p);
      if (key.allow && !key.allow.includes(call.action)) throw new AliError('Forbidden.RAM', 403, "User not authorized to operate on the specified resource, or this API doesn't support RAM.");
      const fault = faults.get(call.action);
      if (fault && fault.times-- > 0) throw new AliError(fault.code, fault.status, fault.message);
      return { status: 200, json: { RequestId: requestId, ...(await act(call.action, p)) } };
    } catch (e) {
      const err = e instanceof AliError ? e : new AliError('InternalError', 500, (e as Error).message);
      return { status: err.status, json: { RequestId: requestId, HostId: 'alidns.aliyuncs.com', Code: err.code, Message: err.message, Recommend: `https://api.aliyun.com/troubleshoot?q=${err.code}` } };
    }
  }

  const server = createServer((req, res) => {
    void handle(req).then(({ status, json }) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys: addKey(),
    calls,
    records,
    domains,
    addKey,
    failNext: (action, code, o = {}) => faults.set(action, { code, status: o.status ?? 400, message: o.message ?? `${code} (injected)`, times: o.times ?? 1 }),
    txt: (fqdn) => txtAt(fqdn).map((r) => r.Value),
    async seedTxt(fqdn, value) {
      const name = fqdn.replace(/\.$/, '').toLowerCase();
      const d = [...domains].find((x) => name === x || name.endsWith(`.${x}`));
      if (!d) throw new Error(`no domain holds ${fqdn}`);
      const rec: FakeAliRecord = { RecordId: String(nextId++), DomainName: d, RR: name === d ? '@' : name.slice(0, -(d.length + 1)), Type: 'TXT', Value: value, TTL: 600, Line: 'default', Status: 'ENABLE', Locked: false };
      records.push(rec);
      await publish(rec);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
