/**
 * A fake AWS endpoint on a free loopback port speaking the real wire protocols: Route 53 REST/XML
 * under `/2013-04-01/…` and STS query-API on `POST /`. Every request's SigV4 signature is
 * recomputed and checked against the issued keys; every action is recorded with who called it.
 * Accepted changes are published to BIND (see dns-publisher.ts) before the call returns.
 *
 *   const aws = await startFakeRoute53({ zones: [{ name: 'example.test' }], publisher: bindPublisher(bind) });
 *   after(() => aws.stop());
 *   // SDK / certctl: env { ...aws.env, ...aws.keyEnv() }  (AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL_STS, keys)
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SigV4Error, child, childrenOf, esc, parseXml, textOf, verifySigV4, xml, xmlDoc } from './aws-wire.js';
import type { SigV4Identity } from './aws-wire.js';
import type { DnsPublisher } from './dns-publisher.js';
import { ApiError, Route53State, parseQuoted } from './route53-state.js';
import type { FakeChange, FakeRRSet } from './route53-state.js';
import { handleSts, stsError } from './sts-handler.js';
import type { FakeKey } from './sts-handler.js';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** One recorded request. */
export interface FakeAwsCall {
  service: 'route53' | 'sts';
  action: string;
  zoneId?: string;
  accessKeyId?: string;
  /** The IAM identity behind the key (a user, or `…assumed-role/<role>/<session>`). */
  principal?: string;
  region?: string;
  roleArn?: string;
}

export interface FakeRoute53Options {
  zones?: { name: string; id?: string; private?: boolean }[];
  publisher?: DnsPublisher;
  /** GetChange answers PENDING this many times per change before INSYNC (default 0). */
  pendingPolls?: number;
  webIdentityToken?: string;
}

export interface FakeRoute53 {
  /** `http://127.0.0.1:PORT`, for both AWS_ENDPOINT_URL_ROUTE_53 and AWS_ENDPOINT_URL_STS. */
  url: string;
  state: Route53State;
  calls: FakeAwsCall[];
  /** A static key pair of the IAM user `certctl-test`. */
  keys: { accessKeyId: string; secretAccessKey: string };
  /** Endpoints, IMDS off, and shared config files pointing nowhere, so the chain sees only what a test adds. */
  env: Record<string, string>;
  /** `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` of {@link keys}. */
  keyEnv(): Record<string, string>;
  /** Registers another static key pair. */
  addKey(principal: string): { accessKeyId: string; secretAccessKey: string };
  /** The next `times` calls of `action` fail with this error. */
  failNext(action: string, code: string, opts?: { status?: number; message?: string; times?: number }): void;
  /** Runs before each change batch is applied (e.g. to let a "concurrent writer" act first). */
  beforeChange?: (zoneId: string) => void | Promise<void>;
  deniedRoles: Set<string>;
  pendingPolls: number;
  /** Logical TXT values at `name` in zone `zoneId`, across all its sets. */
  txt(zoneId: string, name: string): string[];
  /** Adds a foreign value behind the API's back: into the simple set, or as cert-manager does (its own MultiValueAnswer set, TTL 10). */
  seedTxt(zoneId: string, name: string, value: string, opts?: { multiValue?: boolean; ttl?: number }): Promise<void>;
  stop(): Promise<void>;
}

const ROUTES: [string, RegExp, string][] = [
  ['GET', /^\/2013-04-01\/hostedzonesbyname$/, 'ListHostedZonesByName'],
  ['GET', /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'ListResourceRecordSets'],
  ['POST', /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'ChangeResourceRecordSets'],
  ['GET', /^\/2013-04-01\/change\/([^/]+)$/, 'GetChange'],
  ['GET', /^\/2013-04-01\/hostedzone\/([^/]+)$/, 'GetHostedZone'],
  ['GET', /^\/2013-04-01\/hostedzone$/, 'ListHostedZones'],
];

function setXml(s: FakeRRSet): string {
  const opt = (name: string, v: string | number | boolean | undefined): string => (v === undefined ? '' : xml(name, esc(v)));
  const records = xml('ResourceRecords', s.values.map((v) => xml('ResourceRecord', xml('Value', esc(v)))).join(''));
  return xml(
    'ResourceRecordSet',
    xml('Name', esc(s.name)) + xml('Type', s.type) + opt('SetIdentifier', s.setIdentifier) + opt('Weight', s.weight) + opt('MultiValueAnswer', s.multiValueAnswer) + opt('TTL', s.ttl) + records + opt('HealthCheckId', s.healthCheckId),
  );
}

function parseChanges(body: string): FakeChange[] {
  const batch = child(parseXml(body), 'ChangeBatch');
  return childrenOf(child(batch, 'Changes'), 'Change').map((c) => {
    const r = child(c, 'ResourceRecordSet');
    const num = (name: string): number | undefined => (textOf(r, name) === undefined ? undefined : Number(textOf(r, name)));
    return {
      action: textOf(c, 'Action') ?? '',
      set: {
        name: (textOf(r, 'Name') ?? '').toLowerCase(),
        type: textOf(r, 'Type') ?? '',
        ttl: num('TTL'),
        setIdentifier: textOf(r, 'SetIdentifier'),
        multiValueAnswer: textOf(r, 'MultiValueAnswer') === 'true' ? true : undefined,
        weight: num('Weight'),
        healthCheckId: textOf(r, 'HealthCheckId'),
        values: childrenOf(child(r, 'ResourceRecords'), 'ResourceRecord').map((rr) => child(rr, 'Value')?.text ?? ''),
      },
    };
  });
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeRoute53(opts: FakeRoute53Options = {}): Promise<FakeRoute53> {
  const state = new Route53State();
  for (const z of opts.zones ?? []) state.addZone(z);
  const keys = new Map<string, FakeKey>();
  const faults = new Map<string, { code: string; status: number; message: string; times: number }>();
  const calls: FakeAwsCall[] = [];

  const addKey = (principal: string): { accessKeyId: string; secretAccessKey: string } => {
    const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    keys.set(accessKeyId, { secret: secretAccessKey, principal });
    return { accessKeyId, secretAccessKey };
  };

  const txtOf = (zoneId: string, name: string): FakeRRSet[] => state.zone(zoneId).sets.filter((s) => s.type === 'TXT' && s.name.toLowerCase() === name.toLowerCase());
  const logical = (sets: FakeRRSet[]): string[] => sets.flatMap((s) => s.values.map((v) => (parseQuoted(v) ?? []).join('')));
  async function publish(zoneId: string, names: string[]): Promise<void> {
    const zone = state.zone(zoneId);
    for (const name of names) {
      const sets = txtOf(zoneId, name);
      await opts.publisher?.syncTxt(zone.name, name, logical(sets), sets[0]?.ttl ?? 60);
    }
  }

  async function route53(action: string, id: string | undefined, url: URL, body: Buffer): Promise<string> {
    const q = url.searchParams;
    const max = Math.min(Number(q.get('maxitems') ?? 100), 300);
    switch (action) {
      case 'ListHostedZonesByName': {
        const dnsName = q.get('dnsname') ?? undefined;
        const { zones, next } = state.listZonesByName(dnsName, q.get('hostedzoneid') ?? undefined, max);
        const hz = zones.map((z) => xml('HostedZone', xml('Id', `/hostedzone/${z.id}`) + xml('Name', esc(z.name)) + xml('CallerReference', z.id) + xml('Config', xml('PrivateZone', String(z.private))) + xml('ResourceRecordSetCount', String(z.sets.length)))).join('');
        const nextXml = next ? xml('NextDNSName', esc(next.name)) + xml('NextHostedZoneId', next.id) : '';
        return xmlDoc('ListHostedZonesByNameResponse', NS, xml('HostedZones', hz) + (dnsName ? xml('DNSName', esc(dnsName)) : '') + xml('IsTruncated', String(Boolean(next))) + xml('MaxItems', String(max)) + nextXml);
      }
      case 'ListResourceRecordSets': {
        const { sets, next } = state.listSets(id!, q.get('name') ?? undefined, q.get('type') ?? undefined, q.get('identifier') ?? undefined, max);
        const nextXml = next ? xml('NextRecordName', esc(next.name)) + xml('NextRecordType', next.type) + (next.setIdentifier !== undefined ? xml('NextRecordIdentifier', esc(next.setIdentifier)) : '') : '';
        return xmlDoc('ListResourceRecordSetsResponse', NS, xml('ResourceRecordSets', sets.map(setXml).join('')) + xml('IsTruncated', String(Boolean(next))) + xml('MaxItems', String(max)) + nextXml);
      }
      case 'ChangeResourceRecordSets': {
        await api.beforeChange?.(id!);
        const zone = state.zone(id!);
        const { changedNames, changeId } = state.applyBatch(zone.id, parseChanges(body.toString('utf8')));
        await publish(zone.id, changedNames);
        return xmlDoc('ChangeResourceRecordSetsResponse', NS, xml('ChangeInfo', xml('Id', `/change/${changeId}`) + xml('Status', 'PENDING') + xml('SubmittedAt', new Date().toISOString())));
      }
      case 'GetChange': {
        const status = state.pollChange(id!, api.pendingPolls);
        return xmlDoc('GetChangeResponse', NS, xml('ChangeInfo', xml('Id', `/change/${id}`) + xml('Status', status) + xml('SubmittedAt', new Date().toISOString())));
      }
      default:
        throw new ApiError('AccessDenied', 403, `User is not authorized to perform: route53:${action} (the fake allows only the four actions certctl needs)`);
    }
  }

  async function handle(req: IncomingMessage, body: Buffer): Promise<{ status: number; xml: string }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const isSts = req.method === 'POST' && url.pathname === '/';
    const form = isSts ? new URLSearchParams(body.toString('utf8')) : undefined;
    const route = ROUTES.find(([m, re]) => m === req.method && re.test(url.pathname));
    const action = isSts ? (form!.get('Action') ?? '') : (route?.[2] ?? `${req.method} ${url.pathname}`);
    const id = route?.[1].exec(url.pathname)?.[1];
    const call: FakeAwsCall = { service: isSts ? 'sts' : 'route53', action, zoneId: action === 'GetChange' ? undefined : id };
    calls.push(call);
    const errorDoc = (e: ApiError): { status: number; xml: string } =>
      isSts ? { status: e.status, xml: stsError(e.code, e.message) } : { status: e.status, xml: xmlDoc('ErrorResponse', NS, xml('Error', xml('Type', 'Sender') + xml('Code', esc(e.code)) + xml('Message', esc(e.message))) + xml('RequestId', randomBytes(8).toString('hex'))) };
    try {
      let who: SigV4Identity | undefined;
      if (!(isSts && action === 'AssumeRoleWithWebIdentity')) {
        try {
          who = verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, (akid) => keys.get(akid)?.secret);
        } catch (e) {
          if (e instanceof SigV4Error) throw new ApiError(e.code, e.code === 'IncompleteSignature' ? 400 : 403, e.message);
          throw e;
        }
        const key = keys.get(who.accessKeyId)!;
        Object.assign(call, { accessKeyId: who.accessKeyId, principal: key.principal, region: who.region });
        if (key.sessionToken !== who.sessionToken) throw new ApiError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
        if (who.service !== (isSts ? 'sts' : 'route53')) throw new ApiError('SignatureDoesNotMatch', 403, `Credential should be scoped to correct service: '${isSts ? 'sts' : 'route53'}'.`);
      }
      const fault = faults.get(action);
      if (fault && fault.times-- > 0) throw new ApiError(fault.code, fault.status, fault.message);
      if (isSts) {
        const r = handleSts(stsCtx, form!, call.principal);
        call.roleArn = r.roleArn;
        return { status: 200, xml: r.body };
      }
      if (!route) throw new ApiError('UnknownOperationException', 404, `no route for ${req.method} ${url.pathname}`);
      return { status: 200, xml: await route53(action, id, url, body) };
    } catch (e) {
      if (e instanceof ApiError) return errorDoc(e);
      return errorDoc(new ApiError('InternalFailure', 500, (e as Error).message));
    }
  }

  const server = createServer((req, res) => {
    void readBody(req)
      .then((body) => handle(req, body))
      .then(({ status, xml: doc }) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomBytes(8).toString('hex') });
        res.end(doc);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stsCtx = { keys, webIdentityToken: opts.webIdentityToken, deniedRoles: new Set<string>() };
  const staticKeys = addKey('arn:aws:iam::123456789012:user/certctl-test');

  const api: FakeRoute53 = {
    url,
    state,
    calls,
    keys: staticKeys,
    env: { AWS_ENDPOINT_URL_ROUTE_53: url, AWS_ENDPOINT_URL_STS: url, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' },
    keyEnv: () => ({ AWS_ACCESS_KEY_ID: staticKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: staticKeys.secretAccessKey }),
    addKey,
    failNext: (action, code, o = {}) => faults.set(action, { code, status: o.status ?? 400, message: o.message ?? `${code} (injected)`, times: o.times ?? 1 }),
    deniedRoles: stsCtx.deniedRoles,
    pendingPolls: opts.pendingPolls ?? 0,
    txt: (zoneId, name) => logical(txtOf(zoneId, name)),
    async seedTxt(zoneId, name, value, o = {}) {
      const quoted = `"${value}"`;
      const fqdn = name.toLowerCase();
      const simple = txtOf(zoneId, fqdn).find((s) => s.setIdentifier === undefined);
      const set: FakeRRSet = o.multiValue
        ? { name: fqdn, type: 'TXT', ttl: o.ttl ?? 10, setIdentifier: quoted, multiValueAnswer: true, values: [quoted] }
        : { name: fqdn, type: 'TXT', ttl: simple?.ttl ?? o.ttl ?? 300, values: [...(simple?.values ?? []), quoted] };
      state.applyBatch(zoneId, [{ action: o.multiValue ? 'CREATE' : 'UPSERT', set }]);
      await publish(zoneId, [fqdn]);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
