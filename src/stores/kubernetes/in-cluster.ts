/**
 * In-cluster configuration: the API server from KUBERNETES_SERVICE_HOST/PORT and the pod's
 * service account (token, CA, namespace) from the projected volume.
 */
import { readFile } from 'node:fs/promises';
import { StoreError } from '../store-error.js';
import { tokenFileAuth } from './auth.js';
import type { ClusterEndpoint } from './client.js';

/** Where a pod's service account files are; tests point these at a temporary directory. */
export interface InClusterPaths {
  tokenPath: string;
  caPath: string;
  namespacePath: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kubelet's standard mount. */
export const DEFAULT_IN_CLUSTER_PATHS: InClusterPaths = {
  tokenPath: `${SA_DIR}/token`,
  caPath: `${SA_DIR}/ca.crt`,
  namespacePath: `${SA_DIR}/namespace`,
};

/** True when the environment says we run in a pod. */
export function looksInCluster(env: Record<string, string | undefined>): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);
}

/**
 * The endpoint of the cluster this pod runs in. The token is re-read on every request (projected
 * tokens rotate); the CA and namespace are read once.
 */
export async function inClusterEndpoint(env: Record<string, string | undefined>, paths: InClusterPaths = DEFAULT_IN_CLUSTER_PATHS): Promise<ClusterEndpoint> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new StoreError('not running in a pod: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT are not set; pass --kubeconfig');
  let ca: string;
  try {
    ca = await readFile(paths.caPath, 'utf8');
  } catch (err) {
    throw new StoreError(
      `cannot read the service account CA ${paths.caPath} (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'is a ServiceAccount token mounted (automountServiceAccountToken)?',
    );
  }
  const namespace = (await readFile(paths.namespacePath, 'utf8').catch(() => '')).trim() || undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    ca,
    auth: tokenFileAuth(paths.tokenPath, `the pod's service account token ${paths.tokenPath}`),
    namespace,
    source: 'in-cluster service account',
  };
}
