import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/stores/files.js';
import type { CertificateRecord } from '../../src/stores/records.js';

const target = { namespace: 'ns', secretName: 'web-tls' };
const WRITER = new URL('./files-writer.ts', import.meta.url).pathname;

function record(tag: string): CertificateRecord {
  return {
    version: 1,
    certificateName: 'web',
    namespace: 'ns',
    revision: 1,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-04-01T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    spec: { dnsNames: [], ipAddresses: [], uris: [], emailAddresses: [], subject: {}, usages: [], isCA: false, durationMs: 1, privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS1' }, issuerRef: { name: 'i', kind: 'Issuer', group: 'cert-manager.io' } },
    secret: { annotations: { tag }, labels: {} },
  };
}

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'certctl-files-'));
}

test('writes a kubelet-style layout: data keys are symlinks through ..data', async () => {
  const root = await tempRoot();
  const store = new FileStore({ root });
  const res = await store.write(target, { tlsCrt: 'CERT', tlsKey: 'KEY', caCrt: 'CA' }, record('v1'));
  const dir = join(root, 'ns', 'web-tls');
  assert.equal(res.location, dir);
  assert.deepEqual(Object.keys(res.files).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  for (const key of ['tls.crt', 'tls.key', 'ca.crt']) {
    assert.equal(await readlink(join(dir, key)), `..data/${key}`);
  }
  assert.match(await readlink(join(dir, '..data')), /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.[0-9a-f]+$/);
  assert.equal(await readFile(join(dir, 'tls.crt'), 'utf8'), 'CERT');
  assert.equal((await stat(join(dir, 'tls.key'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'tls.crt'))).mode & 0o777, 0o644);
  const back = await store.read(target);
  assert.deepEqual(back?.data, { tlsCrt: 'CERT', tlsKey: 'KEY', caCrt: 'CA' });
  assert.equal(back?.record?.secret.annotations.tag, 'v1');
  await rm(root, { recursive: true });
});

test('an opaque Secret (account key) is switched whole; `remove` drops keys in the same step; keys are 0600', async () => {
  const root = await tempRoot();
  const store = new FileStore({ root });
  const account = { namespace: 'ns', secretName: 'acme-account' };
  await store.writeSecretData(account, { 'tls.key': Buffer.from('OLD'), 'tls.key.next': Buffer.from('NEW') });
  const dir = join(root, 'ns', 'acme-account');
  assert.equal((await stat(join(dir, 'tls.key.next'))).mode & 0o777, 0o600);
  await store.writeSecretData(account, { 'tls.key': Buffer.from('NEW'), 'tls.key.next': Buffer.from('NEW') }, { remove: ['tls.key.next'] });
  const data = await store.readSecretData(account);
  assert.deepEqual(Object.keys(data ?? {}), ['tls.key']);
  assert.equal(data?.['tls.key'].toString(), 'NEW');
  assert.deepEqual((await readdir(dir)).filter((e) => !e.startsWith('..')), ['tls.key'], 'the link to the dropped key is gone');
  await rm(root, { recursive: true });
});

test('keys are born 0600 even under umask 000', async () => {
  const root = await tempRoot();
  const old = process.umask(0);
  try {
    await new FileStore({ root }).write(target, { tlsCrt: 'C', tlsKey: 'K' }, record('v1'));
  } finally {
    process.umask(old);
  }
  const dir = join(root, 'ns', 'web-tls');
  const version = await readlink(join(dir, '..data'));
  assert.equal((await stat(join(dir, version, 'tls.key'))).mode & 0o777, 0o600);
  await rm(root, { recursive: true });
});

test('a rewrite drops ca.crt when the new version has none and prunes old versions', async () => {
  const root = await tempRoot();
  const store = new FileStore({ root });
  await store.write(target, { tlsCrt: 'C1', tlsKey: 'K1', caCrt: 'CA1' }, record('v1'));
  await store.write(target, { tlsCrt: 'C2', tlsKey: 'K2' }, record('v2'));
  const dir = join(root, 'ns', 'web-tls');
  const entries = (await readdir(dir)).sort();
  assert.deepEqual(entries.filter((e) => !e.startsWith('..')), ['tls.crt', 'tls.key']);
  assert.equal(entries.filter((e) => /^\.\.\d/.test(e)).length, 1, 'one version directory left');
  assert.deepEqual((await store.read(target))?.data, { tlsCrt: 'C2', tlsKey: 'K2' });
  await rm(root, { recursive: true });
});

test('status is written apart from the data and never touches it', async () => {
  const root = await tempRoot();
  const store = new FileStore({ root });
  await store.write(target, { tlsCrt: 'C1', tlsKey: 'K1' }, record('v1'));
  await store.writeStatus(target, { version: 1, lastFailureTime: '2026-01-02T00:00:00.000Z', failedIssuanceAttempts: 2 });
  const back = await store.read(target);
  assert.equal(back?.status?.failedIssuanceAttempts, 2);
  assert.deepEqual(back?.data, { tlsCrt: 'C1', tlsKey: 'K1' });
  await rm(root, { recursive: true });
});

test('refuses path components that are symlinks and files it did not write', async () => {
  const root = await tempRoot();
  const elsewhere = await tempRoot();
  await symlink(elsewhere, join(root, 'ns'));
  const store = new FileStore({ root });
  await assert.rejects(store.write(target, { tlsCrt: 'C', tlsKey: 'K' }, record('v1')), /is not a directory \(a symlink or file is in the way\)/);
  assert.deepEqual(await readdir(elsewhere), [], 'nothing written through the planted symlink');
  await rm(join(root, 'ns'));

  await mkdir(join(root, 'ns', 'web-tls'), { recursive: true });
  await writeFile(join(root, 'ns', 'web-tls', 'tls.crt'), 'someone else');
  await assert.rejects(store.write(target, { tlsCrt: 'C', tlsKey: 'K' }, record('v1')), /holds files certctl did not write/);
  assert.equal(await readFile(join(root, 'ns', 'web-tls', 'tls.crt'), 'utf8'), 'someone else');

  await rm(join(root, 'ns', 'web-tls', 'tls.crt'));
  await new FileStore({ root }).write(target, { tlsCrt: 'C', tlsKey: 'K' }, record('v1'));
  await rm(join(root, 'ns', 'web-tls', 'tls.key'));
  await symlink('/etc/passwd', join(root, 'ns', 'web-tls', 'tls.key'));
  await assert.rejects(store.write(target, { tlsCrt: 'C2', tlsKey: 'K2' }, record('v2')), /was not written by certctl/);
  await rm(root, { recursive: true });
  await rm(elsewhere, { recursive: true });
});

test('rejects names that could escape the root', async () => {
  const root = await tempRoot();
  const store = new FileStore({ root });
  for (const bad of ['../x', '..', 'a/b', '/etc', 'A', '', 'a..b']) {
    await assert.rejects(store.write({ namespace: 'ns', secretName: bad }, { tlsCrt: 'C', tlsKey: 'K' }, record('v1')), /not a valid Kubernetes name/, bad);
    await assert.rejects(store.read({ namespace: bad, secretName: 'ok' }), /not a valid Kubernetes name/, bad);
  }
  assert.deepEqual(await readdir(root), []);
  await rm(root, { recursive: true });
});

/** Reads the pair the way a consumer does (through the data-key symlinks) and checks it matches. */
async function readPair(root: string): Promise<{ crt: string; key: string } | undefined> {
  const dir = join(root, 'ns', 'web-tls');
  const crt = await readFile(join(dir, 'tls.crt'), 'utf8').catch(() => undefined);
  const key = await readFile(join(dir, 'tls.key'), 'utf8').catch(() => undefined);
  if (crt === undefined && key === undefined) return undefined;
  return { crt: crt ?? '<missing>', key: key ?? '<missing>' };
}

const FAULT_POINTS = [
  'files:version-dir-created',
  'files:wrote-tls.crt',
  'files:wrote-tls.key',
  'files:version-complete',
  'files:data-switched',
];

test('killed with SIGKILL at every step of a rewrite, the pair is the old one or the new one', async () => {
  for (const point of FAULT_POINTS) {
    const root = await tempRoot();
    const first = spawnSync(process.execPath, ['--import', 'tsx', WRITER, root, 'v1', 'none'], { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const killed = spawnSync(process.execPath, ['--import', 'tsx', WRITER, root, 'v2', point], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', `expected the writer to die at ${point}: ${killed.stderr}`);
    const pair = await readPair(root);
    assert.ok(pair, `${point}: the old pair vanished`);
    const tag = pair.crt.replace('cert-', '');
    assert.ok(tag === 'v1' || tag === 'v2', `${point}: unexpected certificate ${pair.crt}`);
    assert.equal(pair.key, `key-${tag}`, `${point}: mismatched pair ${pair.crt} / ${pair.key}`);
    const record = (await new FileStore({ root }).read(target))?.record;
    assert.equal(record?.secret.annotations.tag, tag, `${point}: the record does not describe the certificate`);
    // The next run converges: the new version lands and the debris of the killed run is gone.
    const again = spawnSync(process.execPath, ['--import', 'tsx', WRITER, root, 'v3', 'none'], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(await readPair(root), { crt: 'cert-v3', key: 'key-v3' });
    const dir = join(root, 'ns', 'web-tls');
    const versions = (await readdir(dir)).filter((e) => /^\.\.\d/.test(e));
    assert.equal(versions.length, 1, `${point}: stale version directories left: ${versions.join(', ')}`);
    assert.ok((await lstat(join(dir, '..data'))).isSymbolicLink());
    await rm(root, { recursive: true });
  }
});
