/**
 * The token side of the fake Google cloud: the OAuth 2.0 token endpoint (JWT-bearer grant for
 * service account keys, verified against the key's public half; refresh-token grant for gcloud
 * user credentials), Security Token Service (token exchange for workload identity federation:
 * the OIDC subject token's signature, issuer, audience and expiry are verified), IAM Credentials
 * generateAccessToken (impersonation, allowed per principal), and the metadata server's token
 * endpoint (GCE/GKE). Every token handed out is remembered with its principal and scopes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { verifySigV4 } from './aws-wire.js';
import { verifyJwt } from './jwt.js';

export const DNS_SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** A service account with one key. */
export interface FakeServiceAccount {
  email: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** Principals allowed to mint its tokens (generateAccessToken). */
  tokenCreators: string[];
}

/** A workload identity pool provider trusting one OIDC issuer, or AWS accounts (signed GetCallerIdentity requests). */
export type FakePoolProvider =
  | {
      /** `//iam.googleapis.com/projects/…/providers/…` */
      audience: string;
      issuer: string;
      publicKeyPem: string;
    }
  | {
      audience: string;
      /** AWS access keys the fake "AWS STS" knows: access key ID → secret and the caller's ARN. */
      aws: Record<string, { secret: string; arn: string }>;
    };

/** A token handed out. */
export interface FakeGoogleToken {
  principal: string;
  scopes: string[];
  expiresAt: number;
  via: 'jwt-bearer' | 'refresh_token' | 'sts' | 'impersonation' | 'metadata';
}

/** One token request as the fake saw it. */
export interface FakeGoogleTokenCall {
  endpoint: 'oauth2' | 'sts' | 'iamcredentials' | 'metadata';
  grant?: string;
  principal?: string;
  ok: boolean;
}

type Answer = { status: number; json?: unknown; text?: string; headers?: Record<string, string> };

const oauthError = (status: number, error: string, description: string): Answer => ({ status, json: { error, error_description: description } });
const googleError = (code: number, status: string, message: string): Answer => ({ status: code, json: { error: { code, message, status } } });

/** Issues and remembers tokens. */
export class FakeGoogleIdentity {
  readonly serviceAccounts: FakeServiceAccount[] = [];
  readonly users: { clientId: string; clientSecret: string; refreshToken: string; principal: string }[] = [];
  readonly pools: FakePoolProvider[] = [];
  readonly tokens = new Map<string, FakeGoogleToken>();
  readonly calls: FakeGoogleTokenCall[] = [];
  /** The service account the metadata server serves (GKE Workload Identity binds one per KSA). */
  metadataAccount?: string;
  tokenLifetime = 3599;

  /** Creates a service account with a fresh key. */
  addServiceAccount(name: string, project = 'certctl-test'): FakeServiceAccount {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sa: FakeServiceAccount = {
      email: `${name}@${project}.iam.gserviceaccount.com`,
      keyId: randomBytes(20).toString('hex'),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      tokenCreators: [],
    };
    this.serviceAccounts.push(sa);
    return sa;
  }

  /** The service account key JSON `gcloud iam service-accounts keys create` writes, with `token_uri` at this fake. */
  keyJson(sa: FakeServiceAccount, tokenUri: string): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: sa.email.split('@')[1].split('.')[0],
      private_key_id: sa.keyId,
      private_key: sa.privateKeyPem,
      client_email: sa.email,
      client_id: String(BigInt(`0x${sa.keyId.slice(0, 15)}`)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(sa.email)}`,
      universe_domain: 'googleapis.com',
    });
  }

  private issue(t: Omit<FakeGoogleToken, 'expiresAt'>): { token: string; expiresIn: number } {
    const token = `ya29.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, { ...t, expiresAt: Date.now() + this.tokenLifetime * 1000 });
    return { token, expiresIn: this.tokenLifetime };
  }

  /** POST /token (oauth2.googleapis.com). `selfUrl` is what the assertion's `aud` must be. */
  oauthToken(form: URLSearchParams, selfUrl: string): Answer {
    const grant = form.get('grant_type') ?? '';
    const call: FakeGoogleTokenCall = { endpoint: 'oauth2', grant, ok: false };
    this.calls.push(call);
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const assertion = form.get('assertion') ?? '';
      let claims: Record<string, unknown>;
      try {
        claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'));
      } catch {
        return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
      }
      const sa = this.serviceAccounts.find((s) => s.email === claims.iss);
      if (!sa) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
      const v = verifyJwt(assertion, sa.publicKeyPem);
      if (!v.ok) return oauthError(400, 'invalid_grant', v.reason === 'expired' ? 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' : 'Invalid JWT Signature.');
      if (v.header.kid !== undefined && v.header.kid !== sa.keyId) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
      if (claims.aud !== selfUrl) return oauthError(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
      if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > 3600) return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
      const scopes = String(claims.scope ?? '').split(' ').filter(Boolean);
      if (scopes.length === 0) return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
      call.ok = true;
      call.principal = `serviceAccount:${sa.email}`;
      const t = this.issue({ principal: call.principal, scopes, via: 'jwt-bearer' });
      return { status: 200, json: { access_token: t.token, expires_in: t.expiresIn, token_type: 'Bearer' } };
    }
    if (grant === 'refresh_token') {
      const user = this.users.find((u) => u.clientId === form.get('client_id'));
      if (!user || user.clientSecret !== form.get('client_secret')) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
      if (user.refreshToken !== form.get('refresh_token')) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      call.ok = true;
      call.principal = user.principal;
      const t = this.issue({ principal: user.principal, scopes: [CLOUD_PLATFORM], via: 'refresh_token' });
      return { status: 200, json: { access_token: t.token, expires_in: t.expiresIn, scope: CLOUD_PLATFORM, token_type: 'Bearer' } };
    }
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant}`);
  }

  /** POST /v1/token (sts.googleapis.com). */
  stsToken(form: URLSearchParams): Answer {
    const call: FakeGoogleTokenCall = { endpoint: 'sts', grant: form.get('grant_type') ?? '', ok: false };
    this.calls.push(call);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') return oauthError(400, 'invalid_request', 'Invalid value for "grant_type".');
    if (form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:access_token') return oauthError(400, 'invalid_request', 'Invalid value for "requested_token_type".');
    const pool = this.pools.find((p) => p.audience === form.get('audience'));
    if (!pool) return oauthError(400, 'invalid_target', 'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.');
    const subject = 'aws' in pool ? this.awsSubject(pool, form) : this.oidcSubject(pool, form);
    if ('error' in subject) return subject.error;
    call.ok = true;
    call.principal = `principal://iam.googleapis.com/${pool.audience.replace(/^\/\/iam\.googleapis\.com\//, '').replace(/\/providers\/[^/]+$/, '')}/subject/${subject.sub}`;
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const t = this.issue({ principal: call.principal, scopes, via: 'sts' });
    return { status: 200, json: { access_token: t.token, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: t.expiresIn } };
  }

  /** An OIDC subject token: signature, issuer and audience (`https:` + the provider's name) verified. */
  private oidcSubject(pool: Extract<FakePoolProvider, { issuer: string }>, form: URLSearchParams): { sub: string } | { error: Answer } {
    if (form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:jwt' && form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:id_token') return { error: oauthError(400, 'invalid_request', 'Invalid value for "subject_token_type".') };
    const v = verifyJwt(form.get('subject_token') ?? '', pool.publicKeyPem);
    if (!v.ok) return { error: oauthError(400, 'invalid_grant', `ID Token issued at ${Math.floor(Date.now() / 1000)} is stale to sign-in (${v.reason}).`) };
    const expectedAud = `https:${pool.audience}`;
    const aud = Array.isArray(v.claims.aud) ? v.claims.aud : [v.claims.aud];
    if (v.claims.iss !== pool.issuer) return { error: oauthError(400, 'invalid_grant', `The issuer in ID Token ${String(v.claims.iss)} does not match the expected ones: ${pool.issuer}.`) };
    if (!aud.includes(expectedAud)) return { error: oauthError(400, 'invalid_grant', `The audience in ID Token [${aud.join(', ')}] does not match the expected audience ${expectedAud}.`) };
    return { sub: String(v.claims.sub) };
  }

  /**
   * An AWS subject token: the URL-encoded JSON of a GetCallerIdentity request, whose SigV4
   * signature is checked (aws-wire.ts, as AWS STS would when Google replays it), bound to this
   * provider by x-goog-cloud-target-resource.
   */
  private awsSubject(pool: Extract<FakePoolProvider, { aws: unknown }>, form: URLSearchParams): { sub: string } | { error: Answer } {
    const bad = (d: string) => ({ error: oauthError(400, 'invalid_grant', d) });
    if (form.get('subject_token_type') !== 'urn:ietf:params:aws:token-type:aws4_request') return { error: oauthError(400, 'invalid_request', 'Invalid value for "subject_token_type".') };
    let req: { url?: string; method?: string; headers?: { key: string; value: string }[] };
    try {
      req = JSON.parse(decodeURIComponent(form.get('subject_token') ?? ''));
    } catch {
      return bad('The subject token is not a URL-encoded serialized AWS request.');
    }
    const url = new URL(req.url ?? 'invalid:');
    if (req.method !== 'POST' || !/^sts\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname) || url.searchParams.get('Action') !== 'GetCallerIdentity') return bad('The subject token is not a GetCallerIdentity request to AWS STS.');
    const headers = Object.fromEntries((req.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
    if (headers['x-goog-cloud-target-resource'] !== pool.audience) return bad('The x-goog-cloud-target-resource header does not match the audience.');
    if (headers.host !== url.host) return bad('The host header does not match the URL.');
    try {
      verifySigV4({ method: 'POST', url: `${url.pathname}${url.search}`, headers, body: Buffer.alloc(0) }, (akid) => pool.aws[akid]?.secret);
    } catch (err) {
      return bad(`AWS STS rejected the signed GetCallerIdentity request: ${(err as Error).message}`);
    }
    const akid = /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '';
    return { sub: pool.aws[akid].arn };
  }

  /** The principal behind a bearer header, if the token is known and alive. */
  bearer(header: string | undefined): FakeGoogleToken | undefined {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    const t = m ? this.tokens.get(m[1]) : undefined;
    return t && t.expiresAt > Date.now() ? t : undefined;
  }

  /** POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken (iamcredentials). */
  generateAccessToken(email: string, authorization: string | undefined, body: string): Answer {
    const call: FakeGoogleTokenCall = { endpoint: 'iamcredentials', ok: false };
    this.calls.push(call);
    const caller = this.bearer(authorization);
    if (!caller) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    call.principal = caller.principal;
    const sa = this.serviceAccounts.find((s) => s.email === email);
    if (!sa || !sa.tokenCreators.includes(caller.principal)) return googleError(403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).");
    let req: { scope?: string[]; lifetime?: string };
    try {
      req = JSON.parse(body);
    } catch {
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (!Array.isArray(req.scope) || req.scope.length === 0) return googleError(400, 'INVALID_ARGUMENT', 'Scope required.');
    call.ok = true;
    const t = this.issue({ principal: `serviceAccount:${sa.email}`, scopes: req.scope, via: 'impersonation' });
    return { status: 200, json: { accessToken: t.token, expireTime: new Date(Date.now() + t.expiresIn * 1000).toISOString() } };
  }

  /** GET /computeMetadata/v1/instance/service-accounts/default/token (metadata server). */
  metadataToken(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): Answer {
    const call: FakeGoogleTokenCall = { endpoint: 'metadata', ok: false };
    this.calls.push(call);
    if (headers['metadata-flavor'] !== 'Google') return { status: 403, text: 'Missing required header "Metadata-Flavor": "Google"\n' };
    if (!this.metadataAccount) return { status: 404, text: 'Not Found\n', headers: { 'Metadata-Flavor': 'Google' } };
    call.ok = true;
    call.principal = `serviceAccount:${this.metadataAccount}`;
    const scopes = (query.get('scopes') ?? CLOUD_PLATFORM).split(',');
    const t = this.issue({ principal: call.principal, scopes, via: 'metadata' });
    return { status: 200, json: { access_token: t.token, expires_in: t.expiresIn, token_type: 'Bearer' }, headers: { 'Metadata-Flavor': 'Google' } };
  }
}
