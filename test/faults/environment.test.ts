/**
 * The environment failing under a run: a full disk (a tiny tmpfs), a store that became read-only,
 * a directory certctl may not write. Each is exit 1 with the errno and the path, never the
 * internal-error exit 70, and never costs a valid certificate. CI runs as root; mounting needs it,
 * and a permission test needs an unprivileged user (nobody): otherwise these are skipped, saying why.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LEAVES, fleetDir } from './fleet.js';
import { assertStoreSound, run } from './store-invariants.js';

const CERTS = LEAVES.length + 1;
const isRoot = process.getuid?.() === 0;

function mountTmpfs(dir: string, size: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`;
}

function remount(dir: string, options: string): void {
  const r = spawnSync('mount', ['-o', `remount,${options}`, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const mountSkip = ((): string | false => {
  if (!isRoot) return 'needs root to mount a tmpfs (CI runs as root)';
  return false;
})();

describe('environment faults', () => {
  const mounts: string[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const m of mounts) spawnSync('umount', [m]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('a full disk: exit 1 naming ENOSPC and the path; what was written is sound; more space converges', { skip: mountSkip }, async (t) => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    const out = join(dir, 'certs');
    const problem = mountTmpfs(out, '48k');
    if (problem) return t.skip(problem);
    mounts.push(out);
    const full = await run(['issue', '-f', manifest, '--out-dir', out]);
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stderr, /ENOSPC/);
    assert.match(full.stderr, new RegExp(out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    assert.doesNotMatch(full.stderr, /internal error/);
    assertStoreSound(out);
    remount(out, 'size=4m');
    const again = await run(['issue', '-f', manifest, '--out-dir', out]);
    assert.equal(again.code, 0, again.stderr);
    assertStoreSound(out, join(out, 'faults', 'root-ca', 'ca.crt'), CERTS);
  });

  it('a read-only store: renew and issue exit 1 naming EROFS and the path; the certificates stay', { skip: mountSkip }, async (t) => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    const out = join(dir, 'certs');
    const problem = mountTmpfs(out, '4m');
    if (problem) return t.skip(problem);
    mounts.push(out);
    assert.equal((await run(['issue', '-f', manifest, '--out-dir', out])).code, 0);
    const before = readFileSync(join(out, 'faults', 'alpha-tls', 'tls.crt'), 'utf8');
    remount(out, 'ro');
    for (const args of [['renew', '--no-jitter', '--force'], ['issue', '--force'], ['renew', '--no-jitter']]) {
      const r = await run([...args, '-f', manifest, '--out-dir', out]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /EROFS: read-only file system: \/\S+/);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    }
    // Reading still works on a read-only store.
    const status = await run(['status', '-f', manifest, '--out-dir', out]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(readFileSync(join(out, 'faults', 'alpha-tls', 'tls.crt'), 'utf8'), before);
    remount(out, 'rw');
    assertStoreSound(out, join(out, 'faults', 'root-ca', 'ca.crt'), CERTS);
  });

  it('a directory certctl may not write: exit 1 naming EACCES and the path', { skip: isRoot ? false : 'needs root to run certctl as the unprivileged user nobody' }, async () => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    chmodSync(dir, 0o755);
    chmodSync(manifest, 0o644);
    const out = join(dir, 'not-mine');
    mkdirSync(out, { mode: 0o755 });
    const r = await run(['issue', '-f', manifest, '--out-dir', out], { uid: 65534, gid: 65534, cwd: dir, env: { HOME: dir } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`EACCES: permission denied: ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });
});
