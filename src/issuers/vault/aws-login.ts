/**
 * Vault's AWS IAM auth login data: an `sts:GetCallerIdentity` request signed with AWS Signature
 * Version 4 (node:crypto), which Vault replays to STS to learn who the caller is. The request is
 * the one cert-manager (and hashicorp's awsutil.GenerateLoginData) builds: POST to
 * `https://sts.<region>.amazonaws.com/`, a form body, the optional `X-Vault-AWS-IAM-Server-ID`
 * header signed with the rest, and the headers sent as Go's http.Header JSON (Host and
 * Content-Length are not in that map: Go keeps them in the request, and Vault's client sets them
 * again when it replays the request).
 */
import { amzDate, sha256Hex, sigV4Authorization } from '../../shared/aws-sigv4.js';

/** Credentials to sign with; never logged. */
export interface AwsSigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/**
 * The body of `POST <mount>/login` for Vault's aws auth method (without `role`): method, URL,
 * headers and body of the signed request, each base64 as Vault expects.
 */
export function awsIamLoginData(creds: AwsSigningCredentials, region: string, serverIdHeader: string | undefined, now: Date): Record<string, string> {
  const host = `sts.${region}.amazonaws.com`;
  const url = `https://${host}/`;
  const date = amzDate(now);
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';

  // Every header is signed, as the Go SDK's v4 signer does (it skips only Authorization,
  // User-Agent, X-Amzn-Trace-Id, Expect and Transfer-Encoding); lowercase names.
  const signed: Record<string, string> = {
    'content-length': String(Buffer.byteLength(GET_CALLER_IDENTITY_BODY)),
    'content-type': contentType,
    host,
    'x-amz-date': date,
    ...(creds.sessionToken ? { 'x-amz-security-token': creds.sessionToken } : {}),
    ...(serverIdHeader ? { 'x-vault-aws-iam-server-id': serverIdHeader } : {}),
  };
  const authorization = sigV4Authorization({ method: 'POST', path: '/', headers: signed, payloadHash: sha256Hex(GET_CALLER_IDENTITY_BODY) }, creds, region, 'sts', date);

  // Go's http.Header: canonical MIME keys (the server-ID header as cert-manager sets it, verbatim).
  const headers: Record<string, string[]> = {
    'Content-Type': [contentType],
    'X-Amz-Date': [date],
    Authorization: [authorization],
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
