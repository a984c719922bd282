/**
 * createSecretData: create-if-absent for Secrets several shards may create at once (the ACME
 * account key). On the files store the `..data` link is made with symlink(2), which fails when it
 * exists; racing writers in separate processes leave exactly one version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/stores/files.js';
import { MemoryStore } from '../../src/stores/memory.js';

const T = { namespace: 'cert-manager', secretName: 'acme-account' };

test('files: the first create wins, a second finds it and changes nothing; a later write still replaces', async () => {
  const root = await mkdtemp(join(tmpdir(), 'certctl-create-'));
  try {
    const a = new FileStore({ root });
    const b = new FileStore({ root });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).createSecretData(T, { 'tls.key': Buffer.from(`key-${i}`) })));
    assert.equal(results.filter(Boolean).length, 1, 'exactly one create succeeds');
    const winner = results.indexOf(true);
    const dir = join(root, T.namespace, T.secretName);
    assert.equal(await readFile(join(dir, 'tls.key'), 'utf8'), `key-${winner}`);
    assert.equal((await readdir(dir)).filter((e) => e.startsWith('..2')).length, 1, 'the losers left no version behind');
    assert.equal((await a.readSecretData(T))?.['tls.key'].toString(), `key-${winner}`);
    await a.writeSecretData(T, { 'tls.key': Buffer.from('rotated') });
    assert.equal(await readFile(join(dir, 'tls.key'), 'utf8'), 'rotated');
    assert.equal(await b.createSecretData(T, { 'tls.key': Buffer.from('late') }), false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('memory (--store none): create only when absent', async () => {
  const m = new MemoryStore();
  assert.equal(await m.createSecretData(T, { 'tls.key': Buffer.from('one') }), true);
  assert.equal(await m.createSecretData(T, { 'tls.key': Buffer.from('two') }), false);
  assert.equal((await m.readSecretData(T))?.['tls.key'].toString(), 'one');
});
