/**
 * Reads kubeconfig files as kubectl does: `--kubeconfig`, else every file in `KUBECONFIG` merged
 * (the first file to define a name or current-context wins; missing files are skipped), else
 * `~/.kube/config`. Relative paths resolve against the file that holds them.
 */
import { readFile } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { StoreError } from '../store-error.js';
import { staticAuth, tokenFileAuth } from './auth.js';
import type { AuthProvider, RequestCredentials } from './auth.js';
import type { ClusterEndpoint } from './client.js';
import { ExecAuth } from './exec-credential.js';
import type { ExecConfig } from './exec-credential.js';

/** Options of {@link loadKubeconfig}. */
export interface KubeconfigOptions {
  env: Record<string, string | undefined>;
  /** `--kubeconfig`: this file only (it must exist). */
  path?: string;
  /** `--context`; the current-context otherwise. */
  context?: string;
  now: () => Date;
}

type Dict = Record<string, unknown>;

interface Named {
  value: Dict;
  /** Directory of the file the entry came from. */
  dir: string;
  file: string;
}

interface Merged {
  files: string[];
  currentContext?: string;
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
}

/** The files kubectl would read, in merge order. */
export function kubeconfigFiles(opts: { env: Record<string, string | undefined>; path?: string }): { files: string[]; explicit: boolean } {
  if (opts.path) return { files: [opts.path], explicit: true };
  const list = (opts.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (list.length > 0) return { files: list, explicit: false };
  const home = opts.env.HOME;
  return { files: home ? [join(home, '.kube', 'config')] : [], explicit: false };
}

/** Reads and merges `files`. Missing files are skipped unless `explicit`. */
export async function readKubeconfigs(files: string[], explicit: boolean): Promise<Merged> {
  const merged: Merged = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) continue;
      throw new StoreError(`cannot read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new StoreError(`kubeconfig ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (doc === null || doc === undefined) continue;
    if (!isDict(doc)) throw new StoreError(`kubeconfig ${file} is not a mapping`);
    merged.files.push(file);
    const dir = dirname(resolve(file));
    if (!merged.currentContext && typeof doc['current-context'] === 'string' && doc['current-context']) merged.currentContext = doc['current-context'];
    addNamed(merged.clusters, doc.clusters, 'cluster', file, dir);
    addNamed(merged.users, doc.users, 'user', file, dir);
    addNamed(merged.contexts, doc.contexts, 'context', file, dir);
  }
  return merged;
}

function addNamed(into: Map<string, Named>, list: unknown, key: string, file: string, dir: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new StoreError(`kubeconfig ${file}: ${key}s must be a list`);
  for (const entry of list) {
    if (!isDict(entry) || typeof entry.name !== 'string') throw new StoreError(`kubeconfig ${file}: every ${key}s entry needs a name`);
    const value = entry[key] ?? {};
    if (!isDict(value)) throw new StoreError(`kubeconfig ${file}: ${key} "${entry.name}" must be a mapping`);
    if (!into.has(entry.name)) into.set(entry.name, { value, dir, file });
  }
}

/** The endpoint of the chosen context. */
export async function loadKubeconfig(opts: KubeconfigOptions): Promise<ClusterEndpoint> {
  const { files, explicit } = kubeconfigFiles(opts);
  const merged = await readKubeconfigs(files, explicit);
  if (merged.files.length === 0) {
    throw new StoreError(`no kubeconfig found (looked at ${files.join(', ') || '$HOME/.kube/config'}); pass --kubeconfig or set KUBECONFIG`);
  }
  const where = `kubeconfig ${merged.files.join(delimiter)}`;
  const contextName = opts.context ?? merged.currentContext;
  if (!contextName) throw new StoreError(`${where} has no current-context; pass --context (one of: ${names(merged.contexts)})`);
  const ctx = merged.contexts.get(contextName);
  if (!ctx) throw new StoreError(`context "${contextName}" is not in ${where} (contexts: ${names(merged.contexts)})`);
  const clusterName = str(ctx.value.cluster);
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!cluster) throw new StoreError(`context "${contextName}" refers to cluster "${clusterName ?? ''}", which is not in ${where}`);
  const userName = str(ctx.value.user);
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) throw new StoreError(`context "${contextName}" refers to user "${userName}", which is not in ${where}`);

  const c = cluster.value;
  const server = str(c.server);
  if (!server) throw new StoreError(`cluster "${clusterName}" in ${where} has no server`);
  if (c['proxy-url']) throw new StoreError(`cluster "${clusterName}" in ${where} uses proxy-url, which certctl does not support`);
  const ca = await pemFrom(c, 'certificate-authority', cluster, `cluster "${clusterName}"`);
  const insecure = c['insecure-skip-tls-verify'] === true;
  const source = `${where}, context "${contextName}"`;
  const auth = user
    ? await authFor(user, userName!, opts, { server, ca, insecure, tlsServerName: str(c['tls-server-name']) })
    : staticAuth({}, `${source} (no user: anonymous)`);
  return {
    server,
    ca,
    insecureSkipTlsVerify: insecure,
    tlsServerName: str(c['tls-server-name']),
    auth,
    namespace: str(ctx.value.namespace),
    source,
  };
}

async function authFor(
  user: Named,
  name: string,
  opts: KubeconfigOptions,
  cluster: { server: string; ca?: string; insecure: boolean; tlsServerName?: string },
): Promise<AuthProvider> {
  const u = user.value;
  const label = `user "${name}" in kubeconfig ${user.file}`;
  if (u['auth-provider']) {
    const provider = isDict(u['auth-provider']) ? str(u['auth-provider'].name) : undefined;
    throw new StoreError(
      `${label} uses the legacy auth-provider "${provider ?? '?'}", which certctl does not support; ` +
        'switch to its exec credential plugin (gke-gcloud-auth-plugin for GKE, kubelogin for OIDC/Azure)',
    );
  }
  if (u.username || u.password) throw new StoreError(`${label} uses basic authentication (username/password), which Kubernetes removed in 1.19`);
  const extra: RequestCredentials = {};
  const cert = await pemFrom(u, 'client-certificate', user, label);
  const key = await pemFrom(u, 'client-key', user, label);
  if (Boolean(cert) !== Boolean(key)) throw new StoreError(`${label} has a client certificate without a key, or a key without a certificate`);
  if (cert && key) Object.assign(extra, { cert, key });
  if (u.exec) {
    if (!isDict(u.exec) || typeof u.exec.command !== 'string') throw new StoreError(`${label}: exec needs a command`);
    return new ExecAuth(u.exec as unknown as ExecConfig, {
      env: opts.env,
      baseDir: user.dir,
      now: opts.now,
      cluster: {
        server: cluster.server,
        ...(cluster.ca ? { 'certificate-authority-data': Buffer.from(cluster.ca).toString('base64') } : {}),
        ...(cluster.insecure ? { 'insecure-skip-tls-verify': true } : {}),
        ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      },
    });
  }
  const tokenFile = str(u.tokenFile);
  if (tokenFile) return tokenFileAuth(abs(user.dir, tokenFile), `the token file of ${label}`, extra);
  const token = str(u.token);
  if (token) extra.token = token;
  const kinds = [token ? 'token' : '', cert ? 'client certificate' : ''].filter(Boolean).join(' and ');
  return staticAuth(extra, kinds ? `the ${kinds} of ${label}` : `${label} (no credentials: anonymous)`);
}

/** `<field>-data` (base64) or `<field>` (a file), as PEM text. */
async function pemFrom(d: Dict, field: string, from: Named, label: string): Promise<string | undefined> {
  const data = str(d[`${field}-data`]);
  if (data) {
    const pem = Buffer.from(data, 'base64').toString('utf8');
    if (!pem.includes('-----BEGIN')) throw new StoreError(`${field}-data of ${label} is not base64 of a PEM block`);
    return pem;
  }
  const path = str(d[field]);
  if (!path) return undefined;
  const full = abs(from.dir, path);
  try {
    return await readFile(full, 'utf8');
  } catch (err) {
    throw new StoreError(`cannot read ${field} ${full} of ${label}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function abs(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

function names(m: Map<string, Named>): string {
  return [...m.keys()].join(', ') || 'none';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
