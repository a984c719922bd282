/**
 * The no-op cache. Most renews find nothing due, and on Node most of their time is spent loading
 * and compiling code, not deciding. A renew that found every certificate up to date, wrote nothing
 * and warned of nothing leaves a receipt: what it printed, every file and directory its decision
 * was made from (with their signatures, shared/file-signature.ts), and the first moment the
 * decision could change with the clock alone (renewal/stable-until.ts). The next renew with the
 * same command line, working directory, environment, certctl and Node replays the receipt instead
 * of running, if not one of those files changed and that moment has not come; otherwise it runs in
 * full, as if there were no cache. This module is all the replay loads (bin/certctl.js → entry.ts).
 *
 * Receipts live in `$CERTCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/certctl`, else `~/.cache/certctl`,
 * one file per invocation (named by its hash), private to the user. They hold no secrets: names,
 * paths, dates and hashes.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue } from '../metrics/prometheus.js';
import { fileSignature } from '../shared/file-signature.js';
import { replaceFile } from '../stores/fs-atomic.js';
import { packageVersion } from './version.js';

const FORMAT = 1;

/** Even with nothing changed, a full run at least this often: a safety net for what no signature shows. */
export const MAX_RECEIPT_AGE_MS = 24 * 3600_000;

/**
 * Per-invocation noise: a shell's, systemd's or SSH's bookkeeping, and the variable certctl sets
 * itself for the AWS SDK. Everything else in the environment is part of the key, so any other
 * change (a credential, `CERTCTL_*`, `TZ`) means a full run.
 */
const VOLATILE_ENV = new Set([
  '_',
  'OLDPWD',
  'PWD',
  'SHLVL',
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'SYSTEMD_EXEC_PID',
  'TERM_SESSION_ID',
  'WINDOWID',
  'SSH_CLIENT',
  'SSH_CONNECTION',
  'SSH_TTY',
  'XDG_SESSION_ID',
  'COLUMNS',
  'LINES',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
]);

/** One run of certctl as the cache tells runs apart. */
export interface Invocation {
  /** The arguments after `certctl`. */
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout and stderr are terminals (jitter, and anything else that may look). */
  ttys: [boolean, boolean];
  uid: number;
  nodeVersion: string;
}

/** One dependency: a path, whether its symlinks are followed, and its signature when the run read it. */
export type Dependency = [path: string, follow: 0 | 1, signature: string];

/** What a clean no-op left for the next identical invocation. */
export interface Receipt {
  format: typeof FORMAT;
  key: string;
  createdAt: number;
  /** The first moment the outcome may change with nothing else changed. */
  validUntil: number;
  deps: Dependency[];
  /** Everything the run printed, in order: [1, text] on stdout, [2, text] on stderr. */
  output: [1 | 2, string][];
  /** `--metrics-file`: what the run wrote there; a replay writes it again with its own time. */
  metrics?: { path: string; text: string };
}

/** The invocation running now. */
export function currentInvocation(argv: string[]): Invocation {
  return {
    args: argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    // isatty, not process.stdout: creating the stream would make a pipe non-blocking, and the
    // replay writes synchronously.
    ttys: [isatty(1), isatty(2)],
    uid: process.getuid?.() ?? -1,
    nodeVersion: process.version,
  };
}

export function invocationKey(inv: Invocation): string {
  const env = Object.entries(inv.env)
    .filter(([k, v]) => v !== undefined && !VOLATILE_ENV.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, packageVersion(), inv.nodeVersion, inv.args, inv.cwd, inv.ttys, inv.uid, env]))
    .digest('hex');
}

/** Where receipts are kept, or undefined when there is no home for them. */
export function cacheDir(env: Record<string, string | undefined>): string | undefined {
  if (env.CERTCTL_CACHE_DIR) return env.CERTCTL_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'certctl');
  let home = env.HOME;
  if (!home) {
    try {
      home = homedir();
    } catch {
      return undefined;
    }
  }
  return home ? join(home, '.cache', 'certctl') : undefined;
}

function receiptPath(dir: string, key: string): string {
  return join(dir, 'noop', `${key}.json`);
}

/**
 * Reads the receipt of `inv`; undefined when there is none, or it is not the user's own private
 * file (a receipt someone else could write could hide a due renewal), or unreadable.
 */
function readReceipt(inv: Invocation, key: string): Receipt | undefined {
  const dir = cacheDir(inv.env);
  if (!dir) return undefined;
  let fd: number;
  try {
    fd = openSync(receiptPath(dir, key), constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (inv.uid >= 0 && st.uid !== inv.uid) || (st.mode & 0o077) !== 0) return undefined;
    const r = JSON.parse(readFileSync(fd, 'utf8')) as Receipt;
    return r.format === FORMAT && r.key === key && Array.isArray(r.deps) && Array.isArray(r.output) ? r : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Why a receipt cannot stand in for a run now; undefined when it can. */
export function receiptInvalid(r: Receipt, now: number): string | undefined {
  if (!(r.createdAt <= now)) return 'written after now (the clock went back)';
  if (!(now < r.validUntil)) return 'a renewal, expiry or CA check is due';
  if (!(now < r.createdAt + MAX_RECEIPT_AGE_MS)) return 'older than a day';
  for (const [path, follow, signature] of r.deps) {
    if (fileSignature(path, follow === 1) !== signature) return `${path} changed`;
  }
  return undefined;
}

/**
 * Prints what the receipt of this invocation printed (and writes its metrics file), if it is still
 * valid; false means run in full. A reader that closed stdout ends the run as in main() (exit 141).
 */
export async function replayNoop(inv: Invocation, now = Date.now()): Promise<boolean> {
  const key = invocationKey(inv);
  const r = readReceipt(inv, key);
  if (!r || receiptInvalid(r, now) !== undefined) return false;
  if (r.metrics) {
    try {
      await replaceFile(r.metrics.path, metricsAt(r.metrics.text, now), 0o644);
    } catch {
      // The full run reports why the file cannot be written (and exits 1).
      return false;
    }
  }
  // In the order printed; consecutive pieces for one stream in one write.
  const runs: [1 | 2, string][] = [];
  for (const [fd, text] of r.output) {
    const last = runs[runs.length - 1];
    if (last && last[0] === fd) last[1] += text;
    else runs.push([fd, text]);
  }
  for (const [fd, text] of runs) {
    try {
      writeAll(fd, Buffer.from(text));
    } catch (err) {
      if (fd === 1 && (err as NodeJS.ErrnoException).code === 'EPIPE') {
        process.exitCode = 141;
        return true;
      }
      if (fd === 1) throw err;
    }
  }
  process.exitCode = 0;
  return true;
}

/** The metrics of a run that ends now: the same samples, this run's time and duration. */
export function metricsAt(text: string, now: number): string {
  return text
    .replace(/^certctl_last_run_timestamp_seconds .*$/m, `certctl_last_run_timestamp_seconds ${formatValue(Math.floor(now / 1000))}`)
    .replace(/^certctl_last_run_duration_seconds .*$/m, `certctl_last_run_duration_seconds ${formatValue(performance.now() / 1000)}`);
}

/** Writes all of `buf`, also to a descriptor someone made non-blocking (short writes, EAGAIN). */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

/** Stores the receipt of a clean no-op (atomically, private); failures only cost the next run its shortcut. */
export async function writeReceipt(inv: Invocation, receipt: Omit<Receipt, 'format' | 'key'>): Promise<void> {
  const dir = cacheDir(inv.env);
  if (!dir) return;
  const key = invocationKey(inv);
  const noopDir = join(dir, 'noop');
  try {
    mkdirSync(noopDir, { recursive: true, mode: 0o700 });
    pruneReceipts(noopDir, receipt.createdAt);
    await replaceFile(receiptPath(dir, key), JSON.stringify({ format: FORMAT, key, ...receipt }), 0o600);
  } catch {
    // A read-only home or a full disk: the next run is a full one, nothing else.
  }
}

/** Removes the receipt of `inv`: a run that was not a clean no-op must not leave an old one behind. */
export function forgetReceipt(inv: Invocation): void {
  const dir = cacheDir(inv.env);
  try {
    if (dir) rmSync(receiptPath(dir, invocationKey(inv)), { force: true });
  } catch {
    // Not ours to remove, or no such directory: it cannot be replayed either (readReceipt checks).
  }
}

/** Receipts too old to be replayed (and temporary files of killed runs) are removed when one is written. */
function pruneReceipts(noopDir: string, now: number): void {
  for (const name of readdirSync(noopDir)) {
    const path = join(noopDir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > MAX_RECEIPT_AGE_MS) rmSync(path, { force: true });
  }
}

/**
 * The code that replays is a dependency of every receipt: any rebuild or upgrade of certctl
 * (the bundle is written afresh) means a full run, whatever the version says.
 */
export function codeDependency(): Dependency {
  const path = fileURLToPath(import.meta.url);
  return [path, 1, fileSignature(path, true)];
}
