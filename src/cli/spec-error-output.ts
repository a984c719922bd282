import { formatIssue, type SpecError } from '../spec/errors.js';
import { ExitCode } from './exit-codes.js';

/** Prints every input problem (stderr, and stdout as JSON when asked) and returns exit code 2. */
export function printSpecError(err: SpecError, output: 'text' | 'json'): typeof ExitCode.InvalidInput {
  for (const issue of err.issues) process.stderr.write(`certctl: error: ${formatIssue(issue)}\n`);
  if (output === 'json') {
    const errors = err.issues.map((i) => ({ file: i.pos.file, line: i.pos.line, column: i.pos.col, path: i.path, message: i.message, hint: i.hint }));
    process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'InputError', errors }, null, 2)}\n`);
  }
  return ExitCode.InvalidInput;
}
