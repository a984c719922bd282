/**
 * Vault's AWS IAM auth login data: an `sts:GetCallerIdentity` request signed with AWS Signature
 * Version 4 (node:crypto), which Vault replays to STS to learn who the caller is. The request is
 * the one cert-manager (and hashicorp's awsutil.GenerateLoginData) builds: POST to
 * `https://sts.<region>.amazonaws.com/`, a form body, the optional `X-Vault-AWS-IAM-Server-ID`
 * header signed with the rest, and the headers sent as Go's http.Header JSON (Host and
 * Content-Length are not in that map: Go keeps them in the request, and Vault's client sets them
 * again when it replays the request).
 */
import { createHash, createHmac } from 'node:crypto';

/** Credentials to sign with; never logged. */
export interface AwsSigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** `20240101T000000Z`. */
function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The body of `POST <mount>/login` for Vault's aws auth method (without `role`): method, URL,
 * headers and body of the signed request, each base64 as Vault expects.
 */
export function awsIamLoginData(creds: AwsSigningCredentials, region: string, serverIdHeader: string | undefined, now: Date): Record<string, string> {
  const host = `sts.${region}.amazonaws.com`;
  const url = `https://${host}/`;
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';

  // Every header is signed, as the Go SDK's v4 signer does (it skips only Authorization,
  // User-Agent, X-Amzn-Trace-Id, Expect and Transfer-Encoding); lowercase names, sorted.
  const signed: [string, string][] = [
    ['content-length', String(Buffer.byteLength(GET_CALLER_IDENTITY_BODY))],
    ['content-type', contentType],
    ['host', host],
    ['x-amz-date', date],
  ];
  if (creds.sessionToken) signed.push(['x-amz-security-token', creds.sessionToken]);
  if (serverIdHeader) signed.push(['x-vault-aws-iam-server-id', serverIdHeader]);
  signed.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const signedHeaders = signed.map(([k]) => k).join(';');
  const canonicalHeaders = signed.map(([k, v]) => `${k}:${v.trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(GET_CALLER_IDENTITY_BODY)].join('\n');
  const scope = `${day}/${region}/sts/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 'sts'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');

  // Go's http.Header: canonical MIME keys (the server-ID header as cert-manager sets it, verbatim).
  const headers: Record<string, string[]> = {
    'Content-Type': [contentType],
    'X-Amz-Date': [date],
    Authorization: [`AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`],
  };
  if (creds.sessionToken) headers['X-Amz-Security-Token'] = [creds.sessionToken];
  if (serverIdHeader) headers['X-Vault-AWS-IAM-Server-ID'] = [serverIdHeader];

  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return {
    iam_http_request_method: 'POST',
    iam_request_url: b64(url),
    iam_request_headers: b64(JSON.stringify(headers)),
    iam_request_body: b64(GET_CALLER_IDENTITY_BODY),
  };
}
