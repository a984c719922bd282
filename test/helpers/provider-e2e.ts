/**
 * What the end-to-end tests of the cloud DNS providers share: the example manifests as users have
 * them, pointed at Pebble instead of Let's Encrypt (and nothing else changed unless a test says
 * so), and the check of what an issuance wrote.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyWithPebbleRoot } from './acme-env.js';
import type { AcmeEnv } from './acme-env.js';

/** The manifest `file`, with the ACME server replaced by Pebble (trusted through caBundle) and `replace` applied (each must match). */
export async function userManifest(env: AcmeEnv, file: string, replace: [string | RegExp, string][] = []): Promise<string> {
  let text = await readFile(file, 'utf8');
  const caBundle = Buffer.from(env.pebble.caCertPem).toString('base64');
  assert.match(text, /server: https:\/\/acme-v02\.api\.letsencrypt\.org\/directory/, `${file} names Let's Encrypt`);
  text = text.replace(/server: https:\/\/acme-v02\.api\.letsencrypt\.org\/directory/g, `server: ${env.pebble.directoryUrl}\n    caBundle: ${caBundle}`);
  for (const [a, b] of replace) {
    assert.ok(typeof a === 'string' ? text.includes(a) : a.test(text), `${file} contains ${String(a)}`);
    text = text.replace(a, b);
  }
  return text;
}

/**
 * Checks the certificate written at `<out>/<namespace>/<secretName>`: it chains to Pebble's root
 * (openssl), holds the apex and the wildcard of example.com, and the challenge records are gone
 * from DNS (within `settleMs`).
 */
export async function checkIssued(env: AcmeEnv, out: string, namespace: string, secretName: string, o: { settleMs?: number } = {}): Promise<string> {
  const dir = join(out, namespace, secretName);
  const text = await verifyWithPebbleRoot(env, dir);
  assert.match(text, /DNS:example\.com/);
  assert.match(text, /DNS:\*\.example\.com/);
  assert.match(await readFile(join(dir, 'tls.key'), 'utf8'), /^-----BEGIN (EC |RSA )?PRIVATE KEY-----/);
  assert.ok((await readdir(dir)).some((e) => /^\.\.\d/.test(e)), 'kubelet Secret-volume layout');
  // Eventually consistent APIs (Cloud DNS) publish a clean-up some time after accepting it.
  const deadline = Date.now() + (o.settleMs ?? 0);
  let left = await env.bind.txt('_acme-challenge.example.com.');
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = await env.bind.txt('_acme-challenge.example.com.');
  }
  assert.deepEqual(left, [], 'challenge records removed');
  return text;
}
