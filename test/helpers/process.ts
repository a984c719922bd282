/**
 * Child processes for test servers: output captured (bounded) for error messages, a stop that
 * escalates from SIGTERM to SIGKILL, and a safety net that kills the child when the test process
 * exits, so a test that forgets `stop()` or crashes does not leave servers behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const MAX_LOG = 256 * 1024;

const cleanups = new Set<() => void>();
let hooked = false;

function runCleanups(): void {
  for (const fn of cleanups) fn();
  cleanups.clear();
}

/** One process-wide hook rather than one listener per server (avoids MaxListeners warnings). */
function register(fn: () => void): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', runCleanups);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        runCleanups();
        process.kill(process.pid, sig);
      });
    }
  }
  cleanups.add(fn);
}

/** A running server process. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Captured stdout+stderr (the last 256 KiB). */
  output(): string;
  /** Resolves with the exit code/signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; then removes `cleanupDir`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `command` and registers it for cleanup at process exit. */
export function startProcess(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; cleanupDir?: string }): ManagedProcess {
  const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    if (log.length > MAX_LOG) log = log.slice(-MAX_LOG);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      done = true;
      append(Buffer.from(`spawn error: ${err.message}\n`));
      resolve({ code: null, signal: null });
    });
  });
  const onExit = (): void => {
    if (!done) child.kill('SIGKILL');
    if (opts.cleanupDir) rmSync(opts.cleanupDir, { recursive: true, force: true });
  };
  register(onExit);
  let stopping: Promise<void> | undefined;
  return {
    child,
    exited,
    output: () => log,
    hasExited: () => done,
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        if (!done) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        cleanups.delete(onExit);
        if (opts.cleanupDir) rmSync(opts.cleanupDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
