// Shared helpers for the pki tests: run the real openssl binary, temp dirs, cached keys.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generatePrivateKey } from '../../src/pki/keys.js';
import type { KeySpec } from '../../src/pki/keys.js';

export const OPENSSL = '/usr/bin/openssl';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runOpenssl(args: string[], cwd?: string, input?: string | Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(OPENSSL, args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (child.stdin) {
      // openssl may exit before reading stdin (e.g. on an error); that EPIPE is not our failure.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** Runs openssl and fails with its stderr unless it exits 0; returns stdout. */
export async function openssl(args: string[], cwd?: string, input?: string | Buffer): Promise<string> {
  const r = await runOpenssl(args, cwd, input);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A fresh temp dir plus a writer for files in it, and a cleanup function. */
export async function tempDir(): Promise<{ dir: string; write: (name: string, data: string | Buffer) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'certctl-pki-'));
  return {
    dir,
    write: async (name, data) => {
      const p = join(dir, name);
      await writeFile(p, data);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every key type and size the suite exercises (RSA 3072 as the non-power-of-two size). */
export const KEY_SPECS: readonly (KeySpec & { label: string })[] = [
  { algorithm: 'RSA', size: 2048, label: 'RSA-2048' },
  { algorithm: 'RSA', size: 3072, label: 'RSA-3072' },
  { algorithm: 'ECDSA', size: 256, label: 'P-256' },
  { algorithm: 'ECDSA', size: 384, label: 'P-384' },
  { algorithm: 'ECDSA', size: 521, label: 'P-521' },
  { algorithm: 'Ed25519', label: 'Ed25519' },
];

/** One key per spec (default: all of KEY_SPECS), generated concurrently. */
export async function generateAll(specs = KEY_SPECS): Promise<Map<string, KeyObject>> {
  const keys = await Promise.all(specs.map((s) => generatePrivateKey(s)));
  return new Map(specs.map((s, i) => [s.label, keys[i]!]));
}

export const DAY = 24 * 3600 * 1000;

/** Validity starting a minute ago (openssl verify rejects not-yet-valid certificates). */
export function validity(days = 90): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY) };
}
