/**
 * AWS credentials for the Route 53 provider, with cert-manager's semantics: static keys
 * (`accessKeyID` or `accessKeyIDSecretRef`, plus `secretAccessKeySecretRef`), else the default
 * chain, configured from `ctx.env` only (src/shared/aws-credential-chain.ts); then `role` assumed
 * on top with STS AssumeRole.
 */
import { ambientAwsLinks, awsErrorText, firstAwsCredentials } from '../../shared/aws-credential-chain.js';
import type { AwsCredentialLink, AwsCredentials, AwsCredentialSource as CredentialSource, CredentialProvidersSdk } from '../../shared/aws-credential-chain.js';
import type { ProviderContext } from '../provider.js';
import type { Route53Config } from './config.js';

export type { CredentialProvidersSdk } from '../../shared/aws-credential-chain.js';

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

function failure(label: string, err: unknown): CredentialsError {
  if (err instanceof CredentialsError) return err;
  return new CredentialsError(`route53: credentials from ${label}: ${awsErrorText(err)}`);
}

/** The default chain as one source: the first link that has credentials. */
function chain(links: AwsCredentialLink[]): CredentialSource {
  const errors = {
    failed: (label: string, detail: string) => new CredentialsError(`route53: credentials from ${label}: ${detail}`),
    none: (tried: string) =>
      new CredentialsError(
        'route53: no AWS credentials found: set accessKeyID (or accessKeyIDSecretRef) and secretAccessKeySecretRef, or provide AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
          `AWS_PROFILE, or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA) (tried ${tried})`,
      ),
  };
  return async (props) => (await firstAwsCredentials(links, errors, props)).credentials;
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
    base = chain(ambientAwsLinks(ctx.env, await opts.loadSdk(), clientConfig));
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
