/**
 * The subject token of an AWS-sourced workload identity federation config (`credential_source`
 * with `environment_id: aws1`), as Google's libraries build it: a GetCallerIdentity request to
 * the regional STS endpoint, SigV4-signed with the workload's AWS credentials (node:crypto) and
 * bound to the pool provider by the `x-goog-cloud-target-resource` header, serialized as JSON and
 * URL-encoded. Google's STS replays it against AWS to learn who the caller is.
 *
 * Region: AWS_REGION / AWS_DEFAULT_REGION, else the instance metadata `region_url`.
 * Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else the role
 * of the instance metadata `url`. IMDSv2 is used when the config names `imdsv2_session_token_url`.
 */
import { amzDate, sha256Hex, sigV4Authorization } from '../../shared/aws-sigv4.js';
import { NetworkError, sendHttp } from '../../shared/http-client.js';

/** Where the config says to look. */
export interface AwsSubjectSource {
  kind: 'aws';
  /** `https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15` */
  verificationUrl: string;
  regionUrl?: string;
  credentialsUrl?: string;
  imdsv2Url?: string;
}

interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

async function metadata(url: string, label: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal, method: 'GET' | 'PUT' = 'GET'): Promise<string> {
  let res;
  try {
    res = await sendHttp({ method, url: new URL(url), headers, timeoutMs, signal });
  } catch (err) {
    if (err instanceof NetworkError) throw new Error(`${label}: AWS instance metadata: ${err.message}`);
    throw err;
  }
  if (res.status !== 200) throw new Error(`${label}: AWS instance metadata ${new URL(url).pathname}: HTTP ${res.status}`);
  return res.text.trim();
}

/** Builds the URL-encoded subject token for `audience`. */
export async function awsSubjectToken(src: AwsSubjectSource, audience: string, env: Record<string, string | undefined>, label: string, o: { timeoutMs: number; signal?: AbortSignal; now?: Date }): Promise<string> {
  const imds: Record<string, string> = {};
  const needsImds = !(env.AWS_REGION || env.AWS_DEFAULT_REGION) || !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  if (needsImds && src.imdsv2Url) imds['X-aws-ec2-metadata-token'] = await metadata(src.imdsv2Url, label, { 'X-aws-ec2-metadata-token-ttl-seconds': '300' }, o.timeoutMs, o.signal, 'PUT');
  let region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    if (!src.regionUrl) throw new Error(`${label}: no AWS region: set AWS_REGION, or credential_source.region_url`);
    // The availability zone (us-east-1b) without its letter.
    region = (await metadata(src.regionUrl, label, imds, o.timeoutMs, o.signal)).slice(0, -1);
  }
  let keys: AwsKeys;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    keys = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  } else {
    if (!src.credentialsUrl) throw new Error(`${label}: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or credential_source.url`);
    const role = (await metadata(src.credentialsUrl, label, imds, o.timeoutMs, o.signal)).split('\n')[0];
    const doc = JSON.parse(await metadata(`${src.credentialsUrl.replace(/\/$/, '')}/${encodeURIComponent(role)}`, label, imds, o.timeoutMs, o.signal)) as { AccessKeyId?: string; SecretAccessKey?: string; Token?: string };
    if (!doc.AccessKeyId || !doc.SecretAccessKey) throw new Error(`${label}: the AWS instance metadata holds no credentials for role ${role}`);
    keys = { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.Token };
  }
  const url = new URL(src.verificationUrl.replace('{region}', region));
  const date = amzDate(o.now ?? new Date());
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': date, 'x-goog-cloud-target-resource': audience, ...(keys.sessionToken ? { 'x-amz-security-token': keys.sessionToken } : {}) };
  // Signed with no body, as Google's libraries sign it.
  const authorization = sigV4Authorization({ method: 'POST', path: url.pathname || '/', query: url.searchParams, headers, payloadHash: sha256Hex('') }, keys, region, 'sts', date);
  const all: Record<string, string> = { ...headers, authorization };
  const request = { url: url.toString(), method: 'POST', headers: Object.keys(all).sort().map((key) => ({ key, value: all[key] })) };
  return encodeURIComponent(JSON.stringify(request));
}
