/**
 * AWS credentials for Vault's AWS IAM auth, with cert-manager's semantics: `serviceAccountRef`
 * with `iamRoleArn` is IRSA done by hand (a bound token of that ServiceAccount, audience
 * `sts.amazonaws.com` plus the extra ones, exchanged with AssumeRoleWithWebIdentity); otherwise
 * the ambient chain: environment keys, a profile, the web identity token file (EKS IRSA), the
 * container endpoint (ECS, EKS Pod Identity), EC2 instance metadata. Every link is configured
 * from the `env` passed in, never from `process.env`, and the SDK is loaded only when used.
 *
 * The Route 53 provider has the same chain, but built around its own config type and messages
 * (src/providers/route53/credentials.ts); sharing it means moving it to a shared module first.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsSigningCredentials } from './aws-login.js';

type Sdk = typeof import('@aws-sdk/credential-providers');
type Source = () => Promise<AwsSigningCredentials>;

/** The `auth.aws` fields the credentials depend on. */
export interface VaultAwsOptions {
  role: string;
  region?: string;
  iamRoleArn?: string;
  serviceAccountRef?: { name: string; audiences: string[] };
}

/** What the credential chain reads: the environment passed in, and TokenRequest. */
export interface VaultAwsContext {
  env: Record<string, string | undefined>;
  /** A bound token of a ServiceAccount in the issuer's Secret namespace (TokenRequest). */
  serviceAccountToken?: (name: string, audiences: string[]) => Promise<string>;
  debug: (message: string) => void;
  loadSdk?: () => Promise<Sdk>;
}

/** A credentials failure, one line, naming where certctl looked (never a value). */
export class VaultAwsCredentialsError extends Error {
  override name = 'VaultAwsCredentialsError';
}

/**
 * The region cert-manager signs for: with ambient credentials AWS_REGION / AWS_DEFAULT_REGION
 * win over `region` (as in its Route 53 solver), else `region`, else us-east-1 (STS is global).
 */
export function vaultAwsRegion(auth: VaultAwsOptions, env: VaultAwsContext['env'], debug: (m: string) => void): string {
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  const ambient = !auth.serviceAccountRef;
  if (auth.region && envRegion && ambient) {
    debug(`vault aws auth: using region ${envRegion} from the environment instead of auth.aws.region ${auth.region} (ambient credentials, as cert-manager)`);
    return envRegion;
  }
  return auth.region || envRegion || 'us-east-1';
}

/** Credentials and the region to sign the GetCallerIdentity request for. */
export async function vaultAwsCredentials(auth: VaultAwsOptions, ctx: VaultAwsContext): Promise<{ credentials: AwsSigningCredentials; region: string; source: string }> {
  const region = vaultAwsRegion(auth, ctx.env, ctx.debug);
  const load = ctx.loadSdk ?? (() => import('@aws-sdk/credential-providers'));
  const endpoint = ctx.env.AWS_ENDPOINT_URL_STS || ctx.env.AWS_ENDPOINT_URL;
  const clientConfig = { region, ...(endpoint ? { endpoint } : {}) };
  if (auth.serviceAccountRef) {
    const sa = auth.serviceAccountRef;
    if (!ctx.serviceAccountToken) {
      throw new VaultAwsCredentialsError(
        `auth.aws.serviceAccountRef (ServiceAccount ${JSON.stringify(sa.name)}) needs a token from the Kubernetes TokenRequest API: run certctl with --store kubernetes, or drop serviceAccountRef to use the ambient credentials (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE in an EKS pod)`,
      );
    }
    const token = await ctx.serviceAccountToken(sa.name, ['sts.amazonaws.com', ...sa.audiences]);
    const sdk = await load();
    const source = `ServiceAccount ${sa.name} (TokenRequest) assuming ${auth.iamRoleArn}`;
    try {
      return { credentials: await sdk.fromWebToken({ roleArn: auth.iamRoleArn!, webIdentityToken: token, roleSessionName: 'certctl', clientConfig })(), region, source };
    } catch (err) {
      throw new VaultAwsCredentialsError(`AWS credentials from ${source}: ${oneLine(err)}`);
    }
  }
  const links = ambientLinks(ctx.env, await load(), clientConfig);
  const skipped: string[] = [];
  for (const link of links) {
    try {
      return { credentials: await link.get(), region, source: link.label };
    } catch (err) {
      if ((err as { tryNextLink?: boolean }).tryNextLink) {
        skipped.push(`${link.label}: ${oneLine(err)}`);
        continue;
      }
      throw new VaultAwsCredentialsError(`AWS credentials from ${link.label}: ${oneLine(err)}`);
    }
  }
  throw new VaultAwsCredentialsError(
    `no AWS credentials found for Vault AWS auth: provide AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA), or set auth.aws.serviceAccountRef and iamRoleArn (tried ${skipped.join('; ')})`,
  );
}

function oneLine(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const code = e.name && !/^(Error|CredentialsProviderError|ProviderError)$/.test(e.name) ? `${e.name}: ` : '';
  return `${code}${String(e.message ?? err).replace(/\s+/g, ' ').trim()}`;
}

function ambientLinks(env: VaultAwsContext['env'], sdk: Sdk, clientConfig: { region: string; endpoint?: string }): { label: string; get: Source }[] {
  const links: { label: string; get: Source }[] = [];
  const profile = env.AWS_PROFILE;
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const creds = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
    links.push({ label: 'environment (AWS_ACCESS_KEY_ID)', get: async () => creds });
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  const filepath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const configFilepath = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  links.push({ label: `profile ${profile || 'default'}`, get: sdk.fromIni({ profile: profile || 'default', filepath, configFilepath, clientConfig }) });
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    links.push({
      label: `web identity (AWS_ROLE_ARN ${env.AWS_ROLE_ARN})`,
      get: sdk.fromTokenFile({ webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, roleArn: env.AWS_ROLE_ARN, roleSessionName: env.AWS_ROLE_SESSION_NAME || 'certctl', clientConfig }),
    });
  }
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const imdsOff = Boolean(env.AWS_EC2_METADATA_DISABLED) && env.AWS_EC2_METADATA_DISABLED!.toLowerCase() !== 'false';
  if (relative || full) {
    links.push({
      label: 'container credentials endpoint',
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
