import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeldLock, StoreLock } from './store.js';

/** The lock file in the store root. */
export const LOCK_FILE = '.certctl.lock';

/**
 * The lock file of one shard (`--shard 2/4`): shards work on disjoint Certificates, so each takes
 * its own lock and they run side by side, also from several hosts on one NFS directory.
 */
export function shardLockFile(index: number, count: number): string {
  return `.certctl-shard-${index}-of-${count}.lock`;
}

/** What the lock file holds (JSON); never anything secret. */
export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  /** What holds it, e.g. `certctl renew`. */
  holder: string;
  /** The kernel boot id when known: a lock from before a reboot is stale whatever its pid. */
  bootId?: string;
  /** Unique per acquisition: tells this holder's lock from a later one by the same pid. */
  token: string;
}

export interface FileLockOptions {
  /** The store root; the lock is `<root>/.certctl.lock` (or `<root>/<name>`). */
  root: string;
  /** The lock file's name in the root (default {@link LOCK_FILE}); one per shard, see {@link shardLockFile}. */
  name?: string;
  /** This process's pid and host name (the CLI passes `process.pid`, `os.hostname()`). */
  pid: number;
  hostname: string;
  /**
   * Whether a pid runs on this host. The CLI passes `process.kill(pid, 0)` wrapped so that ESRCH
   * means dead and EPERM (alive, another user's) means alive.
   */
  isAlive: (pid: number) => boolean;
  /** `/proc/sys/kernel/random/boot_id` when available. */
  bootId?: string;
  now?: () => Date;
  /** How often a waiting acquirer looks again (default 100 ms). */
  pollMs?: number;
  /**
   * Tokens this process holds, shared by every FileLock of the process (the CLI makes one set per
   * process): a lock with our pid and a token not in it is a dead predecessor's.
   */
  heldTokens?: Set<string>;
}

type ReadResult = { kind: 'info'; info: LockInfo } | { kind: 'missing' } | { kind: 'unreadable'; why: string };

/** Leftover temp files older than this were abandoned by a killed acquirer. */
const ABANDONED_MS = 60_000;
/** A claim on a claim on ... a crash at each level would be needed to go deeper. */
const MAX_TAKEOVER_DEPTH = 3;

/**
 * One `renew` at a time on a file store: a lock file created atomically in the store root.
 *
 * The file is written completely under a temporary name (O_CREAT|O_EXCL) and then hard-linked to
 * `.certctl.lock`: link(2) fails with EEXIST like O_EXCL does, and a reader never sees a lock
 * file without its content (open-then-write would leave an empty file for a moment, or forever if
 * the process died between the two).
 *
 * A lock is stale only when its holder is provably gone: same host and the pid is dead, or the pid
 * is ours but the token is not one this process holds (a container restarted with the same pid),
 * or the boot id differs (rebooted). Locks from other hosts are never taken over: their pids mean
 * nothing here.
 *
 * Taking over a stale lock is where naive locks fail. "unlink, then create" lets two racers both
 * see the stale lock: A unlinks and creates its own, then B unlinks *A's live lock* and creates
 * another, and both believe they hold it. A plain rename-over has the same flaw. Here, a taker
 * first claims that stale generation by linking `.certctl.lock.takeover-<stale token>`, which
 * exactly one process can do; the winner checks that the lock still holds the stale token and
 * then renames its own complete file over it. Only the claim winner can change a lock holding
 * that token (its holder is dead, and normal acquirers only create a missing file), so the check
 * cannot go out of date before the rename, and there is never a moment without a lock file for a
 * normal acquirer to slip in. A claim whose own claimer died is taken over the same way, one level
 * down. Leftover claims of old generations are harmless (the check fails) and are swept by the
 * next holder.
 */
export class FileLock implements StoreLock {
  readonly path: string;
  private readonly fileName: string;
  private readonly now: () => Date;
  private readonly pollMs: number;
  private readonly heldTokens: Set<string>;

  constructor(private readonly opts: FileLockOptions) {
    this.heldTokens = opts.heldTokens ?? new Set();
    this.fileName = opts.name ?? LOCK_FILE;
    this.path = join(opts.root, this.fileName);
    this.now = opts.now ?? (() => new Date());
    this.pollMs = opts.pollMs ?? 100;
  }

  /**
   * Takes the lock, waiting up to `waitMs` (0: one try) for the current holder to finish.
   * Resolves undefined when it is still held then; rejects with the signal's reason on abort.
   */
  async acquire(o: { waitMs: number; holder: string; signal?: AbortSignal }): Promise<HeldLock | undefined> {
    const deadline = this.now().getTime() + Math.max(0, o.waitMs);
    await mkdir(this.opts.root, { recursive: true, mode: 0o755 });
    for (;;) {
      o.signal?.throwIfAborted();
      const info: LockInfo = {
        pid: this.opts.pid,
        hostname: this.opts.hostname,
        startedAt: this.now().toISOString(),
        holder: o.holder,
        ...(this.opts.bootId ? { bootId: this.opts.bootId } : {}),
        token: randomBytes(12).toString('hex'),
      };
      if (await this.tryAcquire(info)) {
        await this.sweep().catch(() => {});
        return { release: () => this.release(info.token) };
      }
      const left = deadline - this.now().getTime();
      if (left <= 0) return undefined;
      await sleep(Math.min(this.pollMs, left), undefined, { signal: o.signal }).catch((err: unknown) => {
        throw o.signal?.aborted ? o.signal.reason : err;
      });
    }
  }

  /** Who holds the lock, for the "lock held" message; undefined when nobody does. */
  async describeHolder(): Promise<string | undefined> {
    const cur = await this.read(this.path);
    if (cur.kind === 'missing') return undefined;
    if (cur.kind === 'unreadable') return `unknown (${this.path} is unreadable: ${cur.why}; remove it if no certctl is running)`;
    const i = cur.info;
    const stale = this.isStale(i) ? ', no longer running: the next run takes the lock over' : '';
    // Older certctl versions put the pid and host into `holder` already.
    const holder = i.holder.replace(/ \(pid \d+ on [^)]*\)$/, '');
    return `${holder} (pid ${i.pid} on ${i.hostname}, since ${i.startedAt}${stale})`;
  }

  private async tryAcquire(info: LockInfo): Promise<boolean> {
    // While a live holder keeps it, waiting costs one read per poll and writes nothing.
    const seen = await this.read(this.path);
    if (seen.kind === 'unreadable' || (seen.kind === 'info' && !this.isStale(seen.info))) return false;
    const tmp = this.tempName(info.token);
    // Registered before the file can be seen, so that another FileLock in this process never
    // mistakes it for a dead predecessor's (same pid, unknown token).
    this.heldTokens.add(info.token);
    let acquired = false;
    try {
      await createNew(tmp, info);
      acquired = await this.attempt(tmp, info);
      return acquired;
    } finally {
      if (!acquired) this.heldTokens.delete(info.token);
      await rm(tmp, { force: true });
    }
  }

  private async attempt(tmp: string, info: LockInfo): Promise<boolean> {
    // A lock released between our link and our read shows as missing: try again at once.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await linkNew(tmp, this.path)) return true;
      const cur = await this.read(this.path);
      if (cur.kind === 'missing') continue;
      if (cur.kind === 'info' && this.isStale(cur.info)) return this.takeOver(this.path, cur.info.token, tmp, info, 0);
      return false;
    }
    return false;
  }

  /**
   * Replaces the file at `path`, which held generation `staleToken`, by `replacement`, if this
   * process wins the claim on that generation. See the class comment for why this is safe.
   */
  private async takeOver(path: string, staleToken: string, replacement: string, info: LockInfo, depth: number): Promise<boolean> {
    const claim = `${path}.takeover-${staleToken}`;
    const claimTmp = this.tempName(`${info.token}-claim${depth}`);
    await createNew(claimTmp, info);
    let claimed = false;
    try {
      claimed = await linkNew(claimTmp, claim);
      if (!claimed) {
        const other = await this.read(claim);
        if (other.kind !== 'info' || !this.isStale(other.info) || depth + 1 >= MAX_TAKEOVER_DEPTH) return false;
        // The claimer died mid-takeover: take its claim over, one level down.
        claimed = await this.takeOver(claim, other.info.token, claimTmp, info, depth + 1);
        if (!claimed) return false;
      }
      const cur = await this.read(path);
      if (cur.kind !== 'info' || cur.info.token !== staleToken) return false; // someone finished first
      await rename(replacement, path);
      return true;
    } finally {
      if (claimed) await rm(claim, { force: true });
      await rm(claimTmp, { force: true });
    }
  }

  private async release(token: string): Promise<void> {
    if (!this.heldTokens.has(token)) return;
    const cur = await this.read(this.path);
    // Only our own: if someone removed it by hand and another run took it since, it is theirs.
    if (cur.kind === 'info' && cur.info.token === token) await rm(this.path, { force: true });
    // Forgotten only once the file is gone: until then it must still look alive to this process.
    this.heldTokens.delete(token);
  }

  private isStale(i: LockInfo): boolean {
    if (i.hostname !== this.opts.hostname) return false;
    if (this.opts.bootId && i.bootId && i.bootId !== this.opts.bootId) return true;
    if (i.pid === this.opts.pid) return !this.heldTokens.has(i.token);
    return !this.opts.isAlive(i.pid);
  }

  private async read(path: string): Promise<ReadResult> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'unreadable', why: (err as Error).message };
    }
    try {
      const v = JSON.parse(text) as Partial<LockInfo>;
      // A pid ≤ 0 would make kill(pid, 0) probe a whole process group: not a lock we wrote.
      if (Number.isInteger(v.pid) && v.pid! > 0 && typeof v.hostname === 'string' && typeof v.token === 'string') {
        return { kind: 'info', info: { holder: 'unknown', startedAt: '?', ...v } as LockInfo };
      }
      return { kind: 'unreadable', why: 'not a certctl lock record' };
    } catch {
      return { kind: 'unreadable', why: 'not JSON' };
    }
  }

  private tempName(tag: string): string {
    return join(this.opts.root, `${this.fileName}.${tag}.tmp`);
  }

  /** Holding the lock, removes claims on old generations and temp files of killed acquirers. */
  private async sweep(): Promise<void> {
    const nowMs = this.now().getTime();
    for (const name of await readdir(this.opts.root)) {
      if (!name.startsWith(`${this.fileName}.`)) continue;
      const p = join(this.opts.root, name);
      if (name.startsWith(`${this.fileName}.takeover-`)) {
        await rm(p, { force: true });
      } else if (name.endsWith('.tmp')) {
        const st = await stat(p).catch(() => undefined);
        if (st && nowMs - st.mtimeMs > ABANDONED_MS) await rm(p, { force: true });
      }
    }
  }
}

/**
 * Writes a new temp file (O_CREAT|O_EXCL). No fsync: a lock does not outlive a power cut in any
 * useful way (its holder is gone after the reboot) and waiters would pay for it on every try.
 */
async function createNew(path: string, info: LockInfo): Promise<void> {
  await writeFile(path, `${JSON.stringify(info)}\n`, { flag: 'wx', mode: 0o644 });
}

/** link(2) as "create if absent": true when created, false when something is already there. */
async function linkNew(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
