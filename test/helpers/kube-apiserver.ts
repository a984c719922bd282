/**
 * A throw-away real kube-apiserver (1.20.2) + etcd for the Kubernetes store tests, built by
 * test/k8s/build-apiserver.sh into `${CERTCTL_K8S_CACHE:-$HOME/.cache/certctl-k8s}/bin`.
 *
 *   const k8s = await startApiServer();          // ≈ 3 s: RBAC on, token auth, TokenRequest
 *   after(() => k8s.stop());
 *   const token = await k8s.createServiceAccountToken('ns', 'certctl', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
 *
 * Tests skip when the binaries are missing, unless CERTCTL_K8S_TESTS=1 (CI), which makes that a failure.
 * Setup requests use their own tiny HTTPS helper, not the client under test.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { requireBinary } from './binaries.js';
import { freePorts } from './ports.js';
import { startProcess } from './process.js';
import type { ManagedProcess } from './process.js';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const run = promisify(execFile);

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run(requireBinary('openssl', 'openssl'), args, { cwd });
}

/** Directory holding `kube-apiserver` and `etcd`. */
export function k8sBinDir(): string {
  return join(process.env.CERTCTL_K8S_CACHE ?? join(homedir(), '.cache', 'certctl-k8s'), 'bin');
}

function built(): boolean {
  try {
    for (const b of ['kube-apiserver', 'etcd']) accessSync(join(k8sBinDir(), b), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** node:test `skip` value: false when the server can run (or CERTCTL_K8S_TESTS=1 demands it), else why not. */
export function skipUnlessApiServer(): string | false {
  if (built() || process.env.CERTCTL_K8S_TESTS === '1') return false;
  return `kube-apiserver not built in ${k8sBinDir()}: run test/k8s/build-apiserver.sh (set CERTCTL_K8S_TESTS=1 to make this a failure)`;
}

/** An RBAC PolicyRule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A running API server. */
export interface ApiServer {
  url: string;
  /** CA of the server's self-signed serving certificate. */
  caPem: string;
  /** Token of a `system:masters` user. */
  adminToken: string;
  /** Admin request; resolves status and parsed body (any status). */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  ensureNamespace(ns: string): Promise<void>;
  /** A client certificate for `user` in `groups` (`system:masters` = admin), signed by the server's client CA. */
  createClientCertificate(user: string, groups: string[]): Promise<{ certPem: string; keyPem: string }>;
  /** Namespace + ServiceAccount + Role(rules) + RoleBinding; resolves a fresh token of the ServiceAccount. */
  createServiceAccountToken(ns: string, sa: string, rules: PolicyRule[]): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** Turn API Priority and Fairness on (off by default here) with this total concurrency (--max-requests-inflight). */
  priorityAndFairness?: { maxRequestsInflight: number };
}

/** Starts etcd and kube-apiserver on free loopback ports and waits for /readyz. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const bin = k8sBinDir();
  if (!built()) throw new Error(`kube-apiserver/etcd not found in ${bin}: run test/k8s/build-apiserver.sh`);
  const dir = await mkdtemp(join(tmpdir(), 'certctl-k8s-'));
  const adminToken = randomBytes(24).toString('hex');
  await writeFile(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await openssl(dir, ['req', '-x509', ...EC, '-keyout', 'client-ca.key', '-out', 'client-ca.crt', '-days', '2', '-subj', '/CN=test-client-ca']);

  for (let tries = 1; ; tries++) {
    const [client, peer, secure] = await freePorts(3);
    // Per attempt, so that a retry after a port clash starts clean; keys and tokens stay in `dir`.
    const attemptDir = join(dir, `try-${tries}`);
    const etcd = startProcess(join(bin, 'etcd'), [
      '--data-dir', join(attemptDir, 'etcd'), '--name', 'default',
      '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `default=http://127.0.0.1:${peer}`, '--log-level', 'warn',
    ], { cwd: dir });
    const api = startProcess(join(bin, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${client}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${secure}`,
      `--cert-dir=${join(attemptDir, 'certs')}`, '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`, `--client-ca-file=${join(dir, 'client-ca.crt')}`, '--authorization-mode=RBAC', '--service-cluster-ip-range=10.0.0.0/24',
      ...(opts.priorityAndFairness
        ? ['--enable-priority-and-fairness=true', `--max-requests-inflight=${opts.priorityAndFairness.maxRequestsInflight}`, '--max-mutating-requests-inflight=1']
        : ['--enable-priority-and-fairness=false']),
      '--v=0',
    ], { cwd: dir, cleanupDir: attemptDir });
    const url = `https://127.0.0.1:${secure}`;
    const stop = async (): Promise<void> => {
      await api.stop();
      await etcd.stop();
    };
    const ready = await waitReady(url, adminToken, attemptDir, api, etcd);
    if (ready) return makeServer(url, ready, adminToken, dir, api, async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    });
    const out = api.output() + etcd.output();
    await stop();
    if (tries >= 3 || !/address already in use/.test(out)) {
      throw new Error(`kube-apiserver did not become ready:\n${out.slice(-3000)}`);
    }
  }
}

/** Resolves the serving CA once /readyz answers ok, or undefined if a process died or 60 s passed. */
async function waitReady(url: string, token: string, dir: string, api: ManagedProcess, etcd: ManagedProcess): Promise<string | undefined> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (api.hasExited() || etcd.hasExited()) return undefined;
    const ca = await readFile(join(dir, 'certs', 'apiserver.crt'), 'utf8').catch(() => undefined);
    if (ca) {
      const res = await call(url, ca, token, 'GET', '/readyz').catch(() => undefined);
      if (res?.status === 200) return ca;
    }
    await sleep(150);
  }
  return undefined;
}

function makeServer(url: string, caPem: string, adminToken: string, dir: string, api: ManagedProcess, stop: () => Promise<void>): ApiServer {
  const admin = (method: string, path: string, body?: unknown) => call(url, caPem, adminToken, method, path, body);
  const ensure = async (method: string, path: string, body: unknown): Promise<void> => {
    const res = await admin(method, path, body);
    if (res.status >= 300 && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const ensureNamespace = (ns: string) => ensure('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  return {
    url,
    caPem,
    adminToken,
    admin,
    ensureNamespace,
    async createClientCertificate(user, groups) {
      const name = randomBytes(6).toString('hex');
      const subj = `${groups.map((g) => `/O=${g}`).join('')}/CN=${user}`;
      await openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
      await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'client-ca.crt', '-CAkey', 'client-ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`]);
      return { certPem: await readFile(join(dir, `${name}.crt`), 'utf8'), keyPem: await readFile(join(dir, `${name}.key`), 'utf8') };
    },
    async createServiceAccountToken(ns, sa, rules) {
      await ensureNamespace(ns);
      const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
      await ensure('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } });
      await admin('DELETE', `${rbac}/roles/${sa}`);
      await ensure('POST', `${rbac}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: sa }, rules });
      await ensure('POST', `${rbac}/rolebindings`, {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: sa },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
      });
      const res = await admin('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
        apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
      });
      if (res.status !== 201) throw new Error(`TokenRequest: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.status.token as string;
    },
    logs: () => api.output(),
    stop,
  };
}

function call(url: string, ca: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(new URL(path, url), {
      method, ca, timeout: 10_000,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // /readyz answers plain text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}
