/**
 * User hooks (`--pre-hook`, `--post-hook`, `--deploy-hook`): shell commands with certbot's
 * semantics (`/bin/sh -c`), a timeout that kills everything they started, and a bounded tail of
 * their output for the report.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import type { CertificateResult } from './events.js';

/** How much of a hook's output is kept (the end, where errors usually are). */
export const HOOK_OUTPUT_BYTES = 4096;
/** After the timeout's SIGTERM, how long the hook's processes get before SIGKILL. */
const DEFAULT_KILL_GRACE_MS = 5_000;
/** After the shell exits, how long to wait for its output pipes to close (a background child may hold them). */
const DRAIN_MS = 200;

export interface HookOptions {
  /**
   * The hook's whole environment, used as given (certctl's own environment is not added here:
   * the CLI passes `{ ...process.env, ...deployHookEnv(...) }`).
   */
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborting kills the hook like a timeout does (the run is being stopped). */
  signal?: AbortSignal;
  cwd?: string;
  /** SIGTERM-to-SIGKILL grace after a timeout or abort (default 5 s). */
  killGraceMs?: number;
  /**
   * Signals a whole process group. The CLI may pass `(pgid, sig) => process.kill(-pgid, sig)`;
   * the default asks the shell's `kill` builtin, so that this module needs no `process`.
   */
  killGroup?: (pgid: number, signal: 'SIGTERM' | 'SIGKILL') => void;
}

export interface HookResult {
  /** Exited 0, in time. */
  ok: boolean;
  code: number | null;
  /** The signal that ended the shell (after a timeout: SIGTERM or SIGKILL). */
  signal: string | null;
  /** The last ~4 KB of stdout and stderr, interleaved as they came. */
  output: string;
  timedOut: boolean;
}

/**
 * Runs `command` with `/bin/sh -c` in a process group of its own, so that a timeout (or abort)
 * reaches the processes it started too: SIGTERM to the group, SIGKILL after a grace period.
 * Never rejects: a hook that cannot start resolves with `ok: false` and the reason in `output`.
 * Resolves once the shell has exited; a background process the hook leaves running (detached on
 * purpose, like a daemon it restarts) is not waited for.
 */
export function runHook(command: string, opts: HookOptions): Promise<HookResult> {
  const killGroup = opts.killGroup ?? shellKillGroup;
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    const tail = new OutputTail(HOOK_OUTPUT_BYTES);
    const child = spawn('/bin/sh', ['-c', command], { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => tail.push(b));
    child.stderr.on('data', (b: Buffer) => tail.push(b));

    let timedOut = false;
    let killing = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let done = false;
    const timers: NodeJS.Timeout[] = [];

    const signalGroup = (sig: 'SIGTERM' | 'SIGKILL'): void => {
      if (child.pid === undefined) return;
      try {
        killGroup(child.pid, sig);
      } catch {
        // already gone
      }
    };
    const kill = (): void => {
      // Once the shell has exited, what is left was detached on purpose (see above).
      if (killing || done || exit) return;
      killing = true;
      signalGroup('SIGTERM');
      timers.push(setTimeout(() => signalGroup('SIGKILL'), grace));
    };
    const onAbort = (): void => kill();

    const finish = (result: HookResult): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      // Whatever ignored SIGTERM and outlived the shell goes now, not at the end of the grace.
      if (killing) signalGroup('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    const settle = (): void => {
      if (!exit) return;
      finish({ ok: exit.code === 0 && !killing, code: exit.code, signal: exit.signal, output: tail.text(), timedOut });
    };

    timers.push(
      setTimeout(() => {
        if (exit) return;
        timedOut = true;
        tail.note(`[certctl: hook timed out after ${opts.timeoutMs} ms; killed]`);
        kill();
      }, opts.timeoutMs),
    );
    if (opts.signal?.aborted) kill();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => {
      finish({ ok: false, code: null, signal: null, output: `${tail.text()}cannot run /bin/sh: ${err.message}`, timedOut });
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(settle, DRAIN_MS));
    });
    child.on('close', settle);
  });
}

/** Signals process group `pgid` with the shell's `kill` builtin (POSIX: a negative pid names a group). */
function shellKillGroup(pgid: number, sig: 'SIGTERM' | 'SIGKILL'): void {
  const name = sig === 'SIGKILL' ? 'KILL' : 'TERM';
  const k = spawn('/bin/sh', ['-c', 'kill -s "$1" -- "-$2" 2>/dev/null', 'sh', name, String(pgid)], { stdio: 'ignore' });
  k.on('error', () => {});
}

/** Keeps the last `max` bytes of a stream of chunks without copying everything. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly max: number) {}

  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
      this.dropped = true;
    }
  }

  note(line: string): void {
    this.push(Buffer.from(`\n${line}\n`));
  }

  text(): string {
    let buf = Buffer.concat(this.chunks);
    if (buf.length > this.max) {
      buf = buf.subarray(buf.length - this.max);
      this.dropped = true;
    }
    // A cut through a multi-byte character decodes to U+FFFD at the start: drop it.
    const s = buf.toString('utf8');
    return this.dropped ? s.replace(/^\uFFFD+/, '') : s;
  }
}

/**
 * The `CERTCTL_*` variables a deploy hook gets for one renewed certificate: names, paths and
 * identifiers, never key material or credentials. `files` maps data keys (`tls.crt`, `tls.key`,
 * `ca.crt`) to paths, as the file store's WriteResult does; without it (Kubernetes) the paths
 * are omitted and `CERTCTL_NAMESPACE`/`CERTCTL_SECRET_NAME` name the Secret.
 */
export function deployHookEnv(result: CertificateResult, files: Record<string, string> | undefined = result.files): Record<string, string> {
  const env: Record<string, string> = {
    CERTCTL_CERTIFICATE_NAME: result.name,
    CERTCTL_NAMESPACE: result.namespace,
    CERTCTL_SECRET_NAME: result.secretName,
    CERTCTL_REASON: result.reason,
    CERTCTL_DNS_NAMES: (result.dnsNames ?? []).join(' '),
  };
  if (result.notAfter) env.CERTCTL_NOT_AFTER = result.notAfter;
  const cert = files?.['tls.crt'];
  if (cert) {
    env.CERTCTL_DIR = dirname(cert);
    env.CERTCTL_CERT_PATH = cert;
  }
  if (files?.['tls.key']) env.CERTCTL_KEY_PATH = files['tls.key'];
  if (files?.['ca.crt']) env.CERTCTL_CA_PATH = files['ca.crt'];
  return env;
}
