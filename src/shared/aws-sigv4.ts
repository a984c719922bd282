/**
 * AWS Signature Version 4 on node:crypto, for the two signed GetCallerIdentity requests certctl
 * builds without the AWS SDK: Vault's AWS IAM login data and the subject token of Google's
 * AWS-sourced workload identity federation.
 */
import { createHash, createHmac } from 'node:crypto';

/** The keys to sign with; never logged. */
export interface AwsSigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Hex SHA-256 of `data` (UTF-8): SigV4's payload and canonical-request hash. */
export const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
/** RFC 3986 encoding, as SigV4 wants it. */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `20240101T000000Z`: the X-Amz-Date of `now`. */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A request to sign: `headers` (lower-case names) are all signed; `payloadHash` is {@link sha256Hex} of the body. */
export interface SigV4Request {
  method: string;
  /** The URL's path as sent (`/`). */
  path: string;
  /** The URL's query parameters, if any. */
  query?: URLSearchParams;
  headers: Record<string, string>;
  payloadHash: string;
}

/**
 * The SigV4 `Authorization` header value for `req`, signed for `region` and `service` at
 * `date` (an {@link amzDate}). Header values are trimmed and their runs of whitespace collapsed
 * to one space, as SigV4's canonical headers want.
 */
export function sigV4Authorization(req: SigV4Request, keys: AwsSigningKeys, region: string, service: string, date: string): string {
  const names = Object.keys(req.headers).sort();
  const query = [...(req.query ?? [])]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = names.map((n) => `${n}:${req.headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [req.method, req.path, query, canonicalHeaders, signedHeaders, req.payloadHash].join('\n');
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), region), service), 'aws4_request');
  return `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${createHmac('sha256', key).update(toSign, 'utf8').digest('hex')}`;
}
