/**
 * Shards of one store, through the built CLI: run side by side they issue every Certificate exactly
 * once (files on one directory, as several cron hosts on NFS; Kubernetes with the fleet example's
 * RBAC on a real API server), each under its own lock, while the same shard twice is still refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { skipUnlessApiServer, startApiServer, type ApiServer } from '../helpers/kube-apiserver.js';
import { openssl, ROOT, runCli } from '../helpers/run-cli.js';

/** A CA tree (root, intermediate CA issuer, leaves) and independent certificates over 4 namespaces. */
function fleet(): string {
  const docs = [
    'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: self}\nspec: {selfSigned: {}}\n',
    'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: team-ca, namespace: team}\nspec: {secretName: team-ca, isCA: true, commonName: Team CA, privateKey: {algorithm: ECDSA}, issuerRef: {name: self, kind: ClusterIssuer}}\n',
    'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: team-ca, namespace: team}\nspec: {ca: {secretName: team-ca}}\n',
  ];
  for (let i = 0; i < 6; i++) docs.push(`apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: leaf${i}, namespace: team}\nspec: {secretName: leaf${i}-tls, dnsNames: [leaf${i}.team.test], privateKey: {algorithm: ECDSA}, issuerRef: {name: team-ca}}\n`);
  for (let i = 0; i < 16; i++) docs.push(`apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: app${i}, namespace: ns${i % 4}}\nspec: {secretName: app${i}-tls, dnsNames: [app${i}.test], privateKey: {algorithm: ECDSA}, issuerRef: {name: self, kind: ClusterIssuer}}\n`);
  return docs.join('---\n');
}
const TOTAL = 23;

interface Result {
  name: string;
  namespace: string;
  action: string;
  shard?: string;
}

describe('shards on one files store', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-shards-'));
    await writeFile(join(dir, 'fleet.yaml'), fleet());
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('three shards at once on one directory issue each Certificate once; the CA tree stays on one shard', async () => {
    const out = join(dir, 'store');
    const runs = await Promise.all([0, 1, 2].map((i) => runCli(['renew', '-f', join(dir, 'fleet.yaml'), '--out-dir', out, '--no-jitter', '--shard', `${i}/3`, '-o', 'json'])));
    const results: Result[] = [];
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      results.push(...(JSON.parse(r.stdout).certificates as Result[]));
    }
    assert.equal(results.length, TOTAL);
    assert.ok(results.every((r) => r.action === 'issued'));
    assert.equal(new Set(results.map((r) => `${r.namespace}/${r.name}`)).size, TOTAL, 'no Certificate in two shards');
    assert.equal(new Set(results.filter((r) => r.namespace === 'team').map((r) => r.shard)).size, 1, 'the CA and its leaves on one shard');
    for (const r of results) {
      const rec = JSON.parse(await readFile(join(out, r.namespace, r.namespace === 'team' && r.name === 'team-ca' ? 'team-ca' : `${r.name}-tls`, '..data', 'certctl.json'), 'utf8'));
      assert.equal(rec.revision, 1, `${r.namespace}/${r.name} issued once`);
    }
    // The leaves verify against the CA their shard issued in the same run.
    const ca = join(out, 'team', 'team-ca', 'tls.crt');
    for (let i = 0; i < 6; i++) assert.match(openssl(['verify', '-CAfile', ca, join(out, 'team', `leaf${i}-tls`, 'tls.crt')]), /: OK/);
    // Locks are per shard and released.
    assert.deepEqual((await readdir(out)).filter((f) => f.startsWith('.certctl')), []);

    const status = await runCli(['status', '-f', join(dir, 'fleet.yaml'), '--out-dir', out, '--shard-count', '3']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^NAMESPACE +NAME +SHARD +READY/);
    const shardOf = new Map(results.map((r) => [`${r.namespace}/${r.name}`, r.shard]));
    for (const line of status.stdout.trim().split('\n').slice(1)) {
      const [ns, name, shard, ready] = line.split(/\s+/);
      assert.equal(shard, shardOf.get(`${ns}/${name}`), line);
      assert.equal(ready, 'True');
    }
  });

  test('the same shard twice: the second finds its lock held (exit 3) while another shard runs', async () => {
    const out = join(dir, 'locked');
    const f = join(dir, 'fleet.yaml');
    const slow = runCli(['renew', '-f', f, '--out-dir', out, '--no-jitter', '--shard', '0/2', '--pre-hook', 'sleep 3']);
    await new Promise((r) => setTimeout(r, 1500));
    const [twice, other] = await Promise.all([
      runCli(['renew', '-f', f, '--out-dir', out, '--no-jitter', '--shard', '0/2', '--lock-timeout', '0s']),
      runCli(['renew', '-f', f, '--out-dir', out, '--no-jitter', '--shard', '1/2', '--lock-timeout', '0s']),
    ]);
    assert.equal(twice.code, 3, twice.stderr);
    assert.match(twice.stderr, /\.certctl-shard-0-of-2\.lock|locked by .*certctl renew/);
    assert.match(twice.stderr, /\(shard 0\/2\)/);
    assert.equal(other.code, 0, other.stderr);
    assert.equal((await slow).code, 0);
  });

  test('a named Certificate of another shard is left to it', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `app${i}`);
    const r = await runCli(['plan', ...names, '-f', join(dir, 'fleet.yaml'), '--out-dir', join(dir, 'store'), '--shard-count', '3'], { env: { JOB_COMPLETION_INDEX: '0' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /shard 0\/3: \d+ of 23 Certificate\(s\)/);
    const elsewhere = [...r.stderr.matchAll(/Certificate (app\d+) belongs to shard [12]\/3, not to this shard \(0\/3\)/g)].map((m) => m[1]);
    const planned = [...r.stdout.matchAll(/up to date {2}ns\d\/(app\d+)/g)].map((m) => m[1]);
    assert.ok(elsewhere.length > 0 && planned.length > 0, r.stderr);
    assert.deepEqual([...elsewhere, ...planned].sort(), [...names].sort(), 'each named Certificate is either planned here or left to its shard');
    const bad = await runCli(['plan', '-f', join(dir, 'fleet.yaml'), '--out-dir', join(dir, 'store'), '--shard-count', '3'], { env: { JOB_COMPLETION_INDEX: '3' } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /JOB_COMPLETION_INDEX=3 is not a shard of --shard-count 3/);
  });
});

test('examples/kubernetes/fleet/cronjob.yaml: an Indexed Job whose completions, parallelism and --shard-count agree, with flags certctl takes', async () => {
  const [cron] = parseAllDocuments(await readFile(join(ROOT, 'examples/kubernetes/fleet/cronjob.yaml'), 'utf8')).map((d) => d.toJS());
  const job = cron.spec.jobTemplate.spec;
  const args: string[] = job.template.spec.containers[0].args;
  const count = Number(args.find((a) => a.startsWith('--shard-count='))?.split('=')[1]);
  assert.equal(job.completionMode, 'Indexed');
  assert.equal(job.completions, count);
  assert.equal(job.parallelism, count);
  assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
  // The same arguments, against a files store and the fleet above, in the pod of index count-1.
  const dir = await mkdtemp(join(tmpdir(), 'certctl-fleet-example-'));
  try {
    await writeFile(join(dir, 'fleet.yaml'), fleet());
    const env = Object.fromEntries(job.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const local = args.map((a) => (a === '--store=kubernetes' ? '--store=files' : a === '--filename=/config' ? `--filename=${dir}` : a)).filter((a) => !a.startsWith('--jitter'));
    const r = await runCli([...local, '--out-dir', join(dir, 'out'), '--no-jitter'], { env: { ...env, JOB_COMPLETION_INDEX: String(count - 1) } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`shard ${count - 1}/${count}: \\d+ of ${TOTAL} Certificate`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('shards on one Kubernetes store, with the fleet example\'s RBAC', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let dir: string;
  let kubeconfig: string;
  before(async () => {
    k8s = await startApiServer();
    dir = await mkdtemp(join(tmpdir(), 'certctl-k8s-shards-'));
    // The example's objects as they are, applied by the admin.
    for (const file of ['namespace.yaml', 'rbac.yaml']) {
      for (const doc of parseAllDocuments(await readFile(join(ROOT, 'examples/kubernetes/fleet', file), 'utf8')).map((d) => d.toJS())) {
        const ns = doc.metadata.namespace;
        const plural = `${doc.kind.toLowerCase()}s`;
        const base = doc.apiVersion === 'v1' ? '/api/v1' : `/apis/${doc.apiVersion}`;
        const res = await k8s.admin('POST', `${base}${ns ? `/namespaces/${ns}` : ''}/${plural}`, doc);
        assert.ok(res.status === 201 || res.status === 409, JSON.stringify(res.body));
      }
    }
    for (const ns of ['team', 'ns0', 'ns1', 'ns2', 'ns3']) await k8s.ensureNamespace(ns);
    const token = (await k8s.admin('POST', '/api/v1/namespaces/certctl/serviceaccounts/certctl/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })).body.status.token;
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: certctl, user: {token: "${token}"}}]
contexts: [{name: t, context: {cluster: t, user: certctl, namespace: certctl}}]
current-context: t
`,
    );
    await writeFile(join(dir, 'fleet.yaml'), fleet());
  });
  after(async () => {
    await k8s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('two shards at once: every Secret written once, one Lease per shard, a no-op rerun changes nothing', async () => {
    const renew = (i: number) => runCli(['renew', '-f', join(dir, 'fleet.yaml'), '--store', 'kubernetes', '--kubeconfig', kubeconfig, '--no-jitter', '--shard-count', '2', '-o', 'json'], { env: { JOB_COMPLETION_INDEX: String(i) } });
    const runs = await Promise.all([renew(0), renew(1)]);
    const results: Result[] = runs.flatMap((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).certificates as Result[];
    });
    assert.equal(results.length, TOTAL);
    assert.ok(results.every((r) => r.action === 'issued'));
    assert.equal(new Set(results.map((r) => `${r.namespace}/${r.name}`)).size, TOTAL);
    const versions = new Map<string, string>();
    for (const r of results) {
      const name = r.name === 'team-ca' ? 'team-ca' : `${r.name}-tls`;
      const s = (await k8s.admin('GET', `/api/v1/namespaces/${r.namespace}/secrets/${name}`)).body;
      assert.equal(JSON.parse(s.metadata.annotations['certctl.io/record']).revision, 1, `${r.namespace}/${name} written once`);
      versions.set(`${r.namespace}/${name}`, s.metadata.resourceVersion);
    }
    const leaf = (await k8s.admin('GET', '/api/v1/namespaces/team/secrets/leaf0-tls')).body;
    const ca = Buffer.from(leaf.data['ca.crt'], 'base64').toString();
    const crt = Buffer.from(leaf.data['tls.crt'], 'base64').toString();
    await writeFile(join(dir, 'ca.pem'), ca);
    await writeFile(join(dir, 'leaf.pem'), crt);
    assert.match(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]), /: OK/);
    for (const i of [0, 1]) {
      const lease = (await k8s.admin('GET', `/apis/coordination.k8s.io/v1/namespaces/certctl/leases/certctl-renew-${i}-of-2`)).body;
      assert.equal(lease.kind, 'Lease');
      assert.equal(lease.spec.holderIdentity ?? null, null, 'released');
    }
    const again = await Promise.all([renew(0), renew(1)]);
    for (const r of again) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok((JSON.parse(r.stdout).certificates as Result[]).every((c) => c.action === 'up-to-date'));
    }
    for (const [key, rv] of versions) {
      const [ns, name] = key.split('/');
      assert.equal((await k8s.admin('GET', `/api/v1/namespaces/${ns}/secrets/${name}`)).body.metadata.resourceVersion, rv, `${key} not rewritten`);
    }
  });
});
