/** certctl's documented exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Everything done, or nothing to do. */
  Ok: 0,
  /** At least one certificate failed; the others were processed. */
  CertificateFailed: 1,
  /** Invalid input or usage: nothing was contacted or written. */
  InvalidInput: 2,
  /** A bug in certctl (an unexpected exception). */
  Internal: 70,
  /** Interrupted by SIGINT (128+2) after cleaning up. */
  Interrupted: 130,
  /** Terminated by SIGTERM (128+15) after cleaning up. */
  Terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by commands to end with a specific exit code after printing `message`. */
export class ExitError extends Error {
  constructor(
    readonly code: ExitCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}
