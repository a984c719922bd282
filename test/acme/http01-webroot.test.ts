/**
 * The webroot presenter on a real file system: atomic 0644 files, 0755 directories created and
 * removed again, symlinks in `.well-known` refused, path-like tokens refused, and (on Linux) a
 * directory swapped for a symlink after it was opened cannot redirect a write.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebrootChallengeDir, WebrootError } from '../../src/issuers/acme/http01/webroot.js';

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'certctl-webroot-'));
}

const modes = existsSync('/proc/self/fd') ? [true, false] : [false];

for (const procFd of modes) {
  describe(`webroot challenge files (${procFd ? 'through /proc/self/fd' : 'by path'})`, () => {
    test('writes 0644 files atomically under new 0755 directories, and removes both afterwards', async () => {
      const root = await tempRoot();
      const umask = process.umask(0o077);
      try {
        const dir = await WebrootChallengeDir.open(root, { procFd });
        const path = await dir.write('tok-EN_1', 'tok-EN_1.thumb');
        assert.equal(path, join(root, '.well-known/acme-challenge/tok-EN_1'));
        assert.equal(await readFile(path, 'utf8'), 'tok-EN_1.thumb');
        assert.equal((await stat(path)).mode & 0o777, 0o644, 'readable by the web server whatever the umask');
        assert.equal((await stat(join(root, '.well-known'))).mode & 0o777, 0o755);
        assert.equal((await stat(join(root, '.well-known/acme-challenge'))).mode & 0o777, 0o755);
        await dir.write('tok-EN_1', 'tok-EN_1.other');
        assert.equal(await readFile(path, 'utf8'), 'tok-EN_1.other', 'rewritten by rename');
        assert.deepEqual(await readdir(join(root, '.well-known/acme-challenge')), ['tok-EN_1'], 'no temporary file left');
        await dir.remove('tok-EN_1');
        await dir.remove('tok-EN_1');
        await dir.close();
        assert.deepEqual(await readdir(root), [], 'the directories certctl created are gone');
      } finally {
        process.umask(umask);
        await rm(root, { recursive: true, force: true });
      }
    });

    test('keeps directories it did not create, and a directory someone else put a file in', async () => {
      const root = await tempRoot();
      await mkdir(join(root, '.well-known'));
      await writeFile(join(root, '.well-known/security.txt'), 'Contact: x\n');
      const dir = await WebrootChallengeDir.open(root, { procFd });
      await dir.write('a', 'a.b');
      await writeFile(join(root, '.well-known/acme-challenge/theirs'), 'x');
      await dir.remove('a');
      await dir.close();
      assert.deepEqual((await readdir(join(root, '.well-known'))).sort(), ['acme-challenge', 'security.txt']);
      assert.deepEqual(await readdir(join(root, '.well-known/acme-challenge')), ['theirs']);
      await rm(root, { recursive: true });
    });

    test('the webroot itself may be a symlink', async () => {
      const root = await tempRoot();
      await mkdir(join(root, 'real'));
      await symlink(join(root, 'real'), join(root, 'html'));
      const dir = await WebrootChallengeDir.open(join(root, 'html'), { procFd });
      await dir.write('t', 't.v');
      assert.equal(await readFile(join(root, 'real/.well-known/acme-challenge/t'), 'utf8'), 't.v');
      await dir.remove('t');
      await dir.close();
      assert.deepEqual(await readdir(join(root, 'real')), []);
      await rm(root, { recursive: true });
    });

    test('refuses a symlink at .well-known or acme-challenge and writes nothing through it', async () => {
      const root = await tempRoot();
      const elsewhere = join(root, 'etc');
      await mkdir(elsewhere);
      await mkdir(join(root, 'a'));
      await symlink(elsewhere, join(root, 'a/.well-known'));
      await assert.rejects(WebrootChallengeDir.open(join(root, 'a'), { procFd }), (err: Error) => {
        assert.ok(err instanceof WebrootError);
        assert.equal(err.message, `${join(root, 'a/.well-known')} is a symbolic link: certctl does not write challenge files through symlinks (make it a real directory, or point the webroot at the directory the link names)`);
        return true;
      });
      await mkdir(join(root, 'b/.well-known'), { recursive: true });
      await symlink(elsewhere, join(root, 'b/.well-known/acme-challenge'));
      await assert.rejects(WebrootChallengeDir.open(join(root, 'b'), { procFd }), /b\/\.well-known\/acme-challenge is a symbolic link/);
      assert.deepEqual(await readdir(elsewhere), [], 'nothing was created in the link target');
      await rm(root, { recursive: true });
    });

    test('a missing webroot, a file for a webroot or for .well-known, and a path-like token are errors', async () => {
      const root = await tempRoot();
      await assert.rejects(WebrootChallengeDir.open(join(root, 'nope'), { procFd }), { message: `webroot ${join(root, 'nope')} does not exist` });
      await writeFile(join(root, 'file'), '');
      await assert.rejects(WebrootChallengeDir.open(join(root, 'file'), { procFd }), { message: `webroot ${join(root, 'file')} is not a directory` });
      await mkdir(join(root, 'w'));
      await writeFile(join(root, 'w/.well-known'), '');
      await assert.rejects(WebrootChallengeDir.open(join(root, 'w'), { procFd }), { message: `${join(root, 'w/.well-known')} is not a directory` });
      const dir = await WebrootChallengeDir.open(join(root, 'file').replace('file', ''), { procFd });
      for (const token of ['../../x', 'a/b', '', '.hidden']) {
        await assert.rejects(dir.write(token, 'v'), /refusing the challenge token .*: not base64url \(RFC 8555 §8\.3\)/, token);
      }
      await dir.close();
      assert.equal(existsSync(join(root, 'x')), false);
      await rm(root, { recursive: true });
    });

    test('opened without create (removing a killed run\'s file), a missing directory is nothing to do', async () => {
      const root = await tempRoot();
      assert.equal(await WebrootChallengeDir.open(root, { procFd, create: false }), undefined);
      await mkdir(join(root, '.well-known'));
      assert.equal(await WebrootChallengeDir.open(root, { procFd, create: false }), undefined);
      assert.deepEqual(await readdir(join(root, '.well-known')), [], 'nothing created');
      await mkdir(join(root, '.well-known/acme-challenge'));
      await writeFile(join(root, '.well-known/acme-challenge/left'), 'x');
      const dir = await WebrootChallengeDir.open(root, { procFd, create: false });
      await dir!.remove('left');
      await dir!.close();
      assert.deepEqual(await readdir(join(root, '.well-known')), ['acme-challenge'], 'directories it did not create stay');
      await rm(root, { recursive: true });
    });

    test('a read-only challenge directory is an error naming the file, not a /proc path', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, async () => {
      const root = await tempRoot();
      await mkdir(join(root, '.well-known/acme-challenge'), { recursive: true, mode: 0o555 });
      const dir = await WebrootChallengeDir.open(root, { procFd });
      await assert.rejects(dir.write('t', 'v'), { message: `cannot write ${join(root, '.well-known/acme-challenge/t')}: permission denied (run certctl as a user that may write there)` });
      await dir.close();
      await rm(root, { recursive: true, force: true });
    });
  });
}

test('through /proc/self/fd, a .well-known swapped for a symlink after opening cannot redirect the write', { skip: existsSync('/proc/self/fd') ? false : 'no /proc' }, async () => {
  const root = await tempRoot();
  const elsewhere = join(root, 'etc');
  await mkdir(elsewhere);
  await mkdir(join(root, 'www'));
  const dir = await WebrootChallengeDir.open(join(root, 'www'), { procFd: true });
  // The attack: the web application moves the real directory away and plants a link in its place.
  await rename(join(root, 'www/.well-known'), join(root, 'moved'));
  await symlink(elsewhere, join(root, 'www/.well-known'));
  await dir.write('t', 't.v');
  assert.deepEqual(await readdir(elsewhere), [], 'nothing written through the planted link');
  assert.equal(await readFile(join(root, 'moved/acme-challenge/t'), 'utf8'), 't.v', 'the write went to the directory that was checked');
  await dir.remove('t');
  await dir.close();
  assert.ok((await lstat(join(root, 'www/.well-known'))).isSymbolicLink(), 'close removes no link (rmdir does not follow it)');
  await rm(root, { recursive: true });
});
