/** certctl's documented exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Everything done, or nothing to do. */
  Ok: 0,
  /** At least one certificate failed; the others were processed. */
  CertificateFailed: 1,
  /** Invalid input or usage: nothing was contacted or written. */
  InvalidInput: 2,
  /** renew: another run holds the store's lock; this run did nothing. */
  LockHeld: 3,
  /** renew: nothing failed, but some certificate is held back (failure backoff, a CA's Retry-After). */
  BackingOff: 4,
  /** renew --detailed-exit-codes: something was renewed, nothing failed. */
  Renewed: 5,
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
