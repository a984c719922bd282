/**
 * The AWS default chain of src/shared/aws-credential-chain.ts with the real
 * @aws-sdk/credential-providers, configured only from the env passed in (files in a temp dir).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ambientAwsLinks, awsErrorText, firstAwsCredentials } from '../../src/shared/aws-credential-chain.js';
import type { AwsChainErrors, CredentialProvidersSdk } from '../../src/shared/aws-credential-chain.js';

let dir: string;
let sdk: CredentialProvidersSdk;
const CLIENT = { region: 'eu-west-1' };
/** The error `p` rejects with; resolving fails the test. */
const rejection = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => assert.fail('the chain found credentials'),
    (e: unknown) => e as Error,
  );
const errors: AwsChainErrors = { failed: (label, detail) => new Error(`from ${label}: ${detail}`), none: (tried) => new Error(`none (tried ${tried})`) };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certctl-aws-chain-'));
  sdk = await import('@aws-sdk/credential-providers');
});
after(() => rm(dir, { recursive: true, force: true }));

/** An env that points every file at the temp dir and turns instance metadata off. */
const envWith = (extra: Record<string, string>): Record<string, string> => ({
  HOME: dir,
  AWS_CONFIG_FILE: join(dir, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  ...extra,
});

test('environment keys come first, without a session token unless one is set', async () => {
  const env = envWith({ AWS_ACCESS_KEY_ID: 'AKIAENVEXAMPLE', AWS_SECRET_ACCESS_KEY: 'env-secret' });
  const got = await firstAwsCredentials(ambientAwsLinks(env, sdk, CLIENT), errors);
  assert.equal(got.source, 'environment (AWS_ACCESS_KEY_ID)');
  assert.deepEqual(got.credentials, { accessKeyId: 'AKIAENVEXAMPLE', secretAccessKey: 'env-secret' });
  const withToken = await firstAwsCredentials(ambientAwsLinks({ ...env, AWS_SESSION_TOKEN: 'tok' }, sdk, CLIENT), errors);
  assert.equal(withToken.credentials.sessionToken, 'tok');
});

test('AWS_PROFILE wins over environment keys and reads the files the env names', async () => {
  await writeFile(join(dir, 'credentials'), '[dns]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = profile-secret\n');
  const env = envWith({ AWS_PROFILE: 'dns', AWS_ACCESS_KEY_ID: 'AKIAENVEXAMPLE', AWS_SECRET_ACCESS_KEY: 'env-secret' });
  const links = ambientAwsLinks(env, sdk, CLIENT);
  assert.deepEqual(
    links.map((l) => l.label),
    [`profile dns (${join(dir, 'config')}, ${join(dir, 'credentials')})`],
  );
  const got = await firstAwsCredentials(links, errors);
  assert.equal(got.credentials.accessKeyId, 'AKIAPROFILEEXAMPLE');
  assert.equal(got.credentials.secretAccessKey, 'profile-secret');
});

test('which links the env enables: web identity, container endpoint, instance metadata', () => {
  const labels = (extra: Record<string, string>) => ambientAwsLinks(envWith(extra), sdk, CLIENT).map((l) => l.label.replace(/ \(.*/, ''));
  assert.deepEqual(labels({}), ['profile default']);
  assert.deepEqual(labels({ AWS_EC2_METADATA_DISABLED: 'false' }), ['profile default', 'EC2 instance metadata']);
  assert.deepEqual(labels({ AWS_EC2_METADATA_DISABLED: '' }), ['profile default', 'EC2 instance metadata']);
  assert.deepEqual(labels({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/r', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }), ['profile default', 'web identity']);
  assert.deepEqual(labels({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/r' }), ['profile default'], 'a role without a token file is no link');
  assert.deepEqual(labels({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds', AWS_EC2_METADATA_DISABLED: 'false' }), ['profile default', 'container credentials endpoint'], 'the container endpoint replaces instance metadata');
});

test('no link with credentials: the caller\'s error, listing why each was passed over', async () => {
  const err = await rejection(firstAwsCredentials(ambientAwsLinks(envWith({ AWS_PROFILE: 'missing' }), sdk, CLIENT), errors));
  assert.match(err.message, /^none \(tried profile missing \(.*\): .*missing/);
  assert.ok(!err.message.includes('\n'));
});

test('a configured link that fails ends the chain with the caller\'s error', async () => {
  const env = envWith({ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/irsa', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'no-token') });
  const err = await rejection(firstAwsCredentials(ambientAwsLinks(env, sdk, CLIENT), errors));
  assert.match(err.message, /^from web identity \(AWS_ROLE_ARN arn:aws:iam::123456789012:role\/irsa, AWS_WEB_IDENTITY_TOKEN_FILE .*no-token\): .*ENOENT/);
});

test('awsErrorText keeps a telling error name and makes one line', () => {
  const named = Object.assign(new Error('Not authorized\n  to assume'), { name: 'AccessDenied' });
  assert.equal(awsErrorText(named), 'AccessDenied: Not authorized to assume');
  assert.equal(awsErrorText(Object.assign(new Error('no file'), { name: 'CredentialsProviderError' })), 'no file');
  assert.equal(awsErrorText('plain'), 'plain');
});
