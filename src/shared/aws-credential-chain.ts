/**
 * The AWS default credential chain, assembled from the `env` passed in rather than left to the
 * SDK's `defaultProvider`, which reads `process.env` itself: each link gets its variables
 * explicitly, in the SDK's order (environment keys → shared config/credentials files with
 * profiles, SSO, credential_process and role chaining → web identity token file, i.e. EKS IRSA →
 * container endpoint (ECS, EKS Pod Identity) → EC2 instance metadata). A link is only added when
 * `env` enables it, because an option left undefined would make the SDK fall back to
 * `process.env`. The Route 53 provider and Vault's AWS auth both use it, each with its own words.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The `@aws-sdk/credential-providers` module; callers load it only when a chain needs it. */
export type CredentialProvidersSdk = typeof import('@aws-sdk/credential-providers');

/** What AWS requests are signed with; never logged. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A credential source in the SDK's provider shape. */
export type AwsCredentialSource = (props?: Record<string, unknown>) => Promise<AwsCredentials>;

/** One link of the chain; `label` says where it looks (never a value). */
export interface AwsCredentialLink {
  label: string;
  get: AwsCredentialSource;
}

/** The caller's wording of the chain's two failures. */
export interface AwsChainErrors {
  /** A configured link failed: `detail` is the SDK's error as one line. */
  failed(label: string, detail: string): Error;
  /** No link had credentials: `tried` says why each was passed over. */
  none(tried: string): Error;
}

/** An SDK error as one line: its name when that says something (`InvalidIdentityToken: …`), then its message. */
export function awsErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const name = e.name && !/^(Error|CredentialsProviderError|ProviderError)$/.test(e.name) ? `${e.name}: ` : '';
  return `${name}${String(e.message ?? err).replace(/\s+/g, ' ').trim()}`;
}

/** The links `env` enables, in the SDK's order; STS calls of the chain go to `clientConfig` (region, endpoint). */
export function ambientAwsLinks(env: Record<string, string | undefined>, sdk: CredentialProvidersSdk, clientConfig: { region: string; endpoint?: string }): AwsCredentialLink[] {
  const links: AwsCredentialLink[] = [];
  const profile = env.AWS_PROFILE;
  // As the SDK: an explicit AWS_PROFILE wins over static keys in the environment.
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const creds: AwsCredentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
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
  const imdsOff = Boolean(env.AWS_EC2_METADATA_DISABLED) && env.AWS_EC2_METADATA_DISABLED!.toLowerCase() !== 'false';
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

/**
 * The credentials of the first link that has some, and its label. A link that is not configured
 * (the SDK marks it `tryNextLink`) passes to the next one; any other failure ends the chain.
 */
export async function firstAwsCredentials(links: AwsCredentialLink[], errors: AwsChainErrors, props?: Record<string, unknown>): Promise<{ credentials: AwsCredentials; source: string }> {
  const skipped: string[] = [];
  for (const link of links) {
    try {
      return { credentials: await link.get(props), source: link.label };
    } catch (err) {
      if (!(err as { tryNextLink?: boolean }).tryNextLink) throw errors.failed(link.label, awsErrorText(err));
      skipped.push(`${link.label}: ${awsErrorText(err)}`);
    }
  }
  throw errors.none(skipped.join('; '));
}
