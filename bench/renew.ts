// renew benchmark: the cost of a cron run that has nothing to do (1,000 local certificates; 1 and
// 20 ACME certificates with ARI against Pebble), cold `--version`, and 50 due certificates against
// Pebble + BIND (time per certificate). Targets are issue 11's, shown in the scenario names.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateYaml, startAcmeEnv } from '../test/helpers/acme-env.js';
import { measureCertctl, median, printTable } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function localBundle(n: number): string {
  const docs = ['apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: selfsigned, namespace: bench}\nspec: {selfSigned: {}}\n'];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c${i}, namespace: bench}
spec:
  secretName: c${i}-tls
  dnsNames: [c${i}.bench.test]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: selfsigned}
`);
  }
  return docs.join('---\n');
}

export async function benchRenew(): Promise<void> {
  const rows: (string | number)[][] = [];
  const dir = await mkdtemp(join(tmpdir(), 'certctl-bench-renew-'));
  try {
    const yaml = localBundle(1000);
    const out = join(dir, 'store');
    const setup = await measureCertctl(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--concurrency', '8'], yaml);
    if (setup.code !== 0) throw new Error(`setup failed: ${setup.stderr.slice(-2000)}`);
    rows.push(['1,000 certificates, all due (first issuance, selfSigned ECDSA, concurrency 8)', 1000, `${(setup.wallMs / 1000).toFixed(2)} s`, `${(setup.cpuMs / 1000).toFixed(2)} s`, `${setup.maxRssMb.toFixed(0)} MB`, `${(setup.wallMs / 1000).toFixed(2)} ms`]);
    const idle = [];
    for (let r = 0; r < RUNS; r++) {
      const m = await measureCertctl(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '-o', 'json'], yaml);
      if (m.code !== 0) throw new Error(`renew failed: ${m.stderr.slice(-2000)}`);
      if (JSON.parse(m.stdout).summary.upToDate !== 1000) throw new Error('expected 1,000 up-to-date certificates');
      idle.push(m);
    }
    const w = median(idle.map((m) => m.wallMs));
    rows.push(['1,000 certificates, none due (target <= 0.5 s, <= 120 MB)', 1000, `${(w / 1000).toFixed(2)} s`, `${(median(idle.map((m) => m.cpuMs)) / 1000).toFixed(2)} s`, `${Math.max(...idle.map((m) => m.maxRssMb)).toFixed(0)} MB`, `${(w / 1000).toFixed(2)} ms`]);

    const version = [];
    for (let r = 0; r < Math.max(RUNS, 5); r++) version.push(await measureCertctl(['--version']));
    const vw = median(version.map((m) => m.wallMs));
    rows.push(['certctl --version, cold (target <= 0.10 s)', 0, `${(vw / 1000).toFixed(3)} s`, `${(median(version.map((m) => m.cpuMs)) / 1000).toFixed(3)} s`, `${Math.max(...version.map((m) => m.maxRssMb)).toFixed(0)} MB`, '-']);

    const env = await startAcmeEnv({ env: { PEBBLE_AUTHZREUSE: '0' } });
    try {
      // Nothing due with ACME certificates: the first run after issuance reads the directory for
      // ARI (Debian's Pebble has none); later runs, within the 6 h that answer is kept, ask nothing.
      for (const count of [1, 20]) {
        const idleOut = join(dir, `idle-${count}`);
        let bundle = env.issuerYaml();
        for (let i = 0; i < count; i++) bundle += certificateYaml(`i${i}`, [`i${i}-${count}.example.test`]);
        const issued = await measureCertctl(['issue', '-f', '-', '--out-dir', idleOut, '--concurrency', '8', ...env.dnsFlags], bundle);
        if (issued.code !== 0) throw new Error(`ACME issue failed: ${issued.stderr.slice(-2000)}`);
        const runs = [];
        for (let r = 0; r < RUNS + 1; r++) {
          const m = await measureCertctl(['renew', '-f', '-', '--out-dir', idleOut, '--no-jitter', ...env.dnsFlags, '-o', 'json'], bundle);
          if (m.code !== 0 || JSON.parse(m.stdout).summary.upToDate !== count) throw new Error(`idle renew failed: ${m.stderr.slice(-2000)}`);
          runs.push(m);
        }
        const [first, ...rest] = runs;
        const target = count === 1 ? '0.15' : '0.25';
        rows.push([`${count} ACME certificate${count === 1 ? '' : 's'}, none due, first run (reads the directory for ARI) (target <= ${target} s)`, count, `${(first!.wallMs / 1000).toFixed(2)} s`, `${(first!.cpuMs / 1000).toFixed(2)} s`, `${first!.maxRssMb.toFixed(0)} MB`, `${(first!.wallMs / count).toFixed(0)} ms`]);
        const rw = median(rest.map((m) => m.wallMs));
        rows.push([`${count} ACME certificate${count === 1 ? '' : 's'}, none due, later runs (no request) (target <= ${target} s)`, count, `${(rw / 1000).toFixed(2)} s`, `${(median(rest.map((m) => m.cpuMs)) / 1000).toFixed(2)} s`, `${Math.max(...rest.map((m) => m.maxRssMb)).toFixed(0)} MB`, `${(rw / count).toFixed(0)} ms`]);
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
        rows.push([`50 due certificates via ACME (Pebble + BIND), concurrency ${concurrency}`, issued, `${(m.wallMs / 1000).toFixed(2)} s`, `${(m.cpuMs / 1000).toFixed(2)} s`, `${m.maxRssMb.toFixed(0)} MB`, `${(m.wallMs / issued).toFixed(0)} ms`]);
      }
    } finally {
      await env.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable('certctl renew', ['scenario', 'certificates', 'wall', 'CPU', 'peak RSS', 'wall per certificate'], rows);
}
