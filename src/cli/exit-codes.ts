import { SpecError } from '../spec/errors.js';
import { StoreError } from '../stores/store-error.js';

/** certctl's documented exit codes (README "Exit codes"). */
export const ExitCode = {
  /** Everything done, or nothing to do. */
  Ok: 0,
  /** At least one certificate failed; the others were processed. Also: the environment failed (a store that cannot be written). */
  CertificateFailed: 1,
  /** Invalid input or usage: nothing was contacted or written. */
  InvalidInput: 2,
  /** Another run holds the store's lock; this run did nothing. */
  LockHeld: 3,
  /** renew: nothing failed, but some certificate is held back (failure backoff, a CA's Retry-After). */
  BackingOff: 4,
  /** renew --detailed-exit-codes: something was renewed, nothing failed. */
  Renewed: 5,
  /** revoke: the CA had revoked the certificate before; nothing changed there (the stored copy is marked all the same). */
  AlreadyRevoked: 6,
  /** A bug in certctl (an unexpected exception). */
  Internal: 70,
  /** Interrupted by SIGINT (128+2) after cleaning up. */
  Interrupted: 130,
  /** stdout was closed by its reader (128+SIGPIPE), as a program killed by SIGPIPE reports. */
  BrokenPipe: 141,
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

/** A usage error: exit 2, nothing contacted or written. */
export function usage(message: string): ExitError {
  return new ExitError(ExitCode.InvalidInput, message);
}

const ENVIRONMENT_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EIO', 'ENOTDIR', 'EISDIR', 'ENOENT', 'EEXIST', 'ELOOP', 'ENAMETOOLONG']);

/**
 * The one place an error becomes an exit code and a line on stderr. Input errors are 2; a store
 * or file system that cannot be used (permissions, a read-only or full disk) is 1 with the path;
 * anything else is a bug: 70 with the stack.
 */
export function classify(err: unknown): { code: ExitCodeValue; message: string; internal?: boolean } {
  if (err instanceof ExitError) return { code: err.code, message: err.message };
  if (err instanceof SpecError) return { code: ExitCode.InvalidInput, message: err.message };
  if (err instanceof StoreError) return { code: ExitCode.CertificateFailed, message: `error: ${err.message}` };
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && ENVIRONMENT_CODES.has(e.code)) {
    return { code: ExitCode.CertificateFailed, message: `error: ${describeFsError(e)}` };
  }
  return { code: ExitCode.Internal, message: `internal error: ${(err as Error)?.stack ?? String(err)}`, internal: true };
}

/** `EROFS: read-only file system: /var/lib/certs/.lock` — what happened and where. */
export function describeFsError(e: NodeJS.ErrnoException): string {
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
  };
  const dest = (e as { dest?: string }).dest;
  const path = e.path ? `${e.path}${dest ? ` -> ${dest}` : ''}` : '';
  const what = why[e.code ?? ''] ?? (e.message ?? '').replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return `${e.code}: ${what}${path ? `: ${path}` : ''}`;
}
