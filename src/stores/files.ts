import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CertificateStore, SecretTarget, StoredCertificate, TlsData, WriteResult } from './store.js';
import type { CertificateRecord, CertificateStatus } from './records.js';
import { createFile, replaceFile, replaceSymlink, syncDir, type FaultHook } from './fs-atomic.js';
import { assertSafeSegment, StoreError } from './store-error.js';

/** Data keys that are private; created 0600, everything else 0644. */
const PRIVATE_KEYS = new Set(['tls.key']);
const DATA_LINK = '..data';
const RECORD_FILE = 'certctl.json';
const STATUS_FILE = '.certctl-status.json';
const VERSION_PREFIX = '..';

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
    const record = await readJson<CertificateRecord>(join(dir, DATA_LINK, RECORD_FILE));
    return { data, record, status: await this.readStatus(dir), location: dir };
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
    const dir = await this.switchVersion(target, files, Buffer.from(JSON.stringify(record, null, 2) + '\n'));
    const paths: Record<string, string> = {};
    for (const key of Object.keys(files)) paths[key] = join(dir, key);
    return { location: dir, files: paths };
  }

  async writeSecretData(target: SecretTarget, data: Record<string, Buffer>): Promise<void> {
    await this.switchVersion(target, data);
  }

  async writeStatus(target: SecretTarget, status: CertificateStatus): Promise<void> {
    const dir = this.dirFor(target);
    await this.ensureDir(dir);
    // 0600: it may hold the private key of an order in flight.
    await replaceFile(join(dir, STATUS_FILE), JSON.stringify(status, null, 2) + '\n', 0o600);
  }

  /** Writes a complete new version directory, then swaps `..data` to it and prunes the old one. */
  private async switchVersion(target: SecretTarget, files: Record<string, Buffer>, record?: Buffer): Promise<string> {
    const dir = this.dirFor(target);
    await this.ensureDir(dir);
    const version = this.versionName();
    const versionDir = join(dir, version);
    await mkdir(versionDir, { mode: 0o755 });
    this.fault('files:version-dir-created');
    for (const [key, value] of Object.entries(files)) {
      assertSafeKey(key);
      await createFile(join(versionDir, key), value, PRIVATE_KEYS.has(key) || !key.includes('.crt') ? 0o600 : 0o644);
      this.fault(`files:wrote-${key}`);
    }
    if (record) await createFile(join(versionDir, RECORD_FILE), record, 0o644);
    await syncDir(versionDir);
    this.fault('files:version-complete');
    await replaceSymlink(join(dir, DATA_LINK), version);
    await syncDir(dir);
    this.fault('files:data-switched');
    await this.linkKeys(dir, Object.keys(files));
    await this.pruneVersions(dir, version);
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

  /** Removes version directories other than the current one (left by this or a crashed run). */
  private async pruneVersions(dir: string, current: string): Promise<void> {
    for (const entry of await readdir(dir)) {
      if (entry === current || entry === DATA_LINK || !isVersionDir(entry)) continue;
      await rm(join(dir, entry), { recursive: true, force: true });
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

  private async readDataKeys(dir: string): Promise<Record<string, Buffer> | undefined> {
    const version = await this.currentVersion(dir);
    if (!version) return undefined;
    if (!isVersionDir(version)) throw new StoreError(`${dir}/${DATA_LINK} points outside the store (${version}); refusing to use it`);
    // Synchronous on purpose: renew reads thousands of tiny files, and the thread-pool round
    // trips of the async calls cost more than the reads themselves.
    const out: Record<string, Buffer> = {};
    for (const entry of readdirSync(join(dir, version))) {
      if (entry === RECORD_FILE) continue;
      out[entry] = readFileSync(join(dir, version, entry));
    }
    return out;
  }

  private async readStatus(dir: string): Promise<CertificateStatus | undefined> {
    return readJson<CertificateStatus>(join(dir, STATUS_FILE));
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

function isVersionDir(name: string): boolean {
  return /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.[0-9a-f]+$/.test(name);
}

function assertSafeKey(key: string): void {
  if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.startsWith('..') || key === RECORD_FILE) {
    throw new StoreError(`invalid data key ${JSON.stringify(key)}`);
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
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StoreError(`${path} is not valid JSON (damaged record); delete it to let certctl re-issue`);
  }
}
