/**
 * The process seen by a command: its streams (a reader closing stdout ends the run as SIGPIPE
 * would, never with a stack trace), its environment, verbosity, and interrupts. Built once per
 * invocation; the only place besides main.ts that touches `process`.
 */
import type { CertificateEvent } from '../core/events.js';
import { createCommandRunner } from '../shared/command-runner.js';
import type { CommandRunner } from '../shared/command-runner.js';
import { ExitCode, usage, type ExitCodeValue } from './exit-codes.js';
import { renderEvent } from './reporter.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export function verbosityOf(flags: { verbose?: boolean; quiet?: boolean }): Verbosity {
  if (flags.verbose && flags.quiet) throw usage('-v and -q exclude each other');
  return flags.verbose ? 'verbose' : flags.quiet ? 'quiet' : 'normal';
}

export interface Interrupts {
  signal: AbortSignal;
  /** 130 or 143 when a signal stopped the run. */
  exitCode(): ExitCodeValue | undefined;
  release(): void;
}

export class CliContext {
  readonly env: Record<string, string | undefined> = process.env;
  readonly isTTY = Boolean(process.stdout.isTTY);
  readonly runCommand: CommandRunner = createCommandRunner({ killGroup: (pgid, sig) => process.kill(-pgid, sig) });
  verbosity: Verbosity = 'normal';
  /** `certctl/<version>` for requests to CAs; set by main once the version is read. */
  userAgent = 'certctl';
  /** Store lock tokens this process holds: a lock with our pid and another token is a dead predecessor's. */
  readonly heldLockTokens = new Set<string>();
  /** Everything printed, in order, while set: what a no-op receipt replays (noop-cache.ts). */
  transcript?: [1 | 2, string][];
  /** A warning or an error was printed (a run that warns leaves no receipt). */
  warned = false;

  constructor(readonly argv: string[] = process.argv) {}

  /** Writes to stdout; a closed pipe ends the process as SIGPIPE would (`certctl plan | head -1`). */
  out(text: string): void {
    process.stdout.write(text);
    this.transcript?.push([1, text]);
  }

  /** A line on stderr, prefixed `certctl: `. */
  note(message: string): void {
    if (this.verbosity !== 'quiet') this.err(`certctl: ${message}\n`);
  }

  /** Warnings and errors show even with -q. */
  warn(message: string): void {
    this.warned = true;
    this.err(`certctl: ${message}\n`);
  }

  /** A cert-manager-style event on stderr, as verbose as asked. */
  event = (e: CertificateEvent): void => {
    if (e.level === 'warning' || e.level === 'error') this.warned = true;
    if (e.level === 'debug' && this.verbosity !== 'verbose') return;
    if (e.level === 'info' && this.verbosity === 'quiet') return;
    this.err(`${renderEvent(e)}\n`);
  };

  private err(text: string): void {
    process.stderr.write(text);
    this.transcript?.push([2, text]);
  }

  /** SIGINT/SIGTERM abort the run's signal so work in flight cleans up (DNS records, hooks) instead of dying mid-step. */
  trapInterrupts(): Interrupts {
    const controller = new AbortController();
    let received: NodeJS.Signals | undefined;
    const onSignal = (sig: NodeJS.Signals): void => {
      received = sig;
      process.stderr.write(`certctl: ${sig} received, stopping after cleanup\n`);
      controller.abort(new Error(`interrupted by ${sig}`));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return {
      signal: controller.signal,
      exitCode: () => (received === undefined ? undefined : received === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted),
      release: () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      },
    };
  }

  /** stdin as bytes (for `-f -`), read once however often asked (`renew --schedule -f -`). */
  private stdin?: Promise<Buffer>;
  readStdin(limit: number): Promise<Buffer> {
    return (this.stdin ??= (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new RangeError(String(limit));
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    })());
  }

  /** The environment as plain strings, for hooks. */
  stringEnv(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined) out[k] = v;
    return out;
  }
}

/**
 * Makes a reader that goes away a normal end: EPIPE on stdout exits at once with `pipeCode`
 * (0 for help output, 141 otherwise, as a program killed by SIGPIPE reports). Results are written
 * after the work is done, so nothing is cut short by this.
 */
export function handleClosedStdout(pipeCode: () => number): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(pipeCode());
    throw err;
  });
  process.stderr.on('error', () => {
    // Nowhere left to report to.
  });
}
