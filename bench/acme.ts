// ACME issuance benchmark: certctl (and lego when installed) against the same Pebble + BIND,
// for one name, apex + wildcard and ten names, with a new and with an existing account.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateYaml, startAcmeEnv, type AcmeEnv } from '../test/helpers/acme-env.js';
import { findBinary } from '../test/helpers/binaries.js';
import { measureCertctl, measureCommand, median, printTable, type Measurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** lego waits out its own propagation logic here (tens of seconds per run): fewer runs by default. */
const LEGO_RUNS = Number(process.env.BENCH_LEGO_RUNS ?? 1);

const SCENARIOS: { name: string; names: (i: number) => string[] }[] = [
  { name: 'one name', names: (i) => [`one${i}.example.test`] },
  { name: 'apex + wildcard', names: (i) => [`w${i}.example.test`, `*.w${i}.example.test`] },
  { name: 'ten names, two zones', names: (i) => [...Array.from({ length: 5 }, (_, k) => `t${i}-${k}.example.test`), ...Array.from({ length: 5 }, (_, k) => `t${i}-${k}.other.test`)] },
];

interface Row {
  tool: string;
  scenario: string;
  account: 'new' | 'existing';
  runs: Measurement[];
  requests?: number[];
}

async function benchCertctl(env: AcmeEnv): Promise<Row[]> {
  const rows: Row[] = [];
  let serial = 0;
  for (const s of SCENARIOS) {
    for (const account of ['new', 'existing'] as const) {
      const row: Row = { tool: 'certctl', scenario: s.name, account, runs: [], requests: [] };
      const shared = await mkdtemp(join(tmpdir(), 'certctl-bench-store-'));
      if (account === 'existing') {
        // Register the account once, outside the measurement.
        await measureCertctl(['issue', '-f', '-', '--out-dir', shared, ...env.dnsFlags], env.issuerYaml() + certificateYaml('warmup', [`warm${serial++}.example.test`]));
      }
      for (let r = 0; r < RUNS; r++) {
        const out = account === 'new' ? await mkdtemp(join(tmpdir(), 'certctl-bench-new-')) : shared;
        const yaml = env.issuerYaml() + certificateYaml(`c${serial}`, s.names(serial));
        serial++;
        const m = await measureCertctl(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], yaml);
        if (m.code !== 0) throw new Error(`certctl failed in "${s.name}": ${m.stderr}`);
        row.runs.push(m);
        const req = /\((\d+) ACME requests for this order/.exec(m.stderr);
        if (req) row.requests!.push(Number(req[1]));
        if (account === 'new') await rm(out, { recursive: true, force: true });
      }
      await rm(shared, { recursive: true, force: true });
      rows.push(row);
    }
  }
  return rows;
}

async function benchLego(env: AcmeEnv): Promise<Row[]> {
  const lego = findBinary('lego');
  if (!lego) return [];
  const dir = await mkdtemp(join(tmpdir(), 'lego-bench-'));
  const ca = join(dir, 'pebble-ca.pem');
  await writeFile(ca, env.pebble.caCertPem);
  const key = env.bind.keys.HMACSHA256;
  const legoEnv = {
    LEGO_CA_CERTIFICATES: ca,
    RFC2136_NAMESERVER: `127.0.0.1:${env.bind.port}`,
    RFC2136_TSIG_KEY: `${key.tsigKeyName}.`,
    RFC2136_TSIG_SECRET: key.tsigSecret,
    RFC2136_TSIG_ALGORITHM: 'hmac-sha256.',
    RFC2136_PROPAGATION_TIMEOUT: '60',
    RFC2136_POLLING_INTERVAL: '1',
    // lego solves RFC 2136 challenges one after another with this pause (default 60 s) between them.
    RFC2136_SEQUENCE_INTERVAL: '1',
  };
  const rows: Row[] = [];
  let serial = 1000;
  for (const s of SCENARIOS) {
    for (const account of ['new', 'existing'] as const) {
      const row: Row = { tool: 'lego', scenario: s.name, account, runs: [] };
      const shared = join(dir, `shared-${serial}`);
      const base = (path: string, names: string[]): string[] => [
        '--server', env.pebble.directoryUrl, '--email', 'ops@example.test', '--accept-tos', '--path', path,
        '--dns', 'rfc2136', '--dns.resolvers', `127.0.0.1:${env.bind.port}`, '--dns.disable-cp',
        ...names.flatMap((n) => ['--domains', n]), 'run',
      ];
      if (account === 'existing') await measureCommand(lego, base(shared, [`lwarm${serial++}.example.test`]), legoEnv);
      for (let r = 0; r < LEGO_RUNS; r++) {
        const path = account === 'new' ? join(dir, `new-${serial}`) : shared;
        const m = await measureCommand(lego, base(path, s.names(serial++)), legoEnv);
        if (m.code !== 0) {
          console.log(`lego failed in "${s.name}" (left out of the table): ${m.stderr.split('\n').slice(-4).join(' | ')}`);
          break;
        }
        row.runs.push(m);
      }
      if (row.runs.length > 0) rows.push(row);
    }
  }
  await rm(dir, { recursive: true, force: true });
  return rows;
}

export async function benchAcme(): Promise<void> {
  const env = await startAcmeEnv({ env: { PEBBLE_AUTHZREUSE: '0' } });
  try {
    const certctl = await benchCertctl(env);
    printRows('certctl', certctl, []);
    const lego = process.env.BENCH_LEGO === '0' ? [] : await benchLego(env);
    if (lego.length > 0) printRows('certctl and lego', [...certctl, ...lego], lego);
  } finally {
    await env.stop();
  }
}

function printRows(title: string, all: Row[], lego: Row[]): void {
  {
    const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    const rows = all.map((r) => {
      const legoRow = lego.find((l) => l.scenario === r.scenario && l.account === r.account);
      const ratio = r.tool === 'certctl' && legoRow ? `${(median(legoRow.runs.map((m) => m.wallMs)) / median(r.runs.map((m) => m.wallMs))).toFixed(1)}x` : '';
      return [
        r.tool,
        r.scenario,
        r.account,
        fmt(median(r.runs.map((m) => m.wallMs))),
        fmt(Math.max(...r.runs.map((m) => m.wallMs))),
        fmt(median(r.runs.map((m) => m.cpuMs))),
        `${Math.max(...r.runs.map((m) => m.maxRssMb)).toFixed(0)} MB`,
        r.requests && r.requests.length ? String(median(r.requests)) : '',
        ratio,
      ];
    });
    printTable(
      `ACME DNS-01 issuance against Pebble (5% badNonce, no authz reuse) + BIND: ${title} (certctl: median of ${RUNS} runs; lego: ${LEGO_RUNS})`,
      ['tool', 'scenario', 'account', 'wall (median)', 'wall (max)', 'CPU', 'peak RSS', 'ACME req/order', 'lego/certctl'],
      rows,
    );
  }
}
