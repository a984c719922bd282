/**
 * AWS credentials for Vault's AWS IAM auth, with cert-manager's semantics: `serviceAccountRef`
 * with `iamRoleArn` is IRSA done by hand (a bound token of that ServiceAccount, audience
 * `sts.amazonaws.com` plus the extra ones, exchanged with AssumeRoleWithWebIdentity); otherwise
 * the ambient chain: environment keys, a profile, the web identity token file (EKS IRSA), the
 * container endpoint (ECS, EKS Pod Identity), EC2 instance metadata — the chain the Route 53
 * provider uses too (src/shared/aws-credential-chain.ts). Every link is configured from the `env`
 * passed in, never from `process.env`, and the SDK is loaded only when used.
 */
import { ambientAwsLinks, awsErrorText, firstAwsCredentials } from '../../shared/aws-credential-chain.js';
import type { CredentialProvidersSdk as Sdk } from '../../shared/aws-credential-chain.js';
import type { AwsSigningCredentials } from './aws-login.js';

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
function vaultAwsRegion(auth: VaultAwsOptions, env: VaultAwsContext['env'], debug: (m: string) => void): string {
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
      throw new VaultAwsCredentialsError(`AWS credentials from ${source}: ${awsErrorText(err)}`);
    }
  }
  const { credentials, source } = await firstAwsCredentials(ambientAwsLinks(ctx.env, await load(), clientConfig), {
    failed: (label, detail) => new VaultAwsCredentialsError(`AWS credentials from ${label}: ${detail}`),
    none: (tried) =>
      new VaultAwsCredentialsError(
        `no AWS credentials found for Vault AWS auth: provide AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA), or set auth.aws.serviceAccountRef and iamRoleArn (tried ${tried})`,
      ),
  });
  return { credentials, region, source };
}
