/**
 * Google access tokens for Cloud DNS, found as cert-manager finds them: the service account key of
 * `serviceAccountSecretRef` (OAuth 2.0 JWT-bearer grant, RS256-signed with node:crypto), else
 * Application Default Credentials in Google's order:
 *
 * 1. `GOOGLE_APPLICATION_CREDENTIALS`: a credential file (service account key, workload identity
 *    federation config with a file, URL or AWS subject token, impersonation);
 * 2. gcloud's `application_default_credentials.json` (under `CLOUDSDK_CONFIG`, else
 *    `~/.config/gcloud`), usually `authorized_user` from `gcloud auth application-default login`;
 * 3. the GCE/GKE metadata server (`metadata.google.internal`, or `GCE_METADATA_HOST`), which is
 *    also how GKE Workload Identity hands out tokens.
 *
 * Each source is wrapped in a token cache: one exchange per run and credential, repeated only
 * near expiry.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NetworkError, sendHttp } from '../../shared/http-client.js';
import { requestToken, TokenError } from '../rest/oauth.js';
import type { TokenRequest } from '../rest/oauth.js';
import { DEFAULT_API_TUNING } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import { cachedTokenSource } from '../rest/token.js';
import type { AccessToken, TokenSource } from '../rest/token.js';
import type { ProviderContext } from '../provider.js';
import type { CloudDnsConfig } from './config.js';
import { describeCredential, parseCredentialFile } from './credential-file.js';
import type { GoogleCredentialFile, SubjectTokenSource } from './credential-file.js';
import { awsSubjectToken } from './aws-subject.js';

/** The scope cert-manager asks for. */
export const DNS_SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';
/** What STS and impersonated sources are asked for, as Google's libraries do. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A token source and what to say about it. */
export interface GoogleCredentials {
  token: TokenSource;
  /** E.g. `serviceAccountSecretRef clouddns/key.json: service account dns@p.iam.gserviceaccount.com`. */
  source: string;
  /** Strings to scrub from messages. */
  secrets: string[];
  /** `quota_project_id` of user or federated credentials, sent as x-goog-user-project. */
  quotaProject?: string;
}

/** How the exchanges run. */
export interface GoogleCredentialOptions {
  tuning: ApiTuning;
  extraCa?: string;
  debug: (message: string) => void;
}

const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The RS256-signed assertion of the JWT-bearer grant (RFC 7523) for a service account key. */
export function serviceAccountAssertion(key: Extract<GoogleCredentialFile, { type: 'service_account' }>, scope: string, now: number = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: key.tokenUri, iat, exp: iat + 3600 };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(sign('sha256', Buffer.from(input), createPrivateKey(key.privateKey)))}`;
}

const HINTS: [RegExp, string][] = [
  [/invalid_grant.*(Invalid JWT Signature|account not found)/i, 'the service account key was deleted or disabled: create a new key'],
  [/invalid_grant.*(expired or revoked|Bad Request)/i, 'the refresh token was revoked or has expired: run "gcloud auth application-default login" again'],
  [/invalid_grant.*(short-lived token|iat and exp)/i, "check this machine's clock"],
  [/invalid_client/i, 'the OAuth client of the credentials is unknown or disabled'],
  [/(invalid_target|audience)/i, 'the workload identity pool or provider of "audience" does not exist or is disabled'],
  [/PERMISSION_DENIED.*iam\.serviceAccounts\.getAccessToken|getAccessToken.*denied/i, 'the federated principal needs roles/iam.workloadIdentityUser (or serviceAccountTokenCreator) on the service account it impersonates'],
];

function withHint(err: unknown): unknown {
  if (!(err instanceof TokenError)) return err;
  const hint = HINTS.find(([re]) => re.test(`${err.code} ${err.description}`))?.[1];
  return hint ? new TokenError(`${err.message} (${hint})`, err.status, err.code, err.description) : err;
}

async function subjectToken(src: SubjectTokenSource, audience: string, env: ProviderContext['env'], label: string, opts: GoogleCredentialOptions, signal?: AbortSignal): Promise<string> {
  if (src.kind === 'aws') return awsSubjectToken(src, audience, env, label, { timeoutMs: Math.min(opts.tuning.requestTimeoutMs, 5000), signal });
  let text: string;
  if (src.kind === 'file') {
    try {
      text = await readFile(src.file, 'utf8');
    } catch (err) {
      throw new Error(`${label}: cannot read the subject token file ${src.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    const url = new URL(src.url);
    let res;
    try {
      res = await sendHttp({ method: 'GET', url, headers: src.headers, timeoutMs: opts.tuning.requestTimeoutMs, signal, extraCa: opts.extraCa });
    } catch (err) {
      if (err instanceof NetworkError) throw new Error(`${label}: subject token URL: ${err.message}`);
      throw err;
    }
    if (res.status !== 200) throw new Error(`${label}: subject token URL ${url.origin}${url.pathname}: HTTP ${res.status}`);
    text = res.text;
  }
  if (src.format.type === 'json') {
    const field = src.format.field;
    let v: unknown;
    try {
      v = (JSON.parse(text) as Record<string, unknown>)[field];
    } catch {
      throw new Error(`${label}: the subject token source is not JSON (credential_source.format.type is json)`);
    }
    if (typeof v !== 'string' || !v) throw new Error(`${label}: the subject token source has no "${field}"`);
    return v;
  }
  const token = text.trim();
  if (!token) throw new Error(`${label}: the subject token source is empty`);
  return token;
}

/** Exchanges `source` credentials for a token of `scopes` of the service account behind `url` (iamcredentials generateAccessToken). */
function impersonate(url: string, base: (signal?: AbortSignal) => Promise<AccessToken>, scopes: string[], lifetimeSeconds: number, delegates: string[], label: string, opts: GoogleCredentialOptions, signal?: AbortSignal): Promise<AccessToken> {
  return base(signal).then((b) =>
    requestToken(
      {
        url: new URL(url),
        json: { scope: scopes, lifetime: `${lifetimeSeconds}s`, ...(delegates.length > 0 ? { delegates } : {}) },
        headers: { Authorization: `Bearer ${b.token}` },
        label: `${label}: generateAccessToken`,
        extraCa: opts.extraCa,
        read: (body) => (typeof body.accessToken === 'string' ? { token: body.accessToken, expiresAt: Date.parse(String(body.expireTime)) || Date.now() + lifetimeSeconds * 1000 } : undefined),
      },
      { tuning: opts.tuning, signal, debug: opts.debug },
    ),
  );
}

/** The uncached exchange for one credential file. */
function exchangeFor(c: GoogleCredentialFile, scopes: string[], label: string, env: ProviderContext['env'], opts: GoogleCredentialOptions): (signal?: AbortSignal) => Promise<AccessToken> {
  const hooks = (signal?: AbortSignal) => ({ tuning: opts.tuning, signal, debug: opts.debug });
  const run = (req: TokenRequest, signal?: AbortSignal): Promise<AccessToken> =>
    requestToken({ ...req, extraCa: opts.extraCa }, hooks(signal)).catch((err: unknown) => {
      throw withHint(err);
    });
  switch (c.type) {
    case 'service_account':
      return (signal) =>
        run({ url: new URL(c.tokenUri), form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: serviceAccountAssertion(c, scopes.join(' ')) }, label: `${label}: token from ${new URL(c.tokenUri).host}` }, signal);
    case 'authorized_user':
      return (signal) =>
        run({ url: new URL(c.tokenUri), form: { grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken }, label: `${label}: token from ${new URL(c.tokenUri).host}` }, signal);
    case 'external_account': {
      const sts = async (signal?: AbortSignal): Promise<AccessToken> => {
        const subject = await subjectToken(c.source, c.audience, env, label, opts, signal);
        const form: Record<string, string> = {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          audience: c.audience,
          scope: CLOUD_PLATFORM_SCOPE,
          requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          subject_token: subject,
          subject_token_type: c.subjectTokenType,
        };
        if (c.workforceUserProject) form.options = JSON.stringify({ userProject: c.workforceUserProject });
        return run({ url: new URL(c.tokenUrl), form, label: `${label}: STS token exchange at ${new URL(c.tokenUrl).host}` }, signal);
      };
      if (!c.impersonationUrl) return sts;
      const url = c.impersonationUrl;
      return (signal) => impersonate(url, sts, scopes, c.lifetimeSeconds ?? 3600, [], label, opts, signal).catch((err: unknown) => Promise.reject(withHint(err)));
    }
    case 'impersonated_service_account': {
      const base = exchangeFor(c.source, [CLOUD_PLATFORM_SCOPE], label, env, opts);
      return (signal) => impersonate(c.impersonationUrl, base, scopes, 3600, c.delegates, label, opts, signal).catch((err: unknown) => Promise.reject(withHint(err)));
    }
  }
}

function secretsOf(c: GoogleCredentialFile): string[] {
  switch (c.type) {
    case 'service_account':
      return [c.privateKey];
    case 'authorized_user':
      return [c.clientSecret, c.refreshToken];
    case 'external_account':
      return [];
    case 'impersonated_service_account':
      return secretsOf(c.source);
  }
}

function fromFile(c: GoogleCredentialFile, where: string, env: ProviderContext['env'], opts: GoogleCredentialOptions): GoogleCredentials {
  const label = `clouddns: credentials from ${where}`;
  const quotaProject = c.type === 'authorized_user' || c.type === 'external_account' ? c.quotaProject : undefined;
  return { token: cachedTokenSource(exchangeFor(c, [DNS_SCOPE], label, env, opts)), source: `${where}: ${describeCredential(c)}`, secrets: secretsOf(c), quotaProject };
}

/** The metadata server of GCE, GKE (Workload Identity), Cloud Run. */
function metadataServer(env: ProviderContext['env'], tried: string[], opts: GoogleCredentialOptions): GoogleCredentials {
  const host = env.GCE_METADATA_HOST || 'metadata.google.internal';
  const url = new URL(`http://${host}/computeMetadata/v1/instance/service-accounts/default/token`);
  url.searchParams.set('scopes', DNS_SCOPE);
  const label = `clouddns: token from the metadata server ${host}`;
  // The metadata server answers at once or not at all: fail fast off Google Cloud.
  const tuning = { ...opts.tuning, requestTimeoutMs: Math.min(opts.tuning.requestTimeoutMs, 5000), maxAttempts: Math.min(opts.tuning.maxAttempts, 3) };
  return {
    token: cachedTokenSource(async (signal) => {
      try {
        return await requestToken({ method: 'GET', url, headers: { 'Metadata-Flavor': 'Google' }, label, extraCa: opts.extraCa }, { tuning, signal, debug: opts.debug });
      } catch (err) {
        const e = err as Error;
        if (!/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Timeout/.test(e.message)) throw err;
        throw new Error(
          `clouddns: no Google credentials found: set serviceAccountSecretRef, set GOOGLE_APPLICATION_CREDENTIALS to a credential file, run "gcloud auth application-default login", or run on GCE/GKE (${tried.join('; ')}; ${e.message.replace(/^clouddns: /, '')})`,
        );
      }
    }),
    source: `the metadata server ${host} (GCE, GKE Workload Identity)`,
    secrets: [],
  };
}

/** The credentials of `config`: the key in the Secret, else Application Default Credentials from `ctx.env`. */
export async function googleCredentials(config: CloudDnsConfig, ctx: ProviderContext, opts: Partial<GoogleCredentialOptions> = {}): Promise<GoogleCredentials> {
  const o: GoogleCredentialOptions = { tuning: opts.tuning ?? DEFAULT_API_TUNING, extraCa: opts.extraCa, debug: opts.debug ?? ctx.debug };
  const ref = config.serviceAccountSecretRef;
  if (ref) {
    const where = `serviceAccountSecretRef ${ref.name}/${ref.key}`;
    const text = await ctx.secretValue(ref);
    return fromFile(parseCredentialFile(text, `clouddns: ${config.path}.serviceAccountSecretRef (Secret ${ref.name}, key ${ref.key})`), where, ctx.env, o);
  }
  const env = ctx.env;
  const tried: string[] = [];
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`clouddns: GOOGLE_APPLICATION_CREDENTIALS: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return fromFile(parseCredentialFile(text, `clouddns: GOOGLE_APPLICATION_CREDENTIALS ${file}`), `GOOGLE_APPLICATION_CREDENTIALS ${file}`, env, o);
  }
  tried.push('GOOGLE_APPLICATION_CREDENTIALS is not set');
  const dir = env.CLOUDSDK_CONFIG || join(env.HOME || homedir(), '.config', 'gcloud');
  const wellKnown = join(dir, 'application_default_credentials.json');
  let text: string | undefined;
  try {
    text = await readFile(wellKnown, 'utf8');
  } catch (err) {
    tried.push(`no ${wellKnown} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (text !== undefined) return fromFile(parseCredentialFile(text, `clouddns: ${wellKnown}`), wellKnown, env, o);
  return metadataServer(env, tried, o);
}
