/**
 * AWS credentials for the Route 53 provider, with cert-manager's semantics: static keys
 * (`accessKeyID` or `accessKeyIDSecretRef`, plus `secretAccessKeySecretRef`), else the default
 * chain; then `role` assumed on top with STS AssumeRole.
 *
 * The default chain is assembled here from `ctx.env` rather than left to the SDK's
 * `defaultProvider`, which reads `process.env` itself: each link gets its variables passed
 * explicitly, in the SDK's order (environment keys → shared config/credentials files with
 * profiles, SSO, credential_process and role chaining → web identity token file, i.e. EKS IRSA →
 * container endpoint (ECS, EKS Pod Identity) → EC2 instance metadata). A link is only added when
 * `ctx.env` enables it, because an option left undefined would make the SDK fall back to
 * `process.env`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProviderContext } from '../provider.js';
import type { Route53Config } from './config.js';

/** The `@aws-sdk/credential-providers` module, loaded only when the chain or `role` needs it. */
export type CredentialProvidersSdk = typeof import('@aws-sdk/credential-providers');

/** What the SDK signs with. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A credential source in the SDK's provider shape. */
export type CredentialSource = (props?: Record<string, unknown>) => Promise<AwsCredentials>;

/** A credentials failure, already one line and prefixed `route53: `. */
export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

/** Resolved credential setup. */
export interface Route53Credentials {
  /** Memoized until 5 minutes before expiry; failures are not cached. */
  provider: CredentialSource;
  /** Where credentials come from, for messages (never the values). */
  source: string;
  /** Credential strings known up front, to scrub from error messages. */
  secrets: string[];
}

/** How {@link route53Credentials} reaches STS and loads the credential providers. */
export interface CredentialOptions {
  region: string;
  /** STS endpoint override (AWS_ENDPOINT_URL_STS), for the STS calls of the chain and `role`. */
  stsEndpoint?: string;
  loadSdk: () => Promise<CredentialProvidersSdk>;
}

interface Link {
  label: string;
  get: CredentialSource;
}

const oneLine = (s: unknown): string => String(s ?? '').replace(/\s+/g, ' ').trim();

function failure(label: string, err: unknown): CredentialsError {
  if (err instanceof CredentialsError) return err;
  const e = err as { name?: string; message?: string };
  const code = e.name && !/^(Error|CredentialsProviderError|ProviderError)$/.test(e.name) ? `${e.name}: ` : '';
  return new CredentialsError(`route53: credentials from ${label}: ${code}${oneLine(e.message)}`);
}

/** Tries links in order; a link that is not configured (tryNextLink) passes to the next one. */
function chain(links: Link[]): CredentialSource {
  return async (props) => {
    const skipped: string[] = [];
    for (const link of links) {
      try {
        return await link.get(props);
      } catch (err) {
        if ((err as { tryNextLink?: boolean }).tryNextLink) {
          skipped.push(`${link.label}: ${oneLine((err as Error).message)}`);
          continue;
        }
        throw failure(link.label, err);
      }
    }
    throw new CredentialsError(
      'route53: no AWS credentials found: set accessKeyID (or accessKeyIDSecretRef) and secretAccessKeySecretRef, or provide AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
        `AWS_PROFILE, or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA) (tried ${skipped.join('; ')})`,
    );
  };
}

function memoize(source: CredentialSource): CredentialSource {
  let value: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  return async (props) => {
    if (value && (!value.expiration || value.expiration.getTime() - Date.now() > 5 * 60_000)) return value;
    pending ??= source(props)
      .then((c) => (value = c))
      .finally(() => (pending = undefined));
    return pending;
  };
}

/** The default chain, configured from `env` only. */
function ambientLinks(env: ProviderContext['env'], sdk: CredentialProvidersSdk, clientConfig: { region: string; endpoint?: string }): Link[] {
  const links: Link[] = [];
  const profile = env.AWS_PROFILE;
  // As the SDK: an explicit AWS_PROFILE wins over static keys in the environment.
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const creds = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    links.push({ label: 'environment (AWS_ACCESS_KEY_ID)', get: async () => creds });
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  const filepath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const configFilepath = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  links.push({ label: `profile ${profile || 'default'} (${configFilepath}, ${filepath})`, get: sdk.fromIni({ profile: profile || 'default', filepath, configFilepath, clientConfig }) });
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const roleArn = env.AWS_ROLE_ARN;
  if (tokenFile && roleArn) {
    links.push({
      label: `web identity (AWS_ROLE_ARN ${roleArn}, AWS_WEB_IDENTITY_TOKEN_FILE ${tokenFile})`,
      get: sdk.fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn, roleSessionName: env.AWS_ROLE_SESSION_NAME || 'certctl', clientConfig }),
    });
  }
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const imdsOff = env.AWS_EC2_METADATA_DISABLED !== undefined && env.AWS_EC2_METADATA_DISABLED !== '' && env.AWS_EC2_METADATA_DISABLED.toLowerCase() !== 'false';
  if (relative || full) {
    links.push({
      label: 'container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*)',
      get: sdk.fromHttp({
        awsContainerCredentialsRelativeUri: relative,
        awsContainerCredentialsFullUri: full,
        awsContainerAuthorizationToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
        awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
      }),
    });
  } else if (!imdsOff) {
    links.push({ label: 'EC2 instance metadata', get: sdk.fromInstanceMetadata({ timeout: 1000, maxRetries: 0 }) });
  }
  return links;
}

/** Static keys from the config, or undefined for the default chain; throws on half-configured keys. */
async function staticKeys(config: Route53Config, ctx: ProviderContext): Promise<AwsCredentials | undefined> {
  const hasId = Boolean(config.accessKeyID) || config.accessKeyIDSecretRef !== undefined;
  if (config.accessKeyID && config.accessKeyIDSecretRef) throw new CredentialsError('route53: set accessKeyID or accessKeyIDSecretRef, not both');
  if (hasId && !config.secretAccessKeySecretRef) throw new CredentialsError('route53: an access key ID is set but secretAccessKeySecretRef is missing');
  if (!hasId && config.secretAccessKeySecretRef) throw new CredentialsError('route53: secretAccessKeySecretRef is set but accessKeyID (or accessKeyIDSecretRef) is missing');
  if (!hasId || !config.secretAccessKeySecretRef) return undefined;
  const accessKeyId = config.accessKeyIDSecretRef ? await ctx.secretValue(config.accessKeyIDSecretRef) : (config.accessKeyID ?? '');
  const secretAccessKey = await ctx.secretValue(config.secretAccessKeySecretRef);
  if (!accessKeyId.trim() || !secretAccessKey.trim()) throw new CredentialsError('route53: the access key ID or secret access key is empty');
  return { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim() };
}

function serviceAccountError(config: Route53Config, env: ProviderContext['env']): CredentialsError {
  const sa = JSON.stringify(config.serviceAccountRef?.name);
  const why = env.KUBERNETES_SERVICE_HOST
    ? 'needs a token from the Kubernetes TokenRequest API: run certctl with --store kubernetes'
    : 'needs a token from the Kubernetes TokenRequest API: run certctl with --store kubernetes (in a pod, or with a kubeconfig)';
  return new CredentialsError(
    `route53: auth.kubernetes.serviceAccountRef (service account ${sa}) ${why}; use IRSA instead (a service account annotated with eks.amazonaws.com/role-arn sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE), a profile, or static keys`,
  );
}

/** Builds the credential provider the Route 53 client signs with. */
export async function route53Credentials(config: Route53Config, ctx: ProviderContext, opts: CredentialOptions): Promise<Route53Credentials> {
  const clientConfig = { region: opts.region, ...(opts.stsEndpoint ? { endpoint: opts.stsEndpoint } : {}) };
  if (config.serviceAccountRef) {
    // cert-manager's flow: a bound token of that ServiceAccount, exchanged for the role.
    const sa = config.serviceAccountRef;
    if (!ctx.serviceAccountToken) throw serviceAccountError(config, ctx.env);
    if (!config.role) throw new CredentialsError(`route53: auth.kubernetes.serviceAccountRef needs role: the IAM role to assume with the service account's token`);
    const audiences = sa.audiences.length > 0 ? sa.audiences : ['sts.amazonaws.com'];
    const sdk = await opts.loadSdk();
    const tokenFor = ctx.serviceAccountToken;
    const provider: CredentialSource = async () =>
      sdk.fromWebToken({ roleArn: config.role!, webIdentityToken: await tokenFor(sa.name, audiences), roleSessionName: 'certctl', clientConfig })();
    return { provider: memoize(provider), source: `service account ${sa.name} (TokenRequest, audiences ${audiences.join(',')}) assuming ${config.role}`, secrets: [] };
  }
  const keys = await staticKeys(config, ctx);
  const secrets = keys ? [keys.secretAccessKey, keys.accessKeyId] : [ctx.env.AWS_SECRET_ACCESS_KEY, ctx.env.AWS_SESSION_TOKEN, ctx.env.AWS_ACCESS_KEY_ID].filter((s): s is string => Boolean(s));
  let base: CredentialSource;
  let source: string;
  if (keys) {
    base = async () => keys;
    source = config.accessKeyIDSecretRef ? 'accessKeyIDSecretRef + secretAccessKeySecretRef' : 'accessKeyID + secretAccessKeySecretRef';
  } else {
    base = chain(ambientLinks(ctx.env, await opts.loadSdk(), clientConfig));
    source = 'the default credential chain';
  }
  if (!config.role) return { provider: memoize(base), source, secrets };

  const sdk = await opts.loadSdk();
  const label = `role ${config.role} (STS AssumeRole with ${source})`;
  const assume = sdk.fromTemporaryCredentials({ masterCredentials: base, params: { RoleArn: config.role, RoleSessionName: 'certctl' }, clientConfig });
  const assumed: CredentialSource = async (props) => {
    try {
      return await assume(props);
    } catch (err) {
      throw failure(label, err);
    }
  };
  return { provider: memoize(assumed), source: label, secrets };
}
