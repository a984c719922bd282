/**
 * Entry point of the Kubernetes store. Load it with `await import()` only when `--store kubernetes`
 * is used, so other commands never pay for it.
 */
import { KubeClient } from './client.js';
import type { ClusterEndpoint } from './client.js';
import { DEFAULT_IN_CLUSTER_PATHS, inClusterEndpoint, looksInCluster } from './in-cluster.js';
import type { InClusterPaths } from './in-cluster.js';
import { loadKubeconfig } from './kubeconfig.js';
import { DEFAULT_LEASE_NAME, KubernetesLease } from './lease.js';
import { KubernetesStore } from './store.js';

export { KubernetesStore } from './store.js';
export type { KubernetesStoreOptions } from './store.js';
export { KubernetesLease, DEFAULT_LEASE_NAME } from './lease.js';
export type { KubernetesLeaseOptions } from './lease.js';
export type { PreflightOptions } from './preflight.js';
export { KubeClient } from './client.js';
export type { ClusterEndpoint, KubeClientOptions } from './client.js';
export { KubeApiError, KubeConnectionError } from './errors.js';
export type { InClusterPaths } from './in-cluster.js';
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RECORD_ANNOTATION, STATUS_ANNOTATION, DATA_KEYS_ANNOTATION } from '../secret-layout.js';

/** Options of {@link createKubernetesStore}; the CLI passes `process.env` and its flags. */
export interface CreateKubernetesStoreOptions {
  env: Record<string, string | undefined>;
  /** `--kubeconfig`. */
  kubeconfigPath?: string;
  /** `--context`. */
  context?: string;
  /** `--adopt`: take over existing Secrets certctl did not create. */
  adopt: boolean;
  /** Service account files (tests); the kubelet's standard mount otherwise. */
  inCluster?: InClusterPaths;
  now?: () => Date;
  /** Deadline of each API request (default 20 s). */
  timeoutMs?: number;
  /** Lease name (default `certctl-renew`) and duration (default 60 s). */
  lease?: { name?: string; durationSeconds?: number };
  /** Client-side rate limit of the API client (see KubeClientOptions). */
  qps?: number;
  burst?: number;
  /** `-v` progress: bulk reads, throttling by the API server. Never secret. */
  debug?: (message: string) => void;
}

/** What {@link createKubernetesStore} returns. */
export interface KubernetesStoreHandle {
  store: KubernetesStore;
  /** The Lease guarding `renew` in `namespace` (named `name`, default {@link leaseName}); pass its namespace/name to `store.preflight` as `lease`. */
  lock(namespace: string, opts?: { name?: string; onLost?: (message: string) => void }): KubernetesLease;
  /** The kubeconfig context's namespace or the pod's; undefined when neither says. */
  defaultNamespace?: string;
  /** Where the connection came from (`in-cluster service account`, `kubeconfig …, context "x"`), for messages. */
  source: string;
  /** The Lease name `lock()` uses. */
  leaseName: string;
  /** A short-lived bound token of a ServiceAccount (TokenRequest API), e.g. for Route 53's serviceAccountRef. */
  serviceAccountToken(namespace: string, name: string, audiences: string[]): Promise<string>;
  /** Closes kept-alive connections (optional: idle ones never keep the process alive). */
  close(): void;
}

/**
 * Picks the cluster as kubectl would, with in-cluster config where kubectl would find no
 * kubeconfig: `--kubeconfig`, else `KUBECONFIG` (or `--context` with ~/.kube/config), else the
 * pod's service account when KUBERNETES_SERVICE_HOST is set, else `~/.kube/config`.
 */
export async function resolveEndpoint(opts: CreateKubernetesStoreOptions): Promise<ClusterEndpoint> {
  const now = opts.now ?? (() => new Date());
  const wantsKubeconfig = Boolean(opts.kubeconfigPath || opts.context || opts.env.KUBECONFIG);
  if (!wantsKubeconfig && looksInCluster(opts.env)) return inClusterEndpoint(opts.env, opts.inCluster ?? DEFAULT_IN_CLUSTER_PATHS);
  return loadKubeconfig({ env: opts.env, path: opts.kubeconfigPath, context: opts.context, now });
}

/** Connects (reads configuration; no request is sent yet) and builds the store and its lock. */
export async function createKubernetesStore(opts: CreateKubernetesStoreOptions): Promise<KubernetesStoreHandle> {
  const endpoint = await resolveEndpoint(opts);
  const client = new KubeClient(endpoint, { timeoutMs: opts.timeoutMs, qps: opts.qps, burst: opts.burst, onThrottle: opts.debug });
  const leaseName = opts.lease?.name ?? DEFAULT_LEASE_NAME;
  return {
    store: new KubernetesStore({ client, adopt: opts.adopt, debug: opts.debug }),
    lock: (namespace, lockOpts) =>
      new KubernetesLease({ client, namespace, name: lockOpts?.name ?? leaseName, leaseDurationSeconds: opts.lease?.durationSeconds, now: opts.now, onLost: lockOpts?.onLost }),
    defaultNamespace: endpoint.namespace,
    source: endpoint.source,
    leaseName,
    serviceAccountToken: async (namespace, name, audiences) => {
      const res = await client.request<{ status?: { token?: string } }>({
        method: 'POST',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences, expirationSeconds: 600 } },
      });
      const token = res.body.status?.token;
      if (!token) throw new Error(`the API server returned no token for ServiceAccount ${namespace}/${name}`);
      return token;
    },
    close: () => client.close(),
  };
}
