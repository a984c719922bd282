/**
 * What a file's metadata says about its content, as one comparable string: device, inode, mode,
 * size, and the modification and change times to the nanosecond. Any write, rename over, chmod or
 * replacement changes it (the change time cannot be set by a user), so an equal signature means
 * the same bytes, as git's index assumes, except for writes in the same timestamp tick (see
 * {@link changedSince}).
 */
import { lstatSync, statSync, type BigIntStats } from 'node:fs';

/** The signature of a path that does not exist: its appearing is a change too. */
export const ABSENT = '-';

export function signatureOfStats(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The signature of `path` itself (`follow`: of what its symlinks lead to), or {@link ABSENT}. */
export function fileSignature(path: string, follow = false): string {
  const opts = { bigint: true, throwIfNoEntry: false } as const;
  const st = follow ? statSync(path, opts) : lstatSync(path, opts);
  return st ? signatureOfStats(st) : ABSENT;
}

/**
 * True when the file was written or its metadata changed at `since` or later. File times have a
 * coarse tick (a few milliseconds on Linux, 1-2 s on some file systems): a write within the same
 * tick as an earlier look can leave the signature unchanged, so callers pass a moment some
 * seconds before they looked.
 */
export function changedSince(signature: string, since: number): boolean {
  if (signature === ABSENT) return false;
  const [, , , , mtimeNs, ctimeNs] = signature.split(':');
  const sinceNs = BigInt(Math.floor(since)) * 1_000_000n;
  return BigInt(mtimeNs) >= sinceNs || BigInt(ctimeNs) >= sinceNs;
}
