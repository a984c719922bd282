/**
 * Keystores and extra output formats through the CLI: written with the certificate, 0600, read
 * back by openssl and keytool; a no-op run rewrites nothing; a changed password re-creates the
 * keystore with the same certificate; a removed keystore is removed; bad password references
 * are input errors.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslResult, runCli } from '../helpers/run-cli.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const KAFKA = 'examples/keystores/kafka-pkcs12.yaml';
const PASSWORD = 'replace-me-with-openssl-rand-hex-16';

async function out(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'certctl-keystores-'));
  dirs.push(d);
  return d;
}

test('PKCS#12 keystore and truststore, 0600, readable by openssl; a second run writes nothing', async () => {
  const o = await out();
  const r = await runCli(['issue', '-f', KAFKA, '--out-dir', o]);
  assert.equal(r.code, 0, r.stderr);
  const dir = join(o, 'kafka', 'broker-0-tls');
  for (const f of ['keystore.p12', 'truststore.p12']) {
    assert.equal(statSync(realpathSync(join(dir, f))).mode & 0o777, 0o600, f);
  }
  const info = opensslResult(['pkcs12', '-in', join(dir, 'keystore.p12'), '-passin', `pass:${PASSWORD}`, '-nokeys', '-info']);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stderr + info.stdout, /PBES2, PBKDF2, AES-256-CBC/);
  const leaf = readFileSync(join(dir, 'tls.crt'), 'utf8').split('-----END CERTIFICATE-----')[0];
  assert.ok(info.stdout.includes(leaf.split('\n').slice(1, 3).join('\n')), 'the keystore holds the issued leaf');
  const version = readdirSync(dir).find((e) => e.startsWith('..2'));
  const again = await runCli(['issue', '-f', KAFKA, '--out-dir', o]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /SecretUpdated|Issued/);
  assert.equal(readdirSync(dir).find((e) => e.startsWith('..2')), version, 'no new version: nothing rewritten');
});

test('a changed password re-creates the keystore with the same certificate; removing it removes the file', async () => {
  const o = await out();
  assert.equal((await runCli(['issue', '-f', KAFKA, '--out-dir', o])).code, 0);
  const dir = join(o, 'kafka', 'broker-0-tls');
  const crt = readFileSync(join(dir, 'tls.crt'), 'utf8');
  const changed = (await readFile(KAFKA, 'utf8')).replaceAll(PASSWORD, 'a-new-password-1234');
  const r = await runCli(['issue', '-f', '-', '--out-dir', o], { input: changed });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kafka\/broker-0: SecretUpdated: the Secret no longer matched the spec: re-created keystore\.p12, truststore\.p12 \(same certificate and key\)/);
  assert.equal(readFileSync(join(dir, 'tls.crt'), 'utf8'), crt);
  assert.equal(opensslResult(['pkcs12', '-in', join(dir, 'keystore.p12'), '-passin', 'pass:a-new-password-1234', '-nokeys']).status, 0);
  assert.notEqual(opensslResult(['pkcs12', '-in', join(dir, 'keystore.p12'), '-passin', `pass:${PASSWORD}`, '-nokeys']).status, 0);
  const without = changed.replace(/  keystores:[\s\S]*?(?=\n  [a-z]|\n---|\n$)/, '');
  assert.ok(!without.includes('keystores:'), 'the test removed the keystores block');
  const removed = await runCli(['issue', '-f', '-', '--out-dir', o], { input: without });
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stderr, /removed keystore\.p12, truststore\.p12/);
  assert.throws(() => lstatSync(join(dir, 'keystore.p12')));
  assert.equal(readFileSync(join(dir, 'tls.crt'), 'utf8'), crt);
});

test('JKS keystore and truststore and the extra output formats, read by keytool and openssl', { skip: spawnSync('keytool', ['-help']).error ? 'keytool not installed (openjdk-17-jre-headless)' : false }, async () => {
  const o = await out();
  const yaml = await readFile('examples/keystores/tomcat-jks.yaml', 'utf8');
  const r = await runCli(['issue', '-f', '-', '--out-dir', o], { input: yaml });
  assert.equal(r.code, 0, r.stderr);
  const password = 'changeit';
  const dir = join(o, 'web', 'tomcat-tls');
  const list = spawnSync('keytool', ['-list', '-keystore', join(dir, 'keystore.jks'), '-storepass', password, '-storetype', 'JKS'], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stdout + list.stderr);
  assert.match(list.stdout, /PrivateKeyEntry/);
  for (const f of readdirSync(dir).filter((e) => !e.startsWith('.'))) assert.ok(['tls.crt', 'tls.key', 'ca.crt', 'keystore.jks', 'truststore.jks', 'key.der', 'tls-combined.pem'].includes(f), f);
});

test('a keystore password reference that resolves nowhere is an input error before anything is written', async () => {
  const o = await out();
  const yaml = (await readFile(KAFKA, 'utf8')).replace('name: kafka-keystore-password\n  namespace: kafka', 'name: other-secret\n  namespace: kafka');
  const r = await runCli(['issue', '-f', '-', '--out-dir', o], { input: yaml });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /passwordSecretRef: Secret kafka\/kafka-keystore-password not found in the inputs or the store \(the PKCS#12 keystore password of Certificate kafka\/broker-0\)/);
  assert.deepEqual(readdirSync(o), []);
});
