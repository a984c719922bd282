/**
 * A fake Vault on a free loopback port speaking Vault's HTTP API for what cert-manager (and so
 * certctl) uses: the auth methods' logins with their real request and response bodies
 * (approle, kubernetes, cert, aws IAM), token renew-self / revoke-self / lookup-self, and a PKI
 * mount (vault-pki.ts) signing real certificates. Requests carry `X-Vault-Token` and, with
 * namespaces, `X-Vault-Namespace`; tokens have policies (ACL paths with `*` and `+`), leases
 * that expire, renewals capped at the max TTL, and revocation. Errors have Vault's status codes
 * and `{"errors": [...]}` bodies. HTTPS by default (its own CA), optionally requiring a client
 * certificate (mTLS), which the cert auth method then checks against its roles.
 *
 *   const vault = await startFakeVault({ pki: { issuers, roles: { web: {...} } }, policies: { pki: ['pki/sign/web'] }, approle: {...} });
 *   after(() => vault.stop());
 */
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SigV4Error, verifySigV4 } from './aws-wire.js';
import { FakePki } from './vault-pki.js';
import type { FakePkiOptions, FakeReply } from './vault-pki.js';
import { makeTlsIdentity } from './vault-tls.js';

/** A token the fake knows. */
export interface FakeToken {
  id: string;
  accessor: string;
  policies: string[];
  /** Seconds; 0 = never expires (a root token). */
  ttl: number;
  maxTtl: number;
  renewable: boolean;
  type: 'service' | 'batch';
  issuedAt: number;
  expiresAt: number;
  namespace: string;
  revoked: boolean;
  /** How it was made: `approle`, `kubernetes`, `cert`, `aws`, `static`. */
  via: string;
  metadata: Record<string, string>;
}

/** Role options every auth method shares (Vault's tokenutil fields). */
export interface FakeTokenParams {
  token_policies: string[];
  token_ttl?: number;
  token_max_ttl?: number;
  token_type?: 'service' | 'batch';
}

export interface FakeKubernetesIdentity {
  namespace: string;
  name: string;
  audiences: string[];
}

export interface FakeVaultOptions {
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Names in the server certificate (default 127.0.0.1, localhost, vault.test). */
  tlsNames?: string[];
  /** Ask for a client certificate and reject connections without one this CA signed (mTLS). */
  clientCa?: string;
  /** Ask for (but do not require) client certificates signed by these CAs, for cert auth. */
  acceptClientCas?: string[];
  /** Every mount lives in this Vault Enterprise / OpenBao namespace. */
  namespace?: string;
  pki: FakePkiOptions & { mount?: string };
  /** Policy name → ACL paths granting update (`pki/sign/web`, `pki/issuer/+/sign/*`). */
  policies: Record<string, string[]>;
  approle?: { mount?: string; roles: Record<string, FakeTokenParams & { role_id: string; secret_ids: string[] }> };
  kubernetes?: {
    mount?: string;
    roles: Record<string, FakeTokenParams & { bound_service_account_names: string[]; bound_service_account_namespaces: string[]; audience?: string }>;
    /** Vault's JWT + TokenReview step (with the role's audience, if any): the identity behind a token, or an error message (403). */
    review: (jwt: string, audience?: string) => Promise<FakeKubernetesIdentity | string>;
  };
  cert?: { mount?: string; roles: Record<string, FakeTokenParams & { certificate: string }> };
  aws?: {
    mount?: string;
    roles: Record<string, FakeTokenParams & { bound_iam_principal_arn: string[] }>;
    iamServerIdHeaderValue?: string;
    /** Access keys STS knows: secret, session token, and the principal ARN GetCallerIdentity returns. */
    keys: Map<string, { secret: string; sessionToken?: string; principal: string }>;
  };
  now?: () => number;
}

/** One request as the fake saw it (never the token itself). */
export interface FakeVaultCall {
  method: string;
  path: string;
  namespace?: string;
  /** Which token (by how it was made) the request carried. */
  tokenVia?: string;
  status: number;
  vaultRequestHeader: boolean;
  clientCertificate?: string;
}

export interface FakeVault {
  url: string;
  /** The CA of the server's certificate (HTTPS). */
  caPem: string;
  pki: FakePki;
  tokens: Map<string, FakeToken>;
  calls: FakeVaultCall[];
  /** Makes a token directly (a `vault token create`), for tokenSecretRef. */
  createToken(policies: string[], opts?: { ttl?: number; maxTtl?: number; renewable?: boolean; namespace?: string }): string;
  /** The next `times` requests to `path` answer `status` with these errors. */
  failNext(path: string, status: number, errors: string[], times?: number): void;
  stop(): Promise<void>;
}

const json = (status: number, body: unknown): FakeReply => ({ status, body });
const vaultError = (status: number, ...errors: string[]): FakeReply => json(status, { errors });
const PERMISSION_DENIED = vaultError(403, 'permission denied');
const POLICY_DENIED = vaultError(403, '1 error occurred:\n\t* permission denied\n\n');

/** Vault ACL matching: exact, `+` for one segment, a trailing `*` for any suffix. */
export function aclAllows(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const p = glob ? pattern.slice(0, -1) : pattern;
  const ps = p.split('/');
  const xs = path.split('/');
  if (!glob && ps.length !== xs.length) return false;
  for (let i = 0; i < ps.length; i++) {
    const last = i === ps.length - 1;
    if (ps[i] === '+' && xs[i] !== undefined && !(glob && last)) continue;
    if (last && glob) return (xs[i] ?? '').startsWith(ps[i]!) && xs.length >= ps.length;
    if (ps[i] !== xs[i]) return false;
  }
  return true;
}

export async function startFakeVault(opts: FakeVaultOptions): Promise<FakeVault> {
  const now = opts.now ?? (() => Date.now());
  const pki = new FakePki(opts.pki);
  const pkiMount = opts.pki.mount ?? 'pki';
  const tokens = new Map<string, FakeToken>();
  const calls: FakeVaultCall[] = [];
  const failures: { path: string; status: number; errors: string[]; times: number }[] = [];
  const ns = (opts.namespace ?? '').replace(/^\/+|\/+$/g, '');

  function mint(via: string, params: FakeTokenParams, metadata: Record<string, string>, namespace = ns): FakeToken {
    const type = params.token_type ?? 'service';
    const id = `${type === 'batch' ? 'hvb' : 'hvs'}.${randomBytes(18).toString('base64url')}`;
    const ttl = params.token_ttl ?? 2_764_800;
    const t: FakeToken = {
      id,
      accessor: randomBytes(12).toString('base64url'),
      policies: ['default', ...params.token_policies],
      ttl,
      maxTtl: params.token_max_ttl ?? 0,
      renewable: type === 'service' && ttl > 0,
      type,
      issuedAt: now(),
      expiresAt: ttl > 0 ? now() + ttl * 1000 : Number.POSITIVE_INFINITY,
      namespace,
      revoked: false,
      via,
      metadata,
    };
    tokens.set(id, t);
    return t;
  }

  function loginReply(t: FakeToken): FakeReply {
    return json(200, {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: {
        client_token: t.id,
        accessor: t.accessor,
        policies: t.policies,
        token_policies: t.policies,
        metadata: t.metadata,
        lease_duration: t.ttl,
        renewable: t.renewable,
        entity_id: randomUUID(),
        token_type: t.type,
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    });
  }

  /** The token of a request, if it is valid in this namespace. */
  function tokenOf(header: string | undefined, namespace: string): FakeToken | undefined {
    const t = header ? tokens.get(header) : undefined;
    if (!t || t.revoked || now() >= t.expiresAt || t.namespace !== namespace) return undefined;
    return t;
  }

  async function login(method: string, path: string, body: Record<string, unknown>, req: IncomingMessage): Promise<FakeReply | undefined> {
    const approle = opts.approle;
    if (approle && path === `auth/${approle.mount ?? 'approle'}/login` && method !== 'GET') {
      const roleId = String(body.role_id ?? '');
      if (!roleId) return vaultError(400, 'missing role_id');
      const role = Object.entries(approle.roles).find(([, r]) => r.role_id === roleId);
      if (!role) return vaultError(400, 'invalid role or secret ID');
      const secretId = String(body.secret_id ?? '');
      if (!secretId) return vaultError(400, 'missing secret_id');
      if (!role[1].secret_ids.includes(secretId)) return vaultError(400, 'invalid role or secret ID');
      return loginReply(mint('approle', role[1], { role_name: role[0] }));
    }
    const kube = opts.kubernetes;
    if (kube && path === `auth/${kube.mount ?? 'kubernetes'}/login` && method !== 'GET') {
      const roleName = String(body.role ?? '');
      if (!roleName) return vaultError(400, 'missing role');
      const jwt = String(body.jwt ?? '');
      if (!jwt) return vaultError(400, 'missing jwt');
      const role = kube.roles[roleName];
      if (!role) return vaultError(400, `invalid role name "${roleName}"`);
      const who = await kube.review(jwt, role.audience);
      if (typeof who === 'string') return vaultError(403, who);
      if (role.audience && !who.audiences.includes(role.audience)) return vaultError(403, 'invalid audience (aud) claim: audience claim does not match any expected audience');
      const names = role.bound_service_account_names;
      if (!(names.length === 1 && names[0] === '*') && !names.includes(who.name)) return vaultError(403, 'service account name not authorized');
      const nss = role.bound_service_account_namespaces;
      if (!(nss[0] === '*' || nss.includes(who.namespace))) return vaultError(403, 'namespace not authorized');
      return loginReply(mint('kubernetes', role, { role: roleName, service_account_name: who.name, service_account_namespace: who.namespace }));
    }
    const cert = opts.cert;
    if (cert && path === `auth/${cert.mount ?? 'cert'}/login` && method !== 'GET') {
      const peer = (req.socket as TLSSocket).getPeerX509Certificate?.();
      if (!peer) return vaultError(400, 'client certificate must be supplied');
      const name = String(body.name ?? '');
      const candidates = Object.entries(cert.roles).filter(([n]) => !name || n === name);
      if (name && candidates.length === 0) return vaultError(400, 'invalid certificate or no client certificate supplied');
      const match = candidates.find(([, r]) => peer.checkIssued(new X509Certificate(r.certificate)) && peer.verify(new X509Certificate(r.certificate).publicKey));
      if (!match) return vaultError(400, 'invalid certificate or no client certificate supplied');
      return loginReply(mint('cert', match[1], { cert_name: match[0], common_name: peer.subject.replace(/^.*CN=/s, '').split('\n')[0]! }));
    }
    const aws = opts.aws;
    if (aws && path === `auth/${aws.mount ?? 'aws'}/login` && method !== 'GET') return awsLogin(aws, body);
    return undefined;
  }

  function awsLogin(aws: NonNullable<FakeVaultOptions['aws']>, body: Record<string, unknown>): FakeReply {
    const b64 = (k: string): string => Buffer.from(String(body[k] ?? ''), 'base64').toString('utf8');
    const method = String(body.iam_http_request_method ?? '');
    if (method !== 'POST') return vaultError(400, 'invalid iam_http_request_method; currently only POST is supported');
    const url = new URL(b64('iam_request_url'));
    const reqBody = b64('iam_request_body');
    let headers: Record<string, string[]>;
    try {
      headers = JSON.parse(b64('iam_request_headers')) as Record<string, string[]>;
    } catch {
      return vaultError(400, 'error parsing iam_request_headers');
    }
    if (!/^sts(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(url.host)) return vaultError(400, `error validating request URL: unexpected host ${url.host}`);
    if (aws.iamServerIdHeaderValue) {
      const provided = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-vault-aws-iam-server-id')?.[1].join(',') ?? '';
      if (!provided) return vaultError(400, 'error validating X-Vault-AWS-IAM-Server-ID header: missing header "X-Vault-AWS-IAM-Server-ID"');
      if (provided !== aws.iamServerIdHeaderValue) return vaultError(400, `error validating X-Vault-AWS-IAM-Server-ID header: expected "${aws.iamServerIdHeaderValue}" but got "${provided}"`);
      const signed = /SignedHeaders=([^,]+)/.exec((headers.Authorization ?? []).join(','))?.[1] ?? '';
      if (!signed.split(';').includes('x-vault-aws-iam-server-id')) return vaultError(400, "error validating X-Vault-AWS-IAM-Server-ID header: vault header wasn't signed");
    }
    // Vault replays the request to STS; here STS is this process, checking the SigV4 signature as AWS does.
    const flat: Record<string, string> = { host: url.host, 'content-length': String(Buffer.byteLength(reqBody)) };
    for (const [k, v] of Object.entries(headers)) flat[k.toLowerCase()] = v.join(',');
    let principal: string;
    try {
      const id = verifySigV4({ method, url: url.pathname + url.search, headers: flat, body: Buffer.from(reqBody) }, (akid) => aws.keys.get(akid)?.secret);
      const key = aws.keys.get(id.accessKeyId)!;
      if (key.sessionToken && key.sessionToken !== id.sessionToken) throw new SigV4Error('InvalidClientTokenId', 'The security token included in the request is invalid.');
      if (id.service !== 'sts') throw new SigV4Error('SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`);
      if (!new URLSearchParams(reqBody).get('Action')?.startsWith('GetCallerIdentity')) return vaultError(400, 'error making upstream request: received error code 400 from STS: InvalidAction');
      principal = key.principal;
    } catch (err) {
      if (!(err instanceof SigV4Error)) throw err;
      const xmlBody = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${err.message}</Message></Error></ErrorResponse>`;
      return vaultError(400, `error making upstream request: received error code 403 from STS: ${xmlBody}`);
    }
    const roleName = String(body.role ?? '');
    const role = aws.roles[roleName];
    if (!role) return vaultError(400, `entry for role ${JSON.stringify(roleName)} not found`);
    // Vault canonicalises assumed-role ARNs to the role ARN.
    const canonical = principal.replace(/:sts::(\d+):assumed-role\/([^/]+)\/.*$/, ':iam::$1:role/$2');
    if (!role.bound_iam_principal_arn.some((p) => p === canonical || p === principal || (p.endsWith('*') && canonical.startsWith(p.slice(0, -1))))) {
      return vaultError(403, `IAM Principal "${canonical}" does not belong to the role "${roleName}"`);
    }
    return loginReply(mint('aws', role, { canonical_arn: canonical, role: roleName }));
  }

  function tokenEndpoint(method: string, path: string, t: FakeToken | undefined, body: Record<string, unknown>): FakeReply | undefined {
    if (!path.startsWith('auth/token/')) return undefined;
    if (!t) return PERMISSION_DENIED;
    if (path === 'auth/token/lookup-self' && method === 'GET') {
      const left = Number.isFinite(t.expiresAt) ? Math.max(0, Math.round((t.expiresAt - now()) / 1000)) : 0;
      return json(200, { request_id: randomUUID(), data: { accessor: t.accessor, policies: t.policies, ttl: left, renewable: t.renewable, type: t.type } });
    }
    if (path === 'auth/token/renew-self' && method !== 'GET') {
      if (t.type === 'batch') return vaultError(400, 'batch tokens cannot be renewed');
      if (!t.renewable) return vaultError(400, 'lease is not renewable');
      const increment = Number(body.increment ?? 0) || t.ttl;
      const cap = t.maxTtl > 0 ? t.issuedAt + t.maxTtl * 1000 : Number.POSITIVE_INFINITY;
      t.expiresAt = Math.min(now() + increment * 1000, cap);
      const lease = Math.max(0, Math.round((t.expiresAt - now()) / 1000));
      return json(200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: null, warnings: null, auth: { client_token: t.id, accessor: t.accessor, policies: t.policies, token_policies: t.policies, lease_duration: lease, renewable: true, token_type: t.type } });
    }
    if (path === 'auth/token/revoke-self' && method !== 'GET') {
      if (t.type === 'batch') return vaultError(400, 'batch tokens cannot be revoked');
      t.revoked = true;
      return json(204, undefined);
    }
    return vaultError(405, 'unsupported operation');
  }

  async function route(req: IncomingMessage, body: Record<string, unknown>): Promise<FakeReply> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/v1/')) return vaultError(404);
    const path = url.pathname.slice(4);
    const failure = failures.find((f) => f.path === url.pathname && f.times > 0);
    if (failure) {
      failure.times--;
      return vaultError(failure.status, ...failure.errors);
    }
    if (path === 'sys/health') return json(200, { initialized: true, sealed: false, standby: false, version: '1.19.0' });
    const headerNs = String(req.headers['x-vault-namespace'] ?? '').replace(/^\/+|\/+$/g, '');
    // Open source Vault ignores the header; with namespaces, mounts exist only in theirs.
    const requestNs = ns ? headerNs : '';
    const inNamespace = requestNs === ns;
    const noRoute = vaultError(404, `no handler for route "${headerNs ? `${headerNs}/` : ''}${path}". route entry not found.`);
    const token = tokenOf(req.headers['x-vault-token'] as string | undefined, requestNs);
    const tokenReply = tokenEndpoint(method, path, token, body);
    if (tokenReply) return tokenReply;
    if (path.startsWith('auth/')) {
      if (!inNamespace) return noRoute;
      return (await login(method, path, body, req)) ?? noRoute;
    }
    if (path.startsWith(`${pkiMount}/`)) {
      if (!inNamespace) return noRoute;
      if (!token) return PERMISSION_DENIED;
      const allowed = token.policies.some((p) => (opts.policies[p] ?? []).some((pattern) => aclAllows(pattern, path)));
      if (!allowed) return POLICY_DENIED;
      if (method === 'GET') return vaultError(405, 'unsupported operation');
      return pki.handle(path.slice(pkiMount.length + 1), body) ?? vaultError(404, `unsupported path`);
    }
    return noRoute;
  }

  const tls = opts.http ? undefined : await makeTlsIdentity(opts.tlsNames ?? ['127.0.0.1', 'localhost', 'vault.test']);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let body: Record<string, unknown> = {};
        const text = Buffer.concat(chunks).toString('utf8');
        let reply: FakeReply;
        try {
          if (text.trim()) body = JSON.parse(text) as Record<string, unknown>;
          reply = await route(req, body);
        } catch (err) {
          reply = err instanceof SyntaxError ? vaultError(400, 'failed to parse JSON input: invalid character') : vaultError(500, `internal error: ${(err as Error).message}`);
        }
        const tokenHeader = req.headers['x-vault-token'] as string | undefined;
        const peer = (req.socket as TLSSocket).getPeerX509Certificate?.();
        calls.push({
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://x').pathname,
          ...(req.headers['x-vault-namespace'] ? { namespace: String(req.headers['x-vault-namespace']) } : {}),
          ...(tokenHeader ? { tokenVia: tokens.get(tokenHeader)?.via ?? 'unknown' } : {}),
          status: reply.status,
          vaultRequestHeader: req.headers['x-vault-request'] === 'true',
          ...(peer ? { clientCertificate: peer.subject } : {}),
        });
        if (reply.status === 204) {
          res.writeHead(204).end();
          return;
        }
        const out = JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out), 'Cache-Control': 'no-store' }).end(out);
      })();
    });
  };
  const clientCas = [...(opts.clientCa ? [opts.clientCa] : []), ...(opts.acceptClientCas ?? [])];
  const server: Server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem, requestCert: clientCas.length > 0, rejectUnauthorized: Boolean(opts.clientCa), ...(clientCas.length > 0 ? { ca: clientCas } : {}) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caPem: tls?.caPem ?? '',
    pki,
    tokens,
    calls,
    createToken(policies, o = {}) {
      const t = mint('static', { token_policies: policies, token_ttl: o.ttl ?? 0, token_max_ttl: o.maxTtl }, {}, o.namespace ?? ns);
      if (o.renewable === false) t.renewable = false;
      return t.id;
    },
    failNext(path, status, errors, times = 1) {
      failures.push({ path, status, errors, times });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
