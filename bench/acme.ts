// ACME issuance benchmark: certctl and (when the Debian `lego` package is installed) lego against
// the same Pebble + BIND in one run, for one name, apex + wildcard and ten names in two zones,
// with a new and with an existing account. Runs alternate between the tools so both see the same
// machine. One table: medians of BENCH_RUNS runs (default 5), the max/median spread, CPU, and
// the ACME requests of each run as Pebble logged them (the same count for both tools).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { certificateYaml, startAcmeEnv, type AcmeEnv } from '../test/helpers/acme-env.js';
import { findBinary } from '../test/helpers/binaries.js';
import { measureCertctl, measureCommand, median, printTable, type Measurement } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const SCENARIOS: { name: string; names: (i: number) => string[] }[] = [
  { name: 'one name', names: (i) => [`one${i}.example.test`] },
  { name: 'apex + wildcard', names: (i) => [`w${i}.example.test`, `*.w${i}.example.test`] },
  { name: 'ten names, two zones', names: (i) => [...Array.from({ length: 5 }, (_, k) => `t${i}-${k}.example.test`), ...Array.from({ length: 5 }, (_, k) => `t${i}-${k}.other.test`)] },
];

type Account = 'new' | 'existing';

/** One measured run, with the ACME requests Pebble logged while it ran. */
interface Run extends Measurement {
  requests: number;
}

/** One tool's way of issuing a certificate for `names` into a store that may hold an account. */
interface Tool {
  name: string;
  /** A fresh store (account directory / output directory). */
  store(): Promise<string>;
  issue(store: string, names: string[]): Promise<Measurement>;
}

function certctlTool(env: AcmeEnv, root: string): Tool {
  let n = 0;
  return {
    name: 'certctl',
    store: () => mkdtemp(join(root, 'certctl-')),
    issue: (store, names) => measureCertctl(['issue', '-f', '-', '--out-dir', store, ...env.dnsFlags], env.issuerYaml() + certificateYaml(`c${n++}`, names)),
  };
}

/**
 * lego's RFC 2136 provider against the same BIND: `--dns.disable-cp` skips its authoritative
 * propagation wait (certctl checks BIND directly, within milliseconds here), and
 * RFC2136_SEQUENCE_INTERVAL=0 removes the pause lego puts between challenges of a sequential
 * provider (60 s by default), so both measure the ACME flow, not a configured sleep.
 */
async function legoTool(env: AcmeEnv, root: string, lego: string): Promise<Tool> {
  const ca = join(root, 'pebble-ca.pem');
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
    RFC2136_SEQUENCE_INTERVAL: '0',
  };
  return {
    name: 'lego',
    store: () => mkdtemp(join(root, 'lego-')),
    issue: (store, names) =>
      measureCommand(
        lego,
        [
          '--server', env.pebble.directoryUrl, '--email', 'ops@example.test', '--accept-tos', '--path', store, '--key-type', 'ec256',
          '--dns', 'rfc2136', '--dns.resolvers', `127.0.0.1:${env.bind.port}`, '--dns.disable-cp',
          ...names.flatMap((d) => ['--domains', d]), 'run',
        ],
        legoEnv,
      ),
  };
}

/** Pebble's output once it has caught up with the run that just ended (it stops growing). */
async function settledLog(env: AcmeEnv): Promise<string> {
  let last = env.pebble.logs();
  for (let i = 0; i < 20; i++) {
    await sleep(25);
    const now = env.pebble.logs();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * Requests Pebble logged between two snapshots of its output. The helper keeps only the last
 * 256 KiB, so the new part is found after the end of the earlier snapshot, not at an offset.
 */
function requestsBetween(before: string, after: string): number {
  const tail = before.slice(-400);
  const at = tail ? after.lastIndexOf(tail) : 0;
  const fresh = at >= 0 ? after.slice(at + tail.length) : after;
  return fresh.split('\n').filter((l) => l.includes('-> calling handler()')).length;
}

async function measured(env: AcmeEnv, tool: Tool, store: string, names: string[]): Promise<Run> {
  const before = await settledLog(env);
  const m = await tool.issue(store, names);
  if (m.code !== 0) throw new Error(`${tool.name} failed (${names.join(', ')}): ${m.stderr.split('\n').slice(-6).join(' | ')}`);
  return { ...m, requests: requestsBetween(before, await settledLog(env)) };
}

export async function benchAcme(): Promise<void> {
  const env = await startAcmeEnv({ env: { PEBBLE_AUTHZREUSE: '0' } });
  const root = await mkdtemp(join(tmpdir(), 'certctl-bench-acme-'));
  try {
    const legoPath = process.env.BENCH_LEGO === '0' ? undefined : findBinary('lego');
    const tools = [certctlTool(env, root), ...(legoPath ? [await legoTool(env, root, legoPath)] : [])];
    const results = new Map<string, Run[]>();
    let serial = 0;
    for (const s of SCENARIOS) {
      for (const account of ['new', 'existing'] as Account[]) {
        // An existing account is registered once per tool, outside the measurement.
        const shared = new Map<string, string>();
        if (account === 'existing') {
          for (const t of tools) {
            const store = await t.store();
            await measured(env, t, store, [`warm${serial++}.example.test`]);
            shared.set(t.name, store);
          }
        }
        for (let r = 0; r < RUNS; r++) {
          for (const t of tools) {
            const store = shared.get(t.name) ?? (await t.store());
            const run = await measured(env, t, store, s.names(serial++));
            const key = `${t.name}|${s.name}|${account}`;
            results.set(key, [...(results.get(key) ?? []), run]);
            if (account === 'new') await rm(store, { recursive: true, force: true });
          }
        }
      }
    }
    printComparison(results, tools.map((t) => t.name));
  } finally {
    await rm(root, { recursive: true, force: true });
    await env.stop();
  }
}

function printComparison(results: Map<string, Run[]>, tools: string[]): void {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)}`;
  const wall = (runs: Run[]): string => {
    const med = median(runs.map((m) => m.wallMs));
    return `${s(med)} (${(Math.max(...runs.map((m) => m.wallMs)) / med).toFixed(1)}x)`;
  };
  const header = ['scenario', 'account'];
  for (const t of tools) header.push(`${t} wall s (max/med)`, `${t} CPU s`, `${t} req`);
  if (tools.includes('lego')) header.push('lego/certctl wall');
  const rows: string[][] = [];
  for (const sc of SCENARIOS) {
    for (const account of ['new', 'existing'] as Account[]) {
      const row = [sc.name, account];
      for (const t of tools) {
        const runs = results.get(`${t}|${sc.name}|${account}`) ?? [];
        row.push(wall(runs), s(median(runs.map((m) => m.cpuMs))), String(median(runs.map((m) => m.requests))));
      }
      if (tools.includes('lego')) {
        const c = median((results.get(`certctl|${sc.name}|${account}`) ?? []).map((m) => m.wallMs));
        const l = median((results.get(`lego|${sc.name}|${account}`) ?? []).map((m) => m.wallMs));
        row.push(`${(l / c).toFixed(1)}x`);
      }
      rows.push(row);
    }
  }
  printTable(
    `ACME DNS-01 issuance against Pebble (5% badNonce, no authz reuse) + BIND, median of ${RUNS} runs per tool; req = ACME requests per run as Pebble logged them${tools.includes('lego') ? '' : ' (lego not installed: certctl only)'}`,
    header,
    rows,
  );
}
