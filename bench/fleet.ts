// Fleet benchmark against a real kube-apiserver (test/k8s/build-apiserver.sh): BENCH_CERTS
// Certificates (default 10,000) across BENCH_NAMESPACES namespaces (default 100), signed by a `ca`
// ClusterIssuer whose CA Secret already exists. Measures, for the built CLI with --store kubernetes:
//   - a no-op `renew` over the whole fleet, as one process and as BENCH_SHARDS shards (default 4);
//   - a `renew` that finds BENCH_DUE new Certificates (default 1,000) due among the fleet, likewise.
// API requests are counted by the API server itself (apiserver_request_total on /metrics, for the
// resources certctl uses), peak RSS and CPU by bench/rusage.mjs inside the measured process.
//
//   npm run build && BENCH_ONLY=fleet node --import tsx bench/run.ts
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, skipUnlessApiServer, type ApiServer } from '../test/helpers/kube-apiserver.js';
import { measureCertctl, printTable, type Measurement } from './measure.js';

const CERTS = Number(process.env.BENCH_CERTS ?? 10_000);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 100);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const SHARDS = Number(process.env.BENCH_SHARDS ?? 4);
/** The resources certctl touches; the API server's own background requests (endpoints, ...) are not counted. */
const COUNTED = new Set(['secrets', 'leases', 'selfsubjectaccessreviews']);

function leaf(name: string, ns: string): string {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: ${ns}}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.${ns}.fleet.example]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: fleet-ca, kind: ClusterIssuer}
`;
}

const CLUSTER_ISSUER = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: fleet-ca}
spec: {ca: {secretName: fleet-ca}}
`;

/** The CA, issued once beforehand: not part of the measured manifests, as a company CA would not be. */
const CA_SETUP = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: root}
spec: {selfSigned: {}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: fleet-ca, namespace: cert-manager}
spec:
  secretName: fleet-ca
  isCA: true
  commonName: Fleet CA
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: root, kind: ClusterIssuer}
`;

function manifests(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => leaf(`${prefix}${i}`, `ns${i % NAMESPACES}`));
}

/** Sum of apiserver_request_total over the resources certctl uses. */
async function apiRequests(k8s: ApiServer): Promise<number> {
  const res = await k8s.admin('GET', '/metrics');
  let total = 0;
  for (const line of String(res.body).split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    if (COUNTED.has(resource)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

interface Run extends Measurement {
  requests: number;
}

async function measured(k8s: ApiServer, args: string[]): Promise<Run> {
  const before = await apiRequests(k8s);
  const m = await measureCertctl(args);
  const requests = (await apiRequests(k8s)) - before;
  if (m.code !== 0) throw new Error(`certctl ${args.join(' ')} exited ${m.code}:\n${m.stderr.slice(-3000)}`);
  return { ...m, requests };
}

/** The shards of one run, all at once as an Indexed Job starts them; requests are the total. */
async function measuredShards(k8s: ApiServer, args: string[]): Promise<{ wallMs: number; requests: number; shards: Measurement[] }> {
  const before = await apiRequests(k8s);
  const started = performance.now();
  const shards = await Promise.all(Array.from({ length: SHARDS }, (_, i) => measureCertctl([...args, '--shard', `${i}/${SHARDS}`])));
  const wallMs = performance.now() - started;
  const requests = (await apiRequests(k8s)) - before;
  for (const m of shards) if (m.code !== 0) throw new Error(`a shard exited ${m.code}:\n${m.stderr.slice(-3000)}`);
  return { wallMs, requests, shards };
}

function summaryOf(m: Measurement): { renewed: number; upToDate: number } {
  const s = JSON.parse(m.stdout).summary as { renewed: number; upToDate: number };
  return { renewed: s.renewed, upToDate: s.upToDate };
}

export async function benchFleet(): Promise<void> {
  const skip = skipUnlessApiServer();
  if (skip) {
    console.log(`fleet benchmark skipped: ${skip}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'certctl-bench-fleet-'));
  const k8s = await startApiServer();
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: admin, user: {token: "${k8s.adminToken}"}}]
contexts: [{name: bench, context: {cluster: bench, user: admin, namespace: certctl}}]
current-context: bench
`,
    );
    for (const ns of ['cert-manager', 'certctl', ...Array.from({ length: NAMESPACES }, (_, i) => `ns${i}`)]) await k8s.ensureNamespace(ns);
    const store = ['--store', 'kubernetes', '--kubeconfig', kubeconfig];
    // A directory of files of 1,000 Certificates each: one manifest file may hold at most 1 MiB.
    const file = async (name: string, docs: string[]): Promise<string> => {
      const p = join(dir, name);
      await mkdir(p, { recursive: true });
      for (let i = 0; i * 1000 < docs.length; i++) await writeFile(join(p, `part-${String(i).padStart(4, '0')}.yaml`), docs.slice(i * 1000, (i + 1) * 1000).join('---\n'));
      return p;
    };
    const caFile = await file('ca.yaml', [CA_SETUP]);
    const ca = await measureCertctl(['issue', '-f', caFile, ...store, '-q']);
    if (ca.code !== 0) throw new Error(`CA setup failed: ${ca.stderr}`);

    const fleet = manifests('c', CERTS);
    const fleetFile = await file('fleet.yaml', [CLUSTER_ISSUER, ...fleet]);
    const rows: (string | number)[][] = [];
    const row = (what: string, m: { wallMs: number; requests: number }, certs: number, perShard: Measurement[] | Measurement, renewed: number): void => {
      const all = Array.isArray(perShard) ? perShard : [perShard];
      const rss = Math.max(...all.map((x) => x.maxRssMb));
      const cpu = all.reduce((n, x) => n + x.cpuMs, 0);
      const slowest = Math.max(...all.map((x) => x.wallMs));
      rows.push([what, certs, renewed, `${(m.wallMs / 1000).toFixed(1)} s`, `${(slowest / 1000).toFixed(1)} s`, `${(cpu / 1000).toFixed(1)} s`, m.requests, Math.round(m.requests / all.length), `${rss.toFixed(0)} MB`]);
    };

    // Setup, measured too: the whole fleet's first issuance, unthrottled, 16 at a time.
    const setup = await measured(k8s, ['issue', '-f', fleetFile, ...store, '--kube-api-qps', '0', '--concurrency', '16', '-o', 'json', '-q']);
    row(`first issuance of ${CERTS} (issue, --kube-api-qps 0, --concurrency 16)`, setup, CERTS, setup, summaryOf(setup).renewed);

    const noop = await measured(k8s, ['renew', '--no-jitter', '-f', fleetFile, ...store, '-o', 'json', '-q']);
    if (summaryOf(noop).upToDate !== CERTS) throw new Error('the no-op run found something due');
    row('no-op renew, one process', noop, CERTS, noop, 0);

    const noopShards = await measuredShards(k8s, ['renew', '--no-jitter', '-f', fleetFile, ...store, '-o', 'json', '-q']);
    row(`no-op renew, ${SHARDS} shards at once`, noopShards, CERTS, noopShards.shards, 0);

    const dueOne = await file('due-one.yaml', [CLUSTER_ISSUER, ...fleet, ...manifests('d', DUE)]);
    const due = await measured(k8s, ['renew', '--no-jitter', '-f', dueOne, ...store, '-o', 'json', '-q']);
    row(`renew, ${DUE} due among the fleet, one process`, due, CERTS + DUE, due, summaryOf(due).renewed);

    const dueShard = await file('due-shards.yaml', [CLUSTER_ISSUER, ...fleet, ...manifests('e', DUE)]);
    const dueShards = await measuredShards(k8s, ['renew', '--no-jitter', '-f', dueShard, ...store, '-o', 'json', '-q']);
    row(`renew, ${DUE} due among the fleet, ${SHARDS} shards at once`, dueShards, CERTS + DUE, dueShards.shards, dueShards.shards.reduce((n, m) => n + summaryOf(m).renewed, 0));

    // The machine may be shared: say how busy it was, as wall times depend on it.
    printTable(
      `certctl --store kubernetes, ${CERTS} Certificates in ${NAMESPACES} namespaces (real kube-apiserver, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the end)`,
      ['run', 'certificates', 'renewed', 'wall', 'slowest process', 'CPU (sum)', 'API requests', 'per process', 'peak RSS'],
      rows,
    );
  } finally {
    await k8s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
