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
import { createHash, createHmac } from 'node:crypto';
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

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();
/** RFC 3986 encoding, as SigV4 wants it. */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 `Authorization` for a request with no body; `headers` are all signed (lower-case names). */
export function sigV4(method: string, url: URL, headers: Record<string, string>, keys: AwsKeys, region: string, service: string, amzDate: string): string {
  const names = Object.keys(headers).sort();
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [method, url.pathname || '/', query, names.map((n) => `${n}:${headers[n].trim()}\n`).join(''), names.join(';'), sha256('')].join('\n');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), region), service), 'aws4_request');
  return `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${createHmac('sha256', key).update(toSign, 'utf8').digest('hex')}`;
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
  const amzDate = (o.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate, 'x-goog-cloud-target-resource': audience, ...(keys.sessionToken ? { 'x-amz-security-token': keys.sessionToken } : {}) };
  const authorization = sigV4('POST', url, headers, keys, region, 'sts', amzDate);
  const all: Record<string, string> = { ...headers, authorization };
  const request = { url: url.toString(), method: 'POST', headers: Object.keys(all).sort().map((key) => ({ key, value: all[key] })) };
  return encodeURIComponent(JSON.stringify(request));
}
