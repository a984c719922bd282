/**
 * HTTP-01 through a web server's document root (certbot --webroot): challenge files in
 * `<webroot>/.well-known/acme-challenge/`, each written atomically (temp file, then rename) with
 * mode 0644, the directories created 0755 when missing and removed again when certctl created
 * them. The webroot itself may be a symlink (it is the user's setting), but `.well-known` and
 * `acme-challenge` must be real directories: a web application that can write its document
 * root must not be able to point certctl, often running as root, at another directory.
 */
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;
/** RFC 8555 §8.3: a token is base64url; anything else could name a path outside the directory. */
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** A webroot problem, worded for the user (no stack, no /proc paths). */
export class WebrootError extends Error {}

interface OpenedDir {
  fh: FileHandle;
  /** The path as the user knows it. */
  path: string;
  created: boolean;
}

export interface WebrootOptions {
  /** Create `.well-known` and `acme-challenge` when missing (default); without, open() resolves undefined then. */
  create?: boolean;
  /**
   * Reach the opened directories through /proc/self/fd (Linux), so that a directory swapped for
   * a symlink after it was checked cannot redirect a write. Default: when /proc/self/fd exists.
   * Elsewhere each path component is checked when the directory is opened.
   */
  procFd?: boolean;
}

/** The `.well-known/acme-challenge` directory of one webroot, open while challenges are pending. */
export class WebrootChallengeDir {
  private constructor(
    readonly webroot: string,
    private readonly wellKnown: OpenedDir,
    private readonly challenges: OpenedDir,
    private readonly procFd: boolean,
  ) {}

  /**
   * Checks the webroot (it must exist: a missing one is most likely a typo the web server does
   * not serve either) and opens, creating them if needed, its challenge directories.
   */
  static async open(webroot: string, opts?: WebrootOptions & { create?: true }): Promise<WebrootChallengeDir>;
  static async open(webroot: string, opts: WebrootOptions & { create: false }): Promise<WebrootChallengeDir | undefined>;
  static async open(webroot: string, opts: WebrootOptions = {}): Promise<WebrootChallengeDir | undefined> {
    const st = await stat(webroot).catch((err: NodeJS.ErrnoException) => {
      throw new WebrootError(err.code === 'ENOENT' ? `webroot ${webroot} does not exist` : `webroot ${webroot}: ${reason(err)}`);
    });
    if (!st.isDirectory()) throw new WebrootError(`webroot ${webroot} is not a directory`);
    const procFd = opts.procFd ?? existsSync('/proc/self/fd');
    const wkPath = join(webroot, '.well-known');
    const create = opts.create !== false;
    const wellKnown = await openDir(wkPath, wkPath, create);
    if (!wellKnown) return undefined;
    const chPath = join(wkPath, 'acme-challenge');
    try {
      const challenges = await openDir(procFd ? `/proc/self/fd/${wellKnown.fh.fd}/acme-challenge` : chPath, chPath, create);
      if (!challenges) {
        await closeDir(wellKnown, wkPath);
        return undefined;
      }
      return new WebrootChallengeDir(webroot, wellKnown, challenges, procFd);
    } catch (err) {
      await closeDir(wellKnown, wkPath);
      throw err;
    }
  }

  /** `<webroot>/.well-known/acme-challenge`. */
  get directory(): string {
    return this.challenges.path;
  }

  /** Writes `content` as the file `token`, atomically, mode 0644; returns its path. */
  async write(token: string, content: string): Promise<string> {
    if (!TOKEN.test(token)) throw new WebrootError(`refusing the challenge token ${JSON.stringify(token.slice(0, 64))}: not base64url (RFC 8555 §8.3)`);
    const tmp = this.at(`.${token}.tmp-${randomBytes(6).toString('hex')}`);
    const path = join(this.challenges.path, token);
    try {
      const fh = await open(tmp, FILE_FLAGS, 0o644);
      try {
        // The umask may have narrowed the mode; the web server (another user) must read the file.
        await fh.chmod(0o644);
        await fh.writeFile(content);
      } finally {
        await fh.close();
      }
      await rename(tmp, this.at(token));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new WebrootError(`cannot write ${path}: ${reason(err as NodeJS.ErrnoException)}`);
    }
    return path;
  }

  /** Removes the file `token` (already gone is fine). */
  async remove(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await unlink(this.at(token)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw new WebrootError(`cannot remove ${join(this.challenges.path, token)}: ${reason(err)}`);
    });
  }

  /** Closes the directories, removing those certctl created if nothing else is in them. */
  async close(): Promise<void> {
    await closeDir(this.challenges, this.procFd ? `/proc/self/fd/${this.wellKnown.fh.fd}/acme-challenge` : this.challenges.path);
    await closeDir(this.wellKnown, this.wellKnown.path);
  }

  private at(name: string): string {
    return this.procFd ? `/proc/self/fd/${this.challenges.fh.fd}/${name}` : join(this.challenges.path, name);
  }
}

/** Opens a directory without following a symlink at `path`; creates it (0755) when missing, if asked to. */
async function openDir(path: string, display: string, create: true): Promise<OpenedDir>;
async function openDir(path: string, display: string, create: boolean): Promise<OpenedDir | undefined>;
async function openDir(path: string, display: string, create: boolean): Promise<OpenedDir | undefined> {
  const opened = async (): Promise<FileHandle | undefined> => {
    try {
      return await open(path, DIR_FLAGS);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return undefined;
      // Linux answers O_DIRECTORY|O_NOFOLLOW on a symlink with ENOTDIR, other systems with ELOOP.
      const link = e.code === 'ELOOP' || (e.code === 'ENOTDIR' && (await lstat(path).catch(() => undefined))?.isSymbolicLink());
      if (link) throw new WebrootError(`${display} is a symbolic link: certctl does not write challenge files through symlinks (make it a real directory, or point the webroot at the directory the link names)`);
      if (e.code === 'ENOTDIR') throw new WebrootError(`${display} is not a directory`);
      throw new WebrootError(`cannot open ${display}: ${reason(e)}`);
    }
  };
  const existing = await opened();
  if (existing) return { fh: existing, path: display, created: false };
  if (!create) return undefined;
  let created = true;
  try {
    await mkdir(path, 0o755);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Another certificate of this run (or another process) created it first.
    if (e.code !== 'EEXIST') throw new WebrootError(`cannot create ${display}: ${reason(e)}`);
    created = false;
  }
  const fh = await opened();
  if (!fh) throw new WebrootError(`${display} disappeared while certctl was creating it`);
  if (created) await fh.chmod(0o755);
  return { fh, path: display, created };
}

async function closeDir(dir: OpenedDir, path: string): Promise<void> {
  if (dir.created) {
    // Not empty (another run's file, the user's own) or already gone: leave it.
    await rmdir(path).catch(() => undefined);
  }
  await dir.fh.close().catch(() => undefined);
}

/** `permission denied` rather than `EACCES: permission denied, open '/proc/self/fd/23/x'`. */
function reason(err: NodeJS.ErrnoException): string {
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied (run certctl as a user that may write there)';
  if (err.code === 'EROFS') return 'read-only file system';
  if (err.code === 'ENOSPC') return 'no space left on the device';
  return err.code ? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '') : err.message;
}
