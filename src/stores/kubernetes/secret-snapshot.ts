/**
 * What the Kubernetes store knows about Secrets during one run: read ahead with a few LISTs
 * ({@link prefetchSecrets}), filled by every GET and write, so the run reads each Secret from the API
 * server at most once. Known absence is remembered too (a metadata-only LIST showed no such name).
 * Lives as long as the store object, which is one run; nothing is cached across runs.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../secret-layout.js';
import type { SecretTarget } from '../store.js';
import type { KubeClient } from './client.js';
import { KubeApiError } from './errors.js';
import { listSecrets } from './list-secrets.js';
import type { Secret } from './types.js';

/** cert-manager's label on the Secrets it manages (since 1.12); certctl writes it too, as cert-manager does. */
export const CERT_MANAGER_FAO_LABEL = 'controller.cert-manager.io/fao';

/** Run-scoped knowledge of Secrets: the object, `null` for known absent, or nothing known. */
export class SecretSnapshot {
  private readonly known = new Map<string, Secret | null>();
  /** A cluster-wide LIST was forbidden once: do not ask again this run. */
  clusterListForbidden = false;
  /** Namespaces where listing Secrets was forbidden (reads fall back to one GET each). */
  readonly listForbidden = new Set<string>();

  has(t: SecretTarget): boolean {
    return this.known.has(keyOf(t));
  }

  /** The object, `null` when known absent, `undefined` when unknown. */
  get(t: SecretTarget): Secret | null | undefined {
    return this.known.get(keyOf(t));
  }

  set(t: SecretTarget, s: Secret | null): void {
    if (s) delete s.metadata.managedFields;
    this.known.set(keyOf(t), s);
  }

  /** Namespaces in which a Secret was seen: they exist. */
  namespacesSeen(): Set<string> {
    const out = new Set<string>();
    for (const [k, v] of this.known) if (v) out.add(k.slice(0, k.indexOf('/')));
    return out;
  }

  /** After a conflict: what we had is stale. */
  forget(t: SecretTarget): void {
    this.known.delete(keyOf(t));
  }
}

/** Options of {@link prefetchSecrets}. */
export interface PrefetchOptions {
  /** `--adopt`: also list the Secrets cert-manager manages, which certctl may take over. */
  adopt: boolean;
  /** Items per LIST page. */
  pageSize?: number;
  /** Told what was listed and why a fallback happened (for `-v`). */
  debug?: (message: string) => void;
}

/** What {@link prefetchSecrets} did, for `-v` and the benchmarks. */
export interface PrefetchReport {
  requests: number;
  scope: 'cluster' | 'namespaces' | 'none';
  /** Targets found, known absent, and left to one GET each. */
  found: number;
  absent: number;
  unknown: number;
}

/**
 * From this many namespaces on, one cluster-wide LIST (when RBAC allows) replaces the per-namespace
 * ones: fewer requests, at the price of also reading certctl's Secrets in namespaces this run does
 * not touch (other shards', other installations'), which are dropped page by page.
 */
export const CLUSTER_LIST_MIN_NAMESPACES = 5;
/** From this many unlisted targets in a namespace on, one metadata-only LIST tells which exist, instead of a GET each. */
export const NAME_LIST_MIN_TARGETS = 3;
/** Namespaces listed at once (the client's rate limit applies on top). */
const PARALLEL_LISTS = 8;

/**
 * Reads ahead the Secrets of `targets` that the snapshot does not know yet:
 * 1. certctl's own Secrets (label `certctl.io/managed-by=certctl`; with adopt, also cert-manager's
 *    `controller.cert-manager.io/fao=true`), cluster-wide when the targets span many namespaces and
 *    RBAC allows it, else per namespace;
 * 2. where many targets are still unknown (a first issuance), the names of all Secrets of the
 *    namespace (metadata only, no data), so absent ones need no GET;
 * 3. what is left (a foreign Secret with a target's name, a namespace certctl may not list) is read
 *    with one GET each when the run reads it.
 * Correctness never depends on labels: a target not found by a LIST is GET before it is decided.
 */
export async function prefetchSecrets(client: KubeClient, snapshot: SecretSnapshot, targets: SecretTarget[], opts: PrefetchOptions): Promise<PrefetchReport> {
  const wanted = new Map<string, SecretTarget>();
  for (const t of targets) if (!snapshot.has(t)) wanted.set(keyOf(t), t);
  const report: PrefetchReport = { requests: 0, scope: 'none', found: 0, absent: 0, unknown: 0 };
  if (wanted.size === 0) return report;
  const namespaces = [...new Set([...wanted.values()].map((t) => t.namespace))].sort();
  const selectors = [`${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, ...(opts.adopt ? [`${CERT_MANAGER_FAO_LABEL}=true`] : [])];
  const onItem = (s: Secret): void => {
    const t = targetOf(s);
    if (!t || !wanted.has(keyOf(t))) return;
    snapshot.set(t, s);
    wanted.delete(keyOf(t));
    report.found++;
  };

  let listedCluster = false;
  if (namespaces.length >= CLUSTER_LIST_MIN_NAMESPACES && !snapshot.clusterListForbidden) {
    try {
      for (const labelSelector of selectors) {
        const listed = await listSecrets(client, { labelSelector, limit: opts.pageSize, onItem });
        report.requests += listed.requests;
      }
      listedCluster = true;
      report.scope = 'cluster';
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 403)) throw err;
      report.requests++;
      snapshot.clusterListForbidden = true;
      opts.debug?.('listing Secrets in all namespaces is forbidden (no ClusterRole with list secrets); listing namespace by namespace');
    }
  }
  if (!listedCluster) {
    report.scope = 'namespaces';
    await inParallel(namespaces, PARALLEL_LISTS, async (namespace) => {
      if (snapshot.listForbidden.has(namespace)) return;
      try {
        for (const labelSelector of selectors) {
          // Read the count after the await: `report.requests += await ...` would add to a stale value.
          const listed = await listSecrets(client, { namespace, labelSelector, limit: opts.pageSize, onItem });
          report.requests += listed.requests;
        }
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 403)) throw err;
        report.requests++;
        snapshot.listForbidden.add(namespace);
        opts.debug?.(`listing Secrets in namespace "${namespace}" is forbidden; reading its Secrets one by one (add "list" to certctl's Role there)`);
      }
    });
  }

  // A first issuance: many targets without a Secret yet. One names-only LIST per such namespace.
  const unknownByNs = new Map<string, SecretTarget[]>();
  for (const t of wanted.values()) unknownByNs.set(t.namespace, [...(unknownByNs.get(t.namespace) ?? []), t]);
  await inParallel([...unknownByNs].filter(([ns, ts]) => ts.length >= NAME_LIST_MIN_TARGETS && !snapshot.listForbidden.has(ns)), PARALLEL_LISTS, async ([namespace, ts]) => {
    const present = new Set<string>();
    const listed = await listSecrets(client, {
      namespace,
      metadataOnly: true,
      limit: opts.pageSize,
      onItem: (s) => {
        if (s.metadata.name) present.add(s.metadata.name);
      },
    }).catch((err: unknown) => {
      if (err instanceof KubeApiError && err.status === 403) return undefined;
      throw err;
    });
    report.requests += listed?.requests ?? 1;
    if (!listed) return;
    for (const t of ts) {
      if (present.has(t.secretName)) continue;
      snapshot.set(t, null);
      wanted.delete(keyOf(t));
      report.absent++;
    }
  });
  report.unknown = wanted.size;
  return report;
}

function keyOf(t: SecretTarget): string {
  return `${t.namespace}/${t.secretName}`;
}

function targetOf(s: Secret): SecretTarget | undefined {
  const { namespace, name } = s.metadata;
  return namespace && name ? { namespace, secretName: name } : undefined;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
