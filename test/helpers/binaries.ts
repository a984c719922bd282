/**
 * Locating the external test servers (BIND, pebble). Tests skip when a server is missing on a
 * developer machine and fail under CI (CI=true), so a broken CI image cannot pass silently.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Thrown when a required binary is not installed; the message names the Debian package. */
export class MissingBinaryError extends Error {
  override name = 'MissingBinaryError';
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
  ) {
    super(`${binary} is not installed: run "apt-get install -y ${debianPackage}"`);
  }
}

/** Absolute path of an executable found in PATH or the sbin directories (named lives in /usr/sbin). */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Path of `name`, or a MissingBinaryError naming `debianPackage`. */
export function requireBinary(name: string, debianPackage: string): string {
  const path = findBinary(name);
  if (!path) throw new MissingBinaryError(name, debianPackage);
  return path;
}

/**
 * Value for node:test's `skip` option: false when the binaries exist or under CI (the start
 * helper then throws MissingBinaryError and the test fails), otherwise the reason to skip.
 */
export function skipUnlessInstalled(binaries: string[], debianPackage: string): string | false {
  const missing = binaries.filter((b) => !findBinary(b));
  if (missing.length === 0 || process.env.CI) return false;
  return `${missing.join(', ')} not installed (apt-get install -y ${debianPackage}); set CI=true to make this a failure`;
}
