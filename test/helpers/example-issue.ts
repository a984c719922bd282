/**
 * Issuing from an example manifest as a user would, against the test ACME environment: the
 * example's text changed only where a test must (Pebble instead of Let's Encrypt, a fake API's
 * credentials instead of placeholders), and the result checked with openssl.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyWithPebbleRoot } from './acme-env.js';
import type { AcmeEnv } from './acme-env.js';

/** The example at `file` with Let's Encrypt replaced by Pebble (trusted through caBundle) and each `[from, to]` applied once. */
export async function exampleManifest(env: AcmeEnv, file: string, replace: [string | RegExp, string][] = []): Promise<string> {
  let text = await readFile(file, 'utf8');
  const caBundle = Buffer.from(env.pebble.caCertPem).toString('base64');
  text = text.replace(/server: https:\/\/acme-v02\.api\.letsencrypt\.org\/directory/g, `server: ${env.pebble.directoryUrl}\n    caBundle: ${caBundle}`);
  for (const [a, b] of replace) {
    const before = text;
    text = text.replace(a, b);
    assert.notEqual(text, before, `the example ${file} no longer contains ${String(a)}`);
  }
  return text;
}

/**
 * Checks the example-com certificate the examples issue into `out`: chain verified against
 * Pebble's root, apex and wildcard names, the key matching, the Secret template applied.
 */
export async function checkExampleIssued(env: AcmeEnv, out: string): Promise<string> {
  const dir = join(out, 'xxx/tls-example.com');
  const text = await verifyWithPebbleRoot(env, dir);
  assert.match(text, /DNS:example\.com/);
  assert.match(text, /DNS:\*\.example\.com/);
  assert.match(await readFile(join(dir, 'tls.key'), 'utf8'), /^-----BEGIN EC PRIVATE KEY-----/);
  const version = (await readdir(dir)).find((e) => /^\.\.\d/.test(e))!;
  const record = JSON.parse(await readFile(join(dir, version, 'certctl.json'), 'utf8'));
  assert.equal(record.secret.annotations['my-secret-annotation-1'], 'foo');
  assert.equal(record.secret.labels['my-secret-label'], 'foo');
  return text;
}
