/**
 * What must hold of a file store after anything at all has happened to it (concurrent writers,
 * kill -9, a full or read-only disk): every data-key link resolves, every `tls.crt` matches its
 * `tls.key`, every leaf verifies against its own `ca.crt` and against the current root CA, and no
 * version directory other than the current one is left behind once a plain run has converged.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { opensslResult, BIN, ROOT } from '../helpers/run-cli.js';

export interface StoreReport {
  /** Secret directories holding a certificate. */
  certificates: string[];
  problems: string[];
}

/** Checks every Secret directory under `outDir`; `rootCa` is the CA every `ca`-issued leaf must chain to. */
export function inspectStore(outDir: string, rootCa?: string): StoreReport {
  const problems: string[] = [];
  const certificates: string[] = [];
  if (!existsSync(outDir)) return { certificates, problems };
  for (const ns of readdirSync(outDir)) {
    const nsDir = join(outDir, ns);
    if (ns.startsWith('.') || !lstatSync(nsDir).isDirectory()) continue;
    for (const secret of readdirSync(nsDir)) {
      const dir = join(nsDir, secret);
      for (const entry of readdirSync(dir)) {
        const p = join(dir, entry);
        if (lstatSync(p).isSymbolicLink() && !existsSync(p)) problems.push(`${p} -> ${readlinkSync(p)} dangles`);
      }
      const crt = join(dir, 'tls.crt');
      const key = join(dir, 'tls.key');
      if (!existsSync(crt) || !existsSync(key)) continue;
      certificates.push(dir);
      try {
        const leaf = new X509Certificate(readFileSync(crt));
        if (!leaf.checkPrivateKey(createPrivateKey(readFileSync(key)))) problems.push(`${dir}: tls.crt does not match tls.key`);
      } catch (err) {
        problems.push(`${dir}: unreadable pair: ${(err as Error).message}`);
      }
      const ca = join(dir, 'ca.crt');
      if (existsSync(ca)) {
        const own = opensslResult(['verify', '-CAfile', ca, crt]);
        if (own.status !== 0) problems.push(`${dir}: does not verify against its own ca.crt: ${own.stdout}${own.stderr}`.trim());
        if (rootCa && existsSync(rootCa)) {
          const current = opensslResult(['verify', '-CAfile', rootCa, crt]);
          if (current.status !== 0) problems.push(`${dir}: does not verify against the current root ${rootCa}: ${current.stdout}${current.stderr}`.trim());
        }
      }
      const versions = readdirSync(dir).filter((e) => /^\.\.\d{4}_/.test(e));
      if (versions.length === 0) problems.push(`${dir}: no version directory`);
    }
  }
  return { certificates, problems };
}

export function assertStoreSound(outDir: string, rootCa?: string, expectCertificates?: number): StoreReport {
  const r = inspectStore(outDir, rootCa);
  assert.deepEqual(r.problems, [], `store ${outDir} is damaged`);
  if (expectCertificates !== undefined) assert.equal(r.certificates.length, expectCertificates, `certificates in ${outDir}: ${r.certificates.join(', ')}`);
  return r;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts certctl; `kill` sends SIGKILL to it; `done` resolves when it exits. */
export function start(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; uid?: number; gid?: number } = {}): { done: Promise<Run>; kill: () => void } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, CERTCTL_OUT_DIR: undefined, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, kill: () => child.kill('SIGKILL') };
}

export const run = (args: string[], opts?: Parameters<typeof start>[1]): Promise<Run> => start(args, opts).done;
