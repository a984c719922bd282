// renew benchmark: 1,000 certificates of which none is due (the cost of a cron run that has
// nothing to do), and 50 due certificates against Pebble + BIND (time per certificate).
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
    rows.push(['1,000 certificates, none due (target < 1 s, < 150 MB)', 1000, `${(w / 1000).toFixed(2)} s`, `${(median(idle.map((m) => m.cpuMs)) / 1000).toFixed(2)} s`, `${Math.max(...idle.map((m) => m.maxRssMb)).toFixed(0)} MB`, `${(w / 1000).toFixed(2)} ms`]);

    const env = await startAcmeEnv({ env: { PEBBLE_AUTHZREUSE: '0' } });
    try {
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
