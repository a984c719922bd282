/**
 * Reading `-f` inputs: files and directories → named UTF-8 texts. The only module in spec/ that
 * touches the file system. Limits are checked before a file is read whole, so `/dev/zero`, a FIFO
 * or a 10 GB log cannot hang or exhaust memory.
 */
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { signatureOfStats } from '../shared/file-signature.js';
import { SpecError } from './errors.js';
import type { SpecIssue } from './errors.js';
import { MAX_SOURCE_BYTES } from './yaml.js';

/** One input text and the name used in messages (a path, or `<stdin>`). */
export interface Source {
  name: string;
  text: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * All inputs of one run together: each file is capped at 1 MiB, and this keeps a directory of a
 * thousand of them (or a glob gone wrong) from taking gigabytes of memory to parse.
 */
export const MAX_TOTAL_INPUT_BYTES = 16 * 1024 * 1024;

function issue(file: string, message: string): SpecIssue {
  return { pos: { file, line: 1, col: 1 }, path: '', message };
}

function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return `cannot read: ${code ?? (err instanceof Error ? err.message : String(err))}`;
}

/**
 * Decodes file bytes as UTF-8. Rejects UTF-16, NUL bytes and invalid sequences (a lossy decode
 * would turn them into U+FFFD and change names silently); strips a UTF-8 BOM.
 */
export function decodeSource(name: string, bytes: Uint8Array): Source {
  const fail = (message: string): never => {
    throw new SpecError([issue(name, message)]);
  };
  if (bytes.length > MAX_SOURCE_BYTES) fail('larger than 1 MiB');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) fail('UTF-16 is not supported: save the file as UTF-8');
  if (bytes.includes(0)) fail('contains NUL bytes: not a text file');
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    fail('not valid UTF-8');
  }
  return { name, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/**
 * Told the signature (shared/file-signature.ts) of each file and directory read, taken before
 * its content is, so that a change while or after it is read shows as a different signature.
 */
export type SeenInput = (path: string, signature: string) => void;

/** Reads at most MAX_SOURCE_BYTES + 1 bytes, after checking that `path` is a regular file. */
async function readFileCapped(path: string, seen?: SeenInput): Promise<Source> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused by fstat right after.
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) throw new SpecError([issue(path, 'not a regular file')]);
    if (st.size > BigInt(MAX_SOURCE_BYTES)) throw new SpecError([issue(path, 'larger than 1 MiB')]);
    seen?.(path, signatureOfStats(st));
    // Sizes can lie (procfs, a file being appended to): read to the cap + 1 and look.
    const buf = Buffer.alloc(MAX_SOURCE_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    return decodeSource(path, buf.subarray(0, n));
  } finally {
    await fh.close();
  }
}

async function listDirectory(dir: string): Promise<string[]> {
  const entries = await readdir(dir);
  // Hidden files are skipped: `._x.yaml` (macOS metadata) and editor backups are not manifests.
  return entries.filter((e) => MANIFEST_FILE.test(e) && !e.startsWith('.')).sort().map((e) => join(dir, e));
}

/**
 * Reads the given files and directories. A directory contributes its `*.yaml`, `*.yml` and
 * `*.json` files (not hidden ones, not subdirectories), sorted by name. `-` (stdin) is the
 * caller's job: read it and call `decodeSource('<stdin>', bytes)`. All problems are collected
 * and thrown as one SpecError, each at line 1, column 1 of the file concerned.
 */
export async function readSources(paths: string[], alreadyRead = 0, seen?: SeenInput): Promise<Source[]> {
  const sources: Source[] = [];
  const issues: SpecIssue[] = [];
  let total = alreadyRead;
  let capped = false;
  const readOne = async (path: string): Promise<void> => {
    if (capped) return;
    try {
      const source = await readFileCapped(path, seen);
      total += Buffer.byteLength(source.text);
      if (total > MAX_TOTAL_INPUT_BYTES) {
        capped = true;
        issues.push(issue(path, `the inputs together exceed ${MAX_TOTAL_INPUT_BYTES / 1024 / 1024} MiB; split the run (for example one directory per run)`));
        return;
      }
      sources.push(source);
    } catch (err) {
      if (err instanceof SpecError) issues.push(...err.issues);
      else issues.push(issue(path, describeError(err)));
    }
  };
  for (const path of paths) {
    let isDir = false;
    try {
      const st = await stat(path, { bigint: true });
      isDir = st.isDirectory();
      // A directory's signature changes when a file is added, removed or renamed in it.
      if (isDir) seen?.(path, signatureOfStats(st));
    } catch (err) {
      issues.push(issue(path, describeError(err)));
      continue;
    }
    if (!isDir) {
      await readOne(path);
      continue;
    }
    let files: string[];
    try {
      files = await listDirectory(path);
    } catch (err) {
      issues.push(issue(path, describeError(err)));
      continue;
    }
    if (files.length === 0) issues.push(issue(path, 'no *.yaml, *.yml or *.json files in this directory'));
    for (const f of files) await readOne(f);
  }
  if (issues.length > 0) throw new SpecError(issues);
  return sources;
}
