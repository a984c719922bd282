import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Measurement {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/certctl.js and measures wall time, its own CPU time and peak RSS. */
export async function measureCertctl(args: string[], input?: string, env: Record<string, string> = {}): Promise<Measurement> {
  // One path for every run of this benchmark: the environment of identical runs stays identical,
  // as the no-op cache requires of a cron job's runs.
  const usageFile = join(tmpdir(), `certctl-bench-rusage-${process.pid}.json`);
  await rm(usageFile, { force: true });
  const started = performance.now();
  const { code, stdout, stderr } = await run(process.execPath, ['--import', join(ROOT, 'bench/rusage.mjs'), join(ROOT, 'bin/certctl.js'), ...args], { ...env, CERTCTL_BENCH_RUSAGE: usageFile }, input ?? '');
  const wallMs = performance.now() - started;
  const usage = JSON.parse(await readFile(usageFile, 'utf8').catch(() => '{"cpuMs":0,"maxRssKb":0}')) as { cpuMs: number; maxRssKb: number };
  await rm(usageFile, { force: true });
  return { wallMs, cpuMs: usage.cpuMs, maxRssMb: usage.maxRssKb / 1024, code, stdout, stderr };
}

/** Runs any command and measures wall time, CPU and peak RSS with GNU time. */
export async function measureCommand(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Measurement> {
  const started = performance.now();
  const { code, stdout, stderr } = await run('/usr/bin/time', ['-f', 'BENCH %U %S %M', cmd, ...args], env, '');
  const wallMs = performance.now() - started;
  const m = /BENCH ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : 0, maxRssMb: m ? Number(m[3]) / 1024 : 0, code, stdout, stderr };
}

/** Runs a command to completion, feeding `input` on stdin and collecting its output. */
function run(cmd: string, args: string[], env: Record<string, string>, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    child.stdin.end(input);
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}
