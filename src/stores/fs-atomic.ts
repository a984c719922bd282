import { constants } from 'node:fs';
import { open, rename, rm, symlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Named steps where a test harness may kill the process to prove the on-disk invariants. */
export type FaultHook = (point: string) => void;

const CREATE_FLAGS = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;

/**
 * Creates a new file with its final mode from the first byte (a key is never briefly readable by
 * others, whatever the umask) and flushes it to disk. Fails if the path exists.
 */
export async function createFile(path: string, data: string | Buffer, mode: number): Promise<void> {
  const fh = await open(path, CREATE_FLAGS, mode);
  try {
    await fh.chmod(mode); // the umask may have narrowed it; never widens beyond what was asked
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a directory so renames and creations in it survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await fh.sync();
  } finally {
    await fh?.close();
  }
}

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
}

/** Replaces `path` by a complete new file in one rename: readers see old or new, never a mix. */
export async function replaceFile(path: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = tempSibling(path);
  try {
    await createFile(tmp, data, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dirname(path));
}

/** Points the symlink `path` at `target` in one rename, whatever was there before. */
export async function replaceSymlink(path: string, target: string): Promise<void> {
  const tmp = tempSibling(path);
  await symlink(target, tmp);
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
