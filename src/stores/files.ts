import { constants, closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CertificateStore, SecretTarget, StoredCertificate, TlsData, WriteResult } from './store.js';
import { normalizeStatus } from './records.js';
import type { CertificateRecord, CertificateStatus } from './records.js';
import { createFile, replaceFile, replaceSymlink, syncDir, type FaultHook } from './fs-atomic.js';
import { assertSafeSegment, StoreError } from './store-error.js';

const DATA_LINK = '..data';
const RECORD_FILE = 'certctl.json';
const STATUS_FILE = '.certctl-status.json';
const VERSION_PREFIX = '..';
/** A version directory newer than `..data` is another writer's work in progress unless this old. */
const ABANDONED_VERSION_MS = 10 * 60_000;
/** `replaceFile` and `replaceSymlink` write `.<name>.tmp-<hex>` first. */
const TEMP_FILE = /^\..+\.tmp-[0-9a-f]+$/;

export interface FileStoreOptions {
  /** Root directory; material lives in `<root>/<namespace>/<secretName>/`. */
  root: string;
  clock?: () => Date;
  fault?: FaultHook;
}

/**
 * Keeps each Secret as a directory laid out like a kubelet-mounted Secret volume: the data keys
 * are symlinks into `..data`, itself a symlink to a timestamped version directory. A new version
 * is written completely, then `..data` is swapped by one rename, so `tls.crt` and `tls.key` change
 * together even if the process dies at any instant.
 */
export class FileStore implements CertificateStore {
  readonly description: string;
  private readonly root: string;
  private readonly clock: () => Date;
  private readonly fault: FaultHook;

  constructor(opts: FileStoreOptions) {
    this.root = opts.root;
    this.description = `files:${opts.root}`;
    this.clock = opts.clock ?? (() => new Date());
    this.fault = opts.fault ?? (() => {});
  }

  dirFor(target: SecretTarget): string {
    assertSafeSegment(target.namespace, 'namespace');
    assertSafeSegment(target.secretName, 'secretName');
    return join(this.root, target.namespace, target.secretName);
  }

  async read(target: SecretTarget): Promise<StoredCertificate | undefined> {
    const dir = this.dirFor(target);
    if (!(await this.isRealDir(dir))) return undefined;
    const data: Partial<TlsData> = {};
    const raw = await this.readDataKeys(dir);
    if (!raw) return { data, location: dir, status: await this.readStatus(dir) };
    if (raw['tls.crt']) data.tlsCrt = raw['tls.crt'].toString('utf8');
    if (raw['tls.key']) data.tlsKey = raw['tls.key'].toString('utf8');
    if (raw['ca.crt']) data.caCrt = raw['ca.crt'].toString('utf8');
    const extra = Object.entries(raw).filter(([k]) => !['tls.crt', 'tls.key', 'ca.crt'].includes(k));
    if (extra.length > 0) data.extra = Object.fromEntries(extra);
    const record = await readJson<CertificateRecord>(join(dir, DATA_LINK, RECORD_FILE));
    return { data, record, status: await this.readStatus(dir), location: dir };
  }

  /**
   * The paths whose signatures (shared/file-signature.ts) change whenever what `read` or
   * `readSecretData` returns for `target` may: the directory (any entry added, removed or renamed
   * over, `..data` switched), `..data`, the status, the current version and each of its files (an
   * edit in place through a data-key link).
   */
  inputPaths(target: SecretTarget): string[] {
    const dir = this.dirFor(target);
    const paths = [dir, join(dir, DATA_LINK), join(dir, STATUS_FILE)];
    const version = readlinkOrUndefined(join(dir, DATA_LINK));
    if (version && isVersionDir(version)) {
      const versionDir = join(dir, version);
      paths.push(versionDir);
      try {
        for (const entry of readdirSync(versionDir)) paths.push(join(versionDir, entry));
      } catch {
        // A dangling `..data`: the directory's own signature covers its repair.
      }
    }
    return paths;
  }

  async readSecretData(target: SecretTarget): Promise<Record<string, Buffer> | undefined> {
    const dir = this.dirFor(target);
    if (!(await this.isRealDir(dir))) return undefined;
    return this.readDataKeys(dir);
  }

  async write(target: SecretTarget, data: TlsData, record: CertificateRecord): Promise<WriteResult> {
    const files: Record<string, Buffer> = {
      'tls.crt': Buffer.from(data.tlsCrt),
      'tls.key': Buffer.from(data.tlsKey),
    };
    if (data.caCrt) files['ca.crt'] = Buffer.from(data.caCrt);
    for (const [k, v] of Object.entries(data.extra ?? {})) if (!(k in files)) files[k] = v;
    const dir = await this.switchVersion(target, files, Buffer.from(JSON.stringify(record, null, 2) + '\n'));
    const paths: Record<string, string> = {};
    for (const key of Object.keys(files)) paths[key] = join(dir, key);
    return { location: dir, files: paths };
  }

  async writeSecretData(target: SecretTarget, data: Record<string, Buffer>, opts: { remove?: readonly string[] } = {}): Promise<void> {
    const remove = new Set(opts.remove ?? []);
    await this.switchVersion(target, Object.fromEntries(Object.entries(data).filter(([k]) => !remove.has(k))));
  }

  /** Like writeSecretData, but only if the Secret has no data yet: `..data` is created with symlink(2), which fails if it exists (also on NFS). */
  async createSecretData(target: SecretTarget, data: Record<string, Buffer>): Promise<boolean> {
    return (await this.switchVersion(target, data, undefined, { exclusive: true })) !== undefined;
  }

  async writeStatus(target: SecretTarget, status: CertificateStatus): Promise<void> {
    const dir = this.dirFor(target);
    await this.ensureDir(dir);
    // 0600: it may hold the private key of an order in flight.
    await replaceFile(join(dir, STATUS_FILE), JSON.stringify(status, null, 2) + '\n', 0o600);
  }

  /** Writes a complete new version directory, then swaps `..data` to it and prunes the old one. */
  private async switchVersion(target: SecretTarget, files: Record<string, Buffer>, record?: Buffer): Promise<string>;
  private async switchVersion(target: SecretTarget, files: Record<string, Buffer>, record: Buffer | undefined, opts: { exclusive: true }): Promise<string | undefined>;
  private async switchVersion(target: SecretTarget, files: Record<string, Buffer>, record?: Buffer, opts: { exclusive?: boolean } = {}): Promise<string | undefined> {
    const dir = this.dirFor(target);
    await this.ensureDir(dir);
    const version = this.versionName();
    const versionDir = join(dir, version);
    await mkdir(versionDir, { mode: 0o755 });
    this.fault('files:version-dir-created');
    for (const [key, value] of Object.entries(files)) {
      assertSafeKey(key);
      await createFile(join(versionDir, key), value, key.includes('.crt') ? 0o644 : 0o600);
      this.fault(`files:wrote-${key}`);
    }
    if (record) await createFile(join(versionDir, RECORD_FILE), record, 0o644);
    await syncDir(versionDir);
    this.fault('files:version-complete');
    if (opts.exclusive) {
      try {
        await symlink(version, join(dir, DATA_LINK));
      } catch (err) {
        await rm(versionDir, { recursive: true, force: true });
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
        throw err;
      }
    } else await replaceSymlink(join(dir, DATA_LINK), version);
    await syncDir(dir);
    this.fault('files:data-switched');
    if (!lstatSync(versionDir, { throwIfNoEntry: false })?.isDirectory()) {
      // Only a writer that ignores the store lock can get here: it pruned our version in between.
      const restored = await this.restoreNewest(dir);
      throw new StoreError(`another process changed ${dir} while certctl wrote it${restored ? ` (restored ${restored})` : ''}; nothing was lost, run again`);
    }
    await this.linkKeys(dir, Object.keys(files));
    await this.pruneVersions(dir);
    return dir;
  }

  /** Makes each data key a symlink through `..data`, and drops links to keys the version lacks. */
  private async linkKeys(dir: string, keys: string[]): Promise<void> {
    for (const key of keys) {
      const target = `${DATA_LINK}/${key}`;
      const existing = await readlink(join(dir, key)).catch(() => undefined);
      if (existing !== target) await replaceSymlink(join(dir, key), target);
    }
    for (const entry of await readdir(dir)) {
      if (entry.startsWith('.') || keys.includes(entry)) continue;
      const link = await readlink(join(dir, entry)).catch(() => undefined);
      if (link?.startsWith(`${DATA_LINK}/`)) await rm(join(dir, entry), { force: true });
    }
    await syncDir(dir);
  }

  /**
   * Removes version directories older than the one `..data` points to now (read again here, not
   * remembered: another writer may have switched it), and newer ones only once abandoned. The
   * current version is never removed, whoever wrote it. Returns what was removed.
   */
  private async pruneVersions(dir: string): Promise<string[]> {
    const current = await this.currentVersion(dir);
    if (!current || !isVersionDir(current)) return [];
    const removed: string[] = [];
    for (const entry of await readdir(dir)) {
      if (entry === current || !isVersionDir(entry)) continue;
      if (entry > current) {
        const st = await lstat(join(dir, entry)).catch(() => undefined);
        if (!st || this.clock().getTime() - st.mtimeMs < ABANDONED_VERSION_MS) continue;
      }
      await rm(join(dir, entry), { recursive: true, force: true });
      removed.push(entry);
    }
    return removed;
  }

  /**
   * Repairs one Secret directory under the store lock: a `..data` that dangles (or points at an
   * incomplete version) is pointed back at the newest complete version, or removed when there is
   * none (the certificate is then missing and issued again); data-key links are made to match;
   * abandoned versions and temporary files go. Returns one line per repair.
   */
  async repair(target: SecretTarget): Promise<string[]> {
    const dir = this.dirFor(target);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return [];
    // Runs for every Secret of every run, and almost always finds nothing to do: the checks are
    // synchronous (a few cheap syscalls each), and only a repair goes through the async paths.
    const done: string[] = [];
    let entries = readdirSync(dir);
    for (const entry of entries) {
      if (!TEMP_FILE.test(entry)) continue;
      await rm(join(dir, entry), { force: true, recursive: true });
      done.push(`removed the temporary file ${entry} a killed run left`);
    }
    const current = readlinkOrUndefined(join(dir, DATA_LINK));
    if (current !== undefined && (!isVersionDir(current) || !(await this.isComplete(join(dir, current))))) {
      const restored = await this.restoreNewest(dir, current);
      done.push(
        restored
          ? `${DATA_LINK} pointed to ${isVersionDir(current) ? `the missing or incomplete version ${current}` : current}; restored the newest complete version ${restored}`
          : `${DATA_LINK} pointed to a missing version (${current}) and no complete version is left; the certificate will be issued again`,
      );
    }
    if (done.length > 0) entries = readdirSync(dir);
    // Only a repair above can have moved `..data`.
    const version = done.length > 0 ? readlinkOrUndefined(join(dir, DATA_LINK)) : current;
    const keys = version ? readdirSync(join(dir, version)).filter((k) => k !== RECORD_FILE) : [];
    const links = entries.filter((e) => !e.startsWith('.') && readlinkOrUndefined(join(dir, e)) === `${DATA_LINK}/${e}`);
    const wrong = [...keys.filter((k) => !links.includes(k)), ...links.filter((l) => !keys.includes(l))];
    if (wrong.length > 0) {
      await this.linkKeys(dir, keys);
      done.push(`relinked ${wrong.join(', ')} to ${DATA_LINK}`);
    }
    if (entries.some((e) => isVersionDir(e) && e !== version)) {
      const pruned = await this.pruneVersions(dir);
      if (pruned.length > 0) done.push(`removed ${pruned.length} old or partial version director${pruned.length === 1 ? 'y' : 'ies'} (${pruned.join(', ')})`);
    }
    return done;
  }

  /**
   * Points `..data` at the newest complete version directory other than `except`; removes `..data`
   * when there is none. Returns the version restored.
   */
  private async restoreNewest(dir: string, except?: string): Promise<string | undefined> {
    const versions = (await readdir(dir)).filter((e) => isVersionDir(e) && e !== except).sort().reverse();
    for (const v of versions) {
      if (!(await this.isComplete(join(dir, v)))) continue;
      await replaceSymlink(join(dir, DATA_LINK), v);
      await syncDir(dir);
      return v;
    }
    await rm(join(dir, DATA_LINK), { force: true });
    for (const entry of await readdir(dir)) {
      const link = await readlink(join(dir, entry)).catch(() => undefined);
      if (link?.startsWith(`${DATA_LINK}/`)) await rm(join(dir, entry), { force: true });
    }
    await syncDir(dir);
    return undefined;
  }

  /**
   * A version is complete when everything it was meant to hold is there: a certificate version
   * has its record (written last, after the key pair, which must match); an opaque Secret's
   * version (an account key) any data at all.
   */
  private async isComplete(versionDir: string): Promise<boolean> {
    const st = lstatSync(versionDir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return false;
    const entries = readdirSync(versionDir);
    if (!entries.includes(RECORD_FILE)) return entries.length > 0 && !entries.includes('tls.crt');
    if (!entries.includes('tls.crt') || !entries.includes('tls.key')) return false;
    try {
      const crt = readRegularFile(join(versionDir, 'tls.crt'));
      const key = readRegularFile(join(versionDir, 'tls.key'));
      // The record is written after the pair it describes, with their hashes: when both still
      // match, the pair is the one certctl verified before writing. Hashing is ~1,000 times
      // cheaper than OpenSSL parsing the pair, which a run over 10,000 certificates feels.
      const fp = recordedHashes(join(versionDir, RECORD_FILE));
      if (fp && fp.crt === sha256Hex(crt) && fp.key === sha256Hex(key)) return true;
      const { X509Certificate, createPrivateKey } = await import('node:crypto');
      return new X509Certificate(crt).checkPrivateKey(createPrivateKey(key));
    } catch {
      return false;
    }
  }

  private versionName(): string {
    // Same shape as the kubelet's (`..2026_11_29_03_40_12.<n>`), plus randomness so two writers never collide.
    const iso = this.clock().toISOString();
    const stamp = iso.slice(0, 19).replace(/[-T:]/g, '_');
    return `${VERSION_PREFIX}${stamp}.${iso.slice(20, 23)}${randomBytes(4).toString('hex')}`;
  }

  private async currentVersion(dir: string): Promise<string | undefined> {
    return readlinkOrUndefined(join(dir, DATA_LINK));
  }

  /**
   * The data keys of the current version, or undefined when there is none (never written, or
   * `..data` dangles after a crash or a foreign process: the next writing run repairs it). A
   * symlink where a version directory or a data file should be is refused: it could point anywhere.
   */
  private async readDataKeys(dir: string): Promise<Record<string, Buffer> | undefined> {
    const version = await this.currentVersion(dir);
    if (!version) return undefined;
    if (!isVersionDir(version)) throw new StoreError(`${dir}/${DATA_LINK} points outside the store (${version}); refusing to use it`);
    const versionDir = join(dir, version);
    const st = lstatSync(versionDir, { throwIfNoEntry: false });
    if (!st) return undefined;
    if (!st.isDirectory()) throw new StoreError(`${versionDir} is not a directory (a symlink or file is in the way); refusing to use it`);
    // Synchronous on purpose: renew reads thousands of tiny files, and the thread-pool round
    // trips of the async calls cost more than the reads themselves.
    const out: Record<string, Buffer> = {};
    for (const entry of readdirSync(versionDir)) {
      if (entry === RECORD_FILE) continue;
      out[entry] = readRegularFile(join(versionDir, entry));
    }
    return out;
  }

  private async readStatus(dir: string): Promise<CertificateStatus | undefined> {
    return normalizeStatus(await readJson<CertificateStatus>(join(dir, STATUS_FILE)));
  }

  /**
   * Reads go through `..data` to a version directory, never through the data-key symlinks, so a
   * symlink planted there cannot redirect a read; one lstat suffices (renew reads every
   * certificate on every run). Writes check much more: see checkOwnedDir.
   */
  private async isRealDir(dir: string): Promise<boolean> {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) return false;
    if (!st.isDirectory()) throw new StoreError(`${dir} is not a directory (a symlink or file is in the way); refusing to use it`);
    return true;
  }

  /**
   * True when `dir` is a real directory certctl manages. Refuses symlinked path components (which
   * could point anywhere) and directories holding files certctl did not write.
   */
  private async checkOwnedDir(dir: string): Promise<boolean> {
    const parts = [join(dir, '..'), dir];
    for (const part of parts) {
      const st = await lstat(part).catch(() => undefined);
      if (!st) return false;
      if (!st.isDirectory()) throw new StoreError(`${part} is not a directory (a symlink or file is in the way); refusing to use it`);
    }
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(DATA_LINK) && !entries.every((e) => e.startsWith('.'))) {
      throw new StoreError(`${dir} holds files certctl did not write (no ${DATA_LINK}); move them away or choose another --out-dir`);
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const st = await lstat(join(dir, entry));
      const link = st.isSymbolicLink() ? await readlink(join(dir, entry)) : undefined;
      if (link !== `${DATA_LINK}/${entry}`) {
        throw new StoreError(`${join(dir, entry)} was not written by certctl (expected a symlink to ${DATA_LINK}/${entry}); refusing to overwrite it`);
      }
    }
    return true;
  }

  /**
   * Creates `<root>/<namespace>/<secretName>` one level at a time, refusing any existing level
   * that is not a real directory: `mkdir -p` would follow a planted symlink and write elsewhere.
   */
  private async ensureDir(dir: string): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    for (const level of [join(dir, '..'), dir]) {
      const st = await lstat(level).catch(() => undefined);
      if (!st) await mkdir(level, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      else if (!st.isDirectory()) throw new StoreError(`${level} is not a directory (a symlink or file is in the way); refusing to use it`);
    }
    await this.checkOwnedDir(dir);
  }
}

/** The pair's hashes from a version's record; undefined when it has none or cannot be read. */
function recordedHashes(path: string): CertificateRecord['tlsSha256'] {
  try {
    return (JSON.parse(readRegularFile(path).toString('utf8')) as Partial<CertificateRecord>).tlsSha256;
  } catch {
    return undefined;
  }
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function isVersionDir(name: string): boolean {
  return /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.[0-9a-f]+$/.test(name);
}

function assertSafeKey(key: string): void {
  if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.startsWith('..') || key === RECORD_FILE) {
    throw new StoreError(`invalid data key ${JSON.stringify(key)}`);
  }
}

/** Reads a file that must be a regular file: a symlink (O_NOFOLLOW) or a FIFO is refused. */
function readRegularFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new StoreError(`${path} is a symlink, not a file certctl wrote; refusing to read it`);
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new StoreError(`${path} is not a regular file; refusing to read it`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readlinkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = readRegularFile(path).toString('utf8');
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StoreError(`${path} is not valid JSON (damaged record); delete it to let certctl re-issue`);
  }
}
