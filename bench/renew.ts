// renew benchmark: the cost of a cron run that has nothing to do (1,000 local certificates; 1 and
// 20 ACME certificates with ARI against Pebble), in full (--no-cache) and replayed from the no-op
// cache, cold `--version`, and 50 due certificates against Pebble + BIND (time per certificate).
// Targets are issue 11's, shown in the scenario names.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateYaml, startAcmeEnv } from '../test/helpers/acme-env.js';
import { measureCertctl, median, printTable, type Measurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The no-op cache trusts no input changed less than 2 s before a run (cli/noop-recorder.ts). */
const SETTLE_MS = 2_100;

/**
 * Nothing-due runs of one invocation: `RUNS` in full (--no-cache), then one that leaves a receipt
 * and `RUNS` replayed from it. `check` validates each run's JSON output.
 */
async function idleRuns(args: string[], check: (stdout: string) => boolean, env: Record<string, string>): Promise<{ full: Measurement[]; replayed: Measurement[] }> {
  const measure = async (more: string[]): Promise<Measurement> => {
    const m = await measureCertctl([...args, ...more], undefined, env);
    if (m.code !== 0 || !check(m.stdout)) throw new Error(`idle renew failed: ${m.stderr.slice(-2000)}`);
    return m;
  };
  const full: Measurement[] = [];
  for (let r = 0; r < RUNS; r++) full.push(await measure(['--no-cache']));
  await measure([]);
  const replayed: Measurement[] = [];
  for (let r = 0; r < RUNS; r++) replayed.push(await measure([]));
  if (replayed.some((m) => m.stdout !== replayed[0]!.stdout)) throw new Error('replays differ');
  return { full, replayed };
}

function localBundle(n: number): string {
  let docs = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: selfsigned, namespace: bench}\nspec: {selfSigned: {}}\n';
  for (let i = 0; i < n; i++) docs += certificateYaml(`c${i}`, [`c${i}.bench.test`], { issuer: 'selfsigned', namespace: 'bench' });
  return docs;
}

/** A table row: the median wall and CPU time of `runs`, their peak RSS, and the wall time per certificate. */
function row(scenario: string, certificates: number, runs: Measurement[], digits = 2): (string | number)[] {
  const wall = median(runs.map((m) => m.wallMs));
  const perCertificate = certificates > 0 ? wall / certificates : undefined;
  return [
    scenario,
    certificates,
    `${(wall / 1000).toFixed(digits)} s`,
    `${(median(runs.map((m) => m.cpuMs)) / 1000).toFixed(digits)} s`,
    `${Math.max(...runs.map((m) => m.maxRssMb)).toFixed(0)} MB`,
    perCertificate === undefined ? '-' : `${perCertificate.toFixed(perCertificate < 10 ? 2 : 0)} ms`,
  ];
}

export async function benchRenew(): Promise<void> {
  const rows: (string | number)[][] = [];
  const dir = await mkdtemp(join(tmpdir(), 'certctl-bench-renew-'));
  try {
    const yaml = localBundle(1000);
    const out = join(dir, 'store');
    const setup = await measureCertctl(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--concurrency', '8'], yaml);
    if (setup.code !== 0) throw new Error(`setup failed: ${setup.stderr.slice(-2000)}`);
    rows.push(row('1,000 certificates, all due (first issuance, selfSigned ECDSA, concurrency 8)', 1000, [setup]));
    const cache = { CERTCTL_CACHE_DIR: join(dir, 'cache') };
    const localFile = join(dir, 'local.yaml');
    await writeFile(localFile, yaml);
    await sleep(SETTLE_MS);
    const idle = await idleRuns(['renew', '-f', localFile, '--out-dir', out, '--no-jitter', '-o', 'json'], (s) => JSON.parse(s).summary.upToDate === 1000, cache);
    rows.push(row('1,000 certificates, none due, in full (--no-cache) (target <= 0.5 s, <= 120 MB)', 1000, idle.full));
    rows.push(row('1,000 certificates, none due, replayed from the no-op cache (target <= 0.5 s, <= 120 MB)', 1000, idle.replayed));

    const version = [];
    for (let r = 0; r < Math.max(RUNS, 5); r++) version.push(await measureCertctl(['--version']));
    rows.push(row('certctl --version, cold (target <= 0.10 s)', 0, version, 3));

    const env = await startAcmeEnv({ env: { PEBBLE_AUTHZREUSE: '0' } });
    try {
      // Nothing due with ACME certificates: the first run after issuance reads the directory for
      // ARI (Debian's Pebble has none); later runs, within the 6 h that answer is kept, ask nothing.
      for (const count of [1, 20]) {
        const idleOut = join(dir, `idle-${count}`);
        let bundle = env.issuerYaml();
        for (let i = 0; i < count; i++) bundle += certificateYaml(`i${i}`, [`i${i}-${count}.example.test`]);
        const file = join(dir, `idle-${count}.yaml`);
        await writeFile(file, bundle);
        const issued = await measureCertctl(['issue', '-f', file, '--out-dir', idleOut, '--concurrency', '8', ...env.dnsFlags]);
        if (issued.code !== 0) throw new Error(`ACME issue failed: ${issued.stderr.slice(-2000)}`);
        const args = ['renew', '-f', file, '--out-dir', idleOut, '--no-jitter', ...env.dnsFlags, '-o', 'json'];
        const first = await measureCertctl([...args, '--no-cache']);
        if (first.code !== 0) throw new Error(`idle renew failed: ${first.stderr.slice(-2000)}`);
        await sleep(SETTLE_MS);
        const idleAcme = await idleRuns(args, (s) => JSON.parse(s).summary.upToDate === count, cache);
        const what = `${count} ACME certificate${count === 1 ? '' : 's'}, none due`;
        const target = `(target <= ${count === 1 ? '0.15' : '0.25'} s)`;
        rows.push(row(`${what}, first run (reads the directory for ARI) ${target}`, count, [first]));
        rows.push(row(`${what}, later runs in full (--no-cache, no request) ${target}`, count, idleAcme.full));
        rows.push(row(`${what}, replayed from the no-op cache ${target}`, count, idleAcme.replayed));
      }
      for (const concurrency of [1, 4, 8]) {
        const acmeOut = join(dir, `acme-${concurrency}`);
        // Register the account outside the measurement.
        await measureCertctl(['issue', '-f', '-', '--out-dir', acmeOut, ...env.dnsFlags], env.issuerYaml() + certificateYaml('warm', [`warm${concurrency}.example.test`]));
        let bundle = env.issuerYaml();
        for (let i = 0; i < 50; i++) bundle += certificateYaml(`d${i}`, [`d${i}-${concurrency}.example.test`]);
        const m = await measureCertctl(['renew', '-f', '-', '--out-dir', acmeOut, '--no-jitter', '--concurrency', String(concurrency), ...env.dnsFlags, '-o', 'json'], bundle);
        if (m.code !== 0) throw new Error(`ACME renew failed: ${m.stderr.slice(-2000)}`);
        const issued = JSON.parse(m.stdout).summary.renewed as number;
        rows.push(row(`50 due certificates via ACME (Pebble + BIND), concurrency ${concurrency}`, issued, [m]));
      }
    } finally {
      await env.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable('certctl renew', ['scenario', 'certificates', 'wall', 'CPU', 'peak RSS', 'wall per certificate'], rows);
}
