/**
 * The one way certctl runs other programs: user hooks (`/bin/sh -c`, certbot's semantics) and exec
 * DNS solvers (an argv, lego's exec convention). Each runs in a process group of its own so that a
 * timeout or an interrupt reaches everything it started: SIGTERM to the group, SIGKILL after a grace
 * period. Only a bounded tail of the output is kept, and it is redacted before anyone sees it: PEM
 * private-key blocks and every secret value certctl handed to the process are cut out.
 */
import { spawn } from 'node:child_process';
import { redact } from './redact.js';

/** How much of a command's output is kept (the end, where errors usually are). */
export const OUTPUT_TAIL_BYTES = 4096;
/** After the timeout's SIGTERM, how long the command's processes get before SIGKILL. */
const DEFAULT_KILL_GRACE_MS = 5_000;
/** After the process exits, how long to wait for its output pipes to close (a background child may hold them). */
const DRAIN_MS = 200;

/** Signals a whole process group; the CLI passes `(pgid, sig) => process.kill(-pgid, sig)`. */
export type KillGroup = (pgid: number, signal: 'SIGTERM' | 'SIGKILL') => void;

export interface CommandSpec {
  /** A shell command line, run with `/bin/sh -c`. */
  shell?: string;
  /** Or an argv, run without a shell. */
  argv?: string[];
  /** The whole environment, used as given (nothing is inherited implicitly). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborting kills the command like a timeout does (the run is being stopped). */
  signal?: AbortSignal;
  cwd?: string;
  /** Values given to the command (credentials, keys) that must never come back in its output. */
  secrets?: readonly string[];
}

export interface CommandResult {
  /** Exited 0, in time. */
  ok: boolean;
  code: number | null;
  /** The signal that ended the process (after a timeout: SIGTERM or SIGKILL). */
  signal: string | null;
  /** The last ~4 KiB of stdout and stderr, interleaved as they came, redacted. */
  output: string;
  timedOut: boolean;
}

export type CommandRunner = (spec: CommandSpec) => Promise<CommandResult>;

export interface RunnerOptions {
  killGroup?: KillGroup;
  /** SIGTERM-to-SIGKILL grace after a timeout or abort (default 5 s). */
  killGraceMs?: number;
}

/**
 * Builds the runner. It never rejects: a command that cannot start resolves with `ok: false` and the
 * reason in `output`. It resolves once the process has exited; a background process a hook leaves
 * running (detached on purpose, like a daemon it restarts) is not waited for.
 */
export function createCommandRunner(opts: RunnerOptions = {}): CommandRunner {
  const killGroup = opts.killGroup ?? shellKillGroup;
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return (spec) => run(spec, killGroup, grace);
}

function run(spec: CommandSpec, killGroup: KillGroup, grace: number): Promise<CommandResult> {
  const [file, args] = spec.shell !== undefined ? ['/bin/sh', ['-c', spec.shell]] : [spec.argv?.[0] ?? '', spec.argv?.slice(1) ?? []];
  const secrets = (spec.secrets ?? []).filter((s) => s.length >= 4);
  // Keep a little more than shown, so a secret cut by the tail's start is still recognised.
  const tail = new OutputTail(OUTPUT_TAIL_BYTES + Math.max(0, ...secrets.map((s) => Buffer.byteLength(s))));
  const finalText = (extra = ''): string => {
    const text = redact(tail.text() + extra, secrets);
    const bytes = Buffer.from(text);
    return bytes.length <= OUTPUT_TAIL_BYTES ? text : bytes.subarray(bytes.length - OUTPUT_TAIL_BYTES).toString('utf8').replace(/^\uFFFD+/, '');
  };
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(file, args, { env: spec.env, cwd: spec.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ ok: false, code: null, signal: null, output: `cannot run ${file}: ${(err as Error).message}`, timedOut: false });
      return;
    }
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
      // Once the process has exited, what is left was detached on purpose (see above).
      if (killing || done || exit) return;
      killing = true;
      signalGroup('SIGTERM');
      timers.push(setTimeout(() => signalGroup('SIGKILL'), grace));
    };
    const onAbort = (): void => kill();

    const finish = (result: CommandResult): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      spec.signal?.removeEventListener('abort', onAbort);
      // Whatever ignored SIGTERM and outlived the process goes now, not at the end of the grace.
      if (killing) signalGroup('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    const settle = (): void => {
      if (!exit) return;
      finish({ ok: exit.code === 0 && !killing, code: exit.code, signal: exit.signal, output: finalText(), timedOut });
    };

    timers.push(
      setTimeout(() => {
        if (exit) return;
        timedOut = true;
        tail.note(`[certctl: timed out after ${spec.timeoutMs} ms; killed]`);
        kill();
      }, Math.min(spec.timeoutMs, 2 ** 31 - 1)),
    );
    if (spec.signal?.aborted) kill();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => {
      finish({ ok: false, code: null, signal: null, output: finalText(`cannot run ${file}: ${err.message}`), timedOut });
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

/** Formats why a command failed, for one-line messages: `exited with code 3: last | lines`. */
export function describeFailure(r: CommandResult, timeoutMs: number): string {
  const why = r.timedOut ? `timed out after ${formatSeconds(timeoutMs)}` : r.code !== null ? `exited with code ${r.code}` : `was killed by ${r.signal ?? 'a signal'}`;
  const lines = r.output.trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[certctl: timed out'));
  const last = lines.slice(-3).join(' | ');
  return `${why}${last ? `: ${last}` : ''}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
