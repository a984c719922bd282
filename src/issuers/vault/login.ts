/**
 * Getting a Vault token, one function per auth method of cert-manager's schema, each sending the
 * request cert-manager sends: a token from a Secret; AppRole (`role_id`, `secret_id`);
 * Kubernetes (`role`, `jwt` from a Secret, a TokenRequest or the pod's projected token); TLS
 * certificate auth (`name`, over a connection presenting the client certificate); AWS IAM (a
 * signed `sts:GetCallerIdentity`). Login paths are joined like Go's path.Join.
 */
import { posix } from 'node:path';
import type { VaultAuth, VaultIssuerSpec } from '../../spec/types.js';
import type { SecretLookup } from '../registry.js';
import { vaultAwsCredentials } from './aws-credentials.js';
import { awsIamLoginData } from './aws-login.js';
import type { VaultClient, VaultClientOptions, VaultResponse } from './client.js';
import { vaultSecretRefs } from './secret-refs.js';
import { readVaultSecret } from './secrets.js';

/** A token and what Vault said about it. */
export interface VaultToken {
  token: string;
  /** certctl logged in for it (and so revokes it at the end of the run). */
  created: boolean;
  /** Seconds from `obtainedAt`; 0 = no expiry (or unknown, for a token from a Secret). */
  leaseSeconds: number;
  renewable: boolean;
  /** Batch tokens can be neither renewed nor revoked. */
  batch: boolean;
  obtainedAt: Date;
  /** How it was obtained, for messages: `kubernetes auth at /v1/auth/kubernetes (role web)`. */
  via: string;
}

/** Everything a login needs; built by the issuer once per run. */
export interface LoginContext {
  client: VaultClient;
  spec: VaultIssuerSpec;
  /** The Issuer or ClusterIssuer (the Kubernetes auth default audience names it). */
  issuer: { kind: 'Issuer' | 'ClusterIssuer'; name: string; namespace: string };
  secrets: SecretLookup;
  secretNamespace: string;
  /** The TLS identity of TLS certificate auth with `secretName`. */
  loginTls?: VaultClientOptions['tls'];
  /** Bound ServiceAccount tokens in `secretNamespace`, when certctl talks to a cluster. */
  serviceAccountToken?: (name: string, audiences: string[]) => Promise<string>;
  /** The pod's projected ServiceAccount token, used by Kubernetes auth when there is no TokenRequest. */
  podTokenFile: string;
  readFile: (path: string) => Promise<string>;
  env: Record<string, string | undefined>;
  clock: () => Date;
  debug: (message: string) => void;
  signal?: AbortSignal;
}

/** Logs in with the issuer's auth method (or reads its token). */
export async function vaultLogin(ctx: LoginContext): Promise<VaultToken> {
  const auth = ctx.spec.auth;
  switch (auth.method) {
    case 'token':
      return tokenFromSecret(ctx);
    case 'appRole':
      return appRoleLogin(ctx, auth);
    case 'clientCertificate':
      return certLogin(ctx, auth);
    case 'kubernetes':
      return kubernetesLogin(ctx, auth);
    case 'aws':
      return awsLogin(ctx, auth);
  }
}

async function secretText(ctx: LoginContext, role: 'token' | 'appRoleSecretId' | 'kubernetesJwt'): Promise<string> {
  const ref = vaultSecretRefs(ctx.spec).find((r) => r.role === role)!;
  return (await readVaultSecret(ctx.secrets, ctx.secretNamespace, ref)).toString('utf8').trim();
}

async function tokenFromSecret(ctx: LoginContext): Promise<VaultToken> {
  const token = await secretText(ctx, 'token');
  return { token, created: false, leaseSeconds: 0, renewable: false, batch: false, obtainedAt: ctx.clock(), via: 'tokenSecretRef' };
}

/** Sends a login and reads `auth.client_token`. */
async function login(ctx: LoginContext, path: string, body: Record<string, unknown>, via: string, tls?: VaultClientOptions['tls']): Promise<VaultToken> {
  let res: VaultResponse;
  try {
    res = await ctx.client.send({ method: 'POST', path, body, signal: ctx.signal, ...(tls ? { tls } : {}) });
  } catch (err) {
    throw new Error(`logging in to Vault with ${via}: ${(err as Error).message}`);
  }
  const auth = res.auth;
  if (!auth?.client_token) throw new Error(`logging in to Vault with ${via}: no token returned`);
  ctx.debug(`vault: logged in with ${via} (policies ${(auth.policies ?? []).join(', ') || 'none'}, lease ${auth.lease_duration ?? 0} s${auth.renewable ? ', renewable' : ''})`);
  return {
    token: auth.client_token,
    created: true,
    leaseSeconds: auth.lease_duration ?? 0,
    renewable: Boolean(auth.renewable),
    batch: auth.token_type === 'batch' || auth.client_token.startsWith('hvb.') || auth.client_token.startsWith('b.'),
    obtainedAt: ctx.clock(),
    via,
  };
}

async function appRoleLogin(ctx: LoginContext, auth: Extract<VaultAuth, { method: 'appRole' }>): Promise<VaultToken> {
  const secretId = await secretText(ctx, 'appRoleSecretId');
  const path = posix.join('/v1', 'auth', auth.mountPath, 'login');
  return login(ctx, path, { role_id: auth.roleId, secret_id: secretId }, `AppRole auth at ${path}`);
}

async function certLogin(ctx: LoginContext, auth: Extract<VaultAuth, { method: 'clientCertificate' }>): Promise<VaultToken> {
  const path = posix.join('/', auth.mountPath, 'login');
  if (!ctx.loginTls && !ctx.spec.clientCertSecretRef) {
    throw new Error(`TLS certificate auth at ${path} needs a client certificate: set auth.clientCertificate.secretName or clientCertSecretRef/clientKeySecretRef`);
  }
  return login(ctx, path, { name: auth.name }, `TLS certificate auth at ${path}${auth.name ? ` (role ${auth.name})` : ''}`, ctx.loginTls);
}

async function kubernetesLogin(ctx: LoginContext, auth: Extract<VaultAuth, { method: 'kubernetes' }>): Promise<VaultToken> {
  let jwt: string;
  let from: string;
  if (auth.secretRef) {
    // cert-manager sends the Secret's value as is.
    const ref = vaultSecretRefs(ctx.spec).find((r) => r.role === 'kubernetesJwt')!;
    jwt = (await readVaultSecret(ctx.secrets, ctx.secretNamespace, ref)).toString('utf8');
    from = `Secret ${ctx.secretNamespace}/${ref.name}`;
  } else {
    const sa = auth.serviceAccountRef!;
    ({ jwt, from } = await serviceAccountJwt(ctx, sa));
  }
  const path = posix.join('/', auth.mountPath, 'login');
  return login(ctx, path, { role: auth.role, jwt }, `Kubernetes auth at ${path} (role ${auth.role}, token of ${from})`);
}

/**
 * The audiences cert-manager requests: the extra ones, `vault://<namespace>/<issuer>` (or
 * `vault://<clusterissuer>`), and the server address.
 */
function kubernetesAudiences(ctx: Pick<LoginContext, 'issuer' | 'spec'>, extra: string[]): string[] {
  const issuerAudience = ctx.issuer.kind === 'Issuer' ? `vault://${ctx.issuer.namespace}/${ctx.issuer.name}` : `vault://${ctx.issuer.name}`;
  return [...extra, issuerAudience, ctx.spec.server];
}

async function serviceAccountJwt(ctx: LoginContext, sa: { name: string; audiences: string[] }): Promise<{ jwt: string; from: string }> {
  const who = `ServiceAccount ${ctx.secretNamespace}/${sa.name}`;
  if (ctx.serviceAccountToken) {
    try {
      return { jwt: await ctx.serviceAccountToken(sa.name, kubernetesAudiences(ctx, sa.audiences)), from: `${who} (TokenRequest)` };
    } catch (err) {
      throw new Error(`while requesting a token for the service account ${ctx.secretNamespace}/${sa.name}: ${(err as Error).message}`);
    }
  }
  // No cluster API (a CronJob writing files): the pod's own projected token, if it is that ServiceAccount's.
  let jwt: string;
  try {
    jwt = (await ctx.readFile(ctx.podTokenFile)).trim();
  } catch {
    throw new Error(
      `auth.kubernetes.serviceAccountRef (${who}) needs a token: run certctl with --store kubernetes (TokenRequest), or in a pod running as that ServiceAccount (its projected token ${ctx.podTokenFile} is used)`,
    );
  }
  const subject = jwtServiceAccount(jwt);
  if (!subject) throw new Error(`${ctx.podTokenFile} is not a Kubernetes ServiceAccount token`);
  if (subject.name !== sa.name || subject.namespace !== ctx.secretNamespace) {
    throw new Error(`the pod's token ${ctx.podTokenFile} is for ServiceAccount ${subject.namespace}/${subject.name}, but auth.kubernetes.serviceAccountRef names ${ctx.secretNamespace}/${sa.name}`);
  }
  return { jwt, from: `${who} (projected token ${ctx.podTokenFile})` };
}

/** The ServiceAccount a Kubernetes token names (its claims, unverified: Vault verifies it). */
function jwtServiceAccount(jwt: string): { namespace: string; name: string } | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { sub?: string; 'kubernetes.io'?: { namespace?: string; serviceaccount?: { name?: string } } };
    const k = claims['kubernetes.io'];
    if (k?.namespace && k.serviceaccount?.name) return { namespace: k.namespace, name: k.serviceaccount.name };
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(claims.sub ?? '');
    return m ? { namespace: m[1]!, name: m[2]! } : undefined;
  } catch {
    return undefined;
  }
}

async function awsLogin(ctx: LoginContext, auth: Extract<VaultAuth, { method: 'aws' }>): Promise<VaultToken> {
  const { credentials, region, source } = await vaultAwsCredentials(auth, { env: ctx.env, serviceAccountToken: ctx.serviceAccountToken, debug: ctx.debug });
  const body = { ...awsIamLoginData(credentials, region, auth.vaultHeaderValue, ctx.clock()), role: auth.role };
  // The documented behaviour (`<mountPath>/login`, mountPath with its /v1/ prefix), as for the other methods.
  const path = posix.join('/', auth.mountPath, 'login');
  return login(ctx, path, body, `AWS IAM auth at ${path} (role ${auth.role}, credentials from ${source}, region ${region})`);
}
