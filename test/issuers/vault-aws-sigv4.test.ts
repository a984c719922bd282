/**
 * The AWS IAM login data against an independent SigV4 implementation: the AWS SDK's own signer
 * (@smithy/signature-v4, installed with @aws-sdk/credential-providers) signing the same
 * GetCallerIdentity request must produce the same Authorization header, with and without a
 * session token and the X-Vault-AWS-IAM-Server-ID header.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsIamLoginData, GET_CALLER_IDENTITY_BODY } from '../../src/issuers/vault/aws-login.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): Buffer => (typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));

/** The SDK's Checksum interface over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {}
}

const decode = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

for (const variant of [
  { name: 'static keys', sessionToken: undefined, header: undefined },
  { name: 'session token and server ID header', sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN', header: 'vault.example.com' },
]) {
  test(`SigV4 of the Vault AWS login (${variant.name}) equals the AWS SDK's`, async () => {
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', ...(variant.sessionToken ? { sessionToken: variant.sessionToken } : {}) };
    const now = new Date('2026-03-04T05:06:07Z');
    const data = awsIamLoginData(creds, 'eu-central-1', variant.header, now);
    assert.equal(data.iam_http_request_method, 'POST');
    assert.equal(decode(data.iam_request_url), 'https://sts.eu-central-1.amazonaws.com/');
    assert.equal(decode(data.iam_request_body), GET_CALLER_IDENTITY_BODY);
    const ours = JSON.parse(decode(data.iam_request_headers)) as Record<string, string[]>;

    const headers: Record<string, string> = {
      host: 'sts.eu-central-1.amazonaws.com',
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(GET_CALLER_IDENTITY_BODY.length),
      ...(variant.header ? { 'x-vault-aws-iam-server-id': variant.header } : {}),
    };
    const signer = new SignatureV4({ credentials: creds, region: 'eu-central-1', service: 'sts', sha256: NodeSha256, applyChecksum: false });
    const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: 'sts.eu-central-1.amazonaws.com', path: '/', query: {}, headers, body: GET_CALLER_IDENTITY_BODY }, { signingDate: now });
    assert.equal(ours.Authorization![0], signed.headers.authorization);
    assert.equal(ours['X-Amz-Date']![0], signed.headers['x-amz-date']);
    assert.equal(ours['X-Amz-Security-Token']?.[0], signed.headers['x-amz-security-token']);
    assert.equal(ours['X-Vault-AWS-IAM-Server-ID']?.[0], variant.header);
    assert.deepEqual(Object.keys(ours).sort(), ['Authorization', 'Content-Type', 'X-Amz-Date', ...(variant.sessionToken ? ['X-Amz-Security-Token'] : []), ...(variant.header ? ['X-Vault-AWS-IAM-Server-ID'] : [])].sort());
  });
}
