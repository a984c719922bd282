/**
 * Fails fast, before any certificate is ordered, when certctl could not write its results: asks the
 * API server (SelfSubjectAccessReview) whether the current credentials may get/create/update each
 * target Secret and the Lease, and checks that the namespaces exist. A missing RBAC rule found after
 * a Let's Encrypt order would waste the order and count against rate limits.
 */
import { StoreError } from '../store-error.js';
import type { SecretTarget } from '../store.js';
import { tokenSubject } from './auth.js';
import { seg } from './client.js';
import type { KubeClient } from './client.js';
import { KubeApiError, rbacRuleYaml } from './errors.js';
import type { ResourceAttributes } from './types.js';

/** What else to check besides the Secrets. */
export interface PreflightOptions {
  /** The Lease `renew` will take (see KubernetesLease). */
  lease?: { namespace: string; name: string };
  /** Namespaces known to exist (the run already read a Secret there): no dry-run create needed. */
  existingNamespaces?: ReadonlySet<string>;
}

interface Review {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

const SECRET_VERBS = ['get', 'update', 'create'];

/**
 * The checks that are still open after the wide ones: a verb allowed on every Secret of the
 * cluster, or of a namespace, needs no check per Secret name. So a fleet with a ClusterRole costs a
 * handful of reviews, one with a Role per namespace three per namespace, and only Roles limited
 * to resourceNames are checked name by name. `create` cannot be limited by name in RBAC.
 */
async function checksFor(client: KubeClient, targets: SecretTarget[], opts: PreflightOptions, reviews: Map<ResourceAttributes, Review>): Promise<ResourceAttributes[]> {
  const review = async (list: ResourceAttributes[]): Promise<void> => inBatches(list, 8, async (a) => void reviews.set(a, await selfReview(client, a)));
  const allowed = (a: ResourceAttributes): boolean => Boolean(reviews.get(a)?.status?.allowed);
  const out = new Map<string, ResourceAttributes>();
  const add = (a: ResourceAttributes): void => {
    out.set(JSON.stringify([a.namespace, a.group, a.resource, a.verb, a.name ?? '']), a);
  };
  if (opts.lease) {
    const { namespace, name } = opts.lease;
    add({ namespace, verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name });
    add({ namespace, verb: 'update', group: 'coordination.k8s.io', resource: 'leases', name });
    add({ namespace, verb: 'create', group: 'coordination.k8s.io', resource: 'leases' });
  }
  if (targets.length === 0) return [...out.values()];
  const cluster = SECRET_VERBS.map((verb) => ({ namespace: '', verb, group: '', resource: 'secrets' }));
  await review(cluster);
  const namespaces = [...new Set(targets.map((t) => t.namespace))];
  const wide = new Map(namespaces.map((ns) => [ns, SECRET_VERBS.map((verb) => ({ namespace: ns, verb, group: '', resource: 'secrets' }))]));
  const openVerbs = SECRET_VERBS.filter((_, i) => !allowed(cluster[i]));
  if (openVerbs.length === 0) return [...out.values()];
  await review([...wide.values()].flat().filter((a) => openVerbs.includes(a.verb)));
  for (const t of targets) {
    const nsWide = wide.get(t.namespace)!;
    for (const verb of openVerbs) {
      if (allowed(nsWide[SECRET_VERBS.indexOf(verb)])) continue;
      add(verb === 'create' ? { namespace: t.namespace, verb, group: '', resource: 'secrets' } : { namespace: t.namespace, verb, group: '', resource: 'secrets', name: t.secretName });
    }
  }
  return [...out.values()];
}

/** Runs the checks; throws one StoreError listing every missing permission and the rules to add. */
export async function preflight(client: KubeClient, targets: SecretTarget[], opts: PreflightOptions): Promise<void> {
  const reviews = new Map<ResourceAttributes, Review>();
  const checks = await checksFor(client, targets, opts, reviews);
  await inBatches(checks.filter((a) => !reviews.has(a)), 8, async (a) => void reviews.set(a, await selfReview(client, a)));
  // In the order of the checks (targets as given), not of the answers.
  const denied = checks
    .filter((a) => !reviews.get(a)?.status?.allowed)
    .map((a) => ({ a, reason: reviews.get(a)?.status?.reason || reviews.get(a)?.status?.evaluationError }));
  if (denied.length > 0) throw new StoreError(await deniedMessage(client, denied));
  const namespaces = new Set([...targets.map((t) => t.namespace), ...(opts.lease ? [opts.lease.namespace] : [])]);
  await inBatches([...namespaces].filter((ns) => !opts.existingNamespaces?.has(ns)), 8, (ns) => checkNamespace(client, ns));
}

async function selfReview(client: KubeClient, a: ResourceAttributes): Promise<Review> {
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace: a.namespace, verb: a.verb, group: a.group, resource: a.resource, ...(a.name ? { name: a.name } : {}) } },
  };
  try {
    return (await client.request<Review>({ method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body })).body;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 403) {
      throw new StoreError(
        'certctl cannot check its permissions: creating selfsubjectaccessreviews is forbidden. Kubernetes grants it to every ' +
          'authenticated user through the ClusterRole system:basic-user; if your cluster removed that, bind a ClusterRole with:\n' +
          rbacRuleYaml('authorization.k8s.io', 'selfsubjectaccessreviews', ['create']),
      );
    }
    throw err;
  }
}

async function deniedMessage(client: KubeClient, denied: { a: ResourceAttributes; reason?: string }[]): Promise<string> {
  const who = await identity(client);
  const order = ['get', 'create', 'update'];
  denied.sort((x, y) => x.a.namespace.localeCompare(y.a.namespace) || x.a.resource.localeCompare(y.a.resource) || order.indexOf(x.a.verb) - order.indexOf(y.a.verb));
  const lines = denied.map(({ a }) => `  - ${a.verb} ${a.resource}${a.name ? ` "${a.name}"` : ''} in namespace "${a.namespace}"`);
  // One rule per namespace and resource, with exactly the verbs that are missing.
  const rules = new Map<string, { ns: string; group: string; resource: string; verbs: Set<string> }>();
  for (const { a } of denied) {
    const key = `${a.namespace}\0${a.group}\0${a.resource}`;
    const r = rules.get(key) ?? { ns: a.namespace, group: a.group, resource: a.resource, verbs: new Set<string>() };
    r.verbs.add(a.verb);
    rules.set(key, r);
  }
  const byNs = new Map<string, string[]>();
  for (const r of rules.values()) {
    const verbs = [...r.verbs].sort((x, y) => order.indexOf(x) - order.indexOf(y));
    byNs.set(r.ns, [...(byNs.get(r.ns) ?? []), rbacRuleYaml(r.group, r.resource, verbs)]);
  }
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(who ?? '');
  const subject = sa ? `the ServiceAccount "${sa[2]}" of namespace "${sa[1]}"` : who ? `"${who}"` : 'the identity certctl runs as';
  const snippets = [...byNs].map(([ns, r]) => `In namespace "${ns}", add to the rules of a Role bound to ${subject}:\n${r.join('\n')}`);
  const reason = denied.find((d) => d.reason)?.reason;
  return [
    `certctl may not do everything it needs in the cluster${who ? ` (as ${who})` : ''}; nothing was ordered. Missing permissions:`,
    ...lines,
    ...snippets,
    ...(reason ? [`(API server: ${reason})`] : []),
  ].join('\n');
}

async function identity(client: KubeClient): Promise<string | undefined> {
  try {
    return tokenSubject((await client.endpoint.auth.get()).token);
  } catch {
    return undefined;
  }
}

/**
 * A server-side dry-run create: it reaches the namespace lifecycle check (missing or terminating
 * namespace) without writing anything. Other rejections (policy webhooks on the placeholder body)
 * are left to the real write to report.
 */
async function checkNamespace(client: KubeClient, ns: string): Promise<void> {
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { generateName: 'certctl-preflight-', namespace: ns }, type: 'Opaque' };
  try {
    await client.request({ method: 'POST', path: `/api/v1/namespaces/${seg(ns)}/secrets`, query: { dryRun: 'All' }, body });
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    if (err.status === 404) throw new StoreError(`namespace "${ns}" does not exist; create it first (kubectl create namespace ${ns}); nothing was ordered`);
    if (err.status === 403 && /being terminated/.test(err.apiMessage ?? '')) {
      throw new StoreError(`namespace "${ns}" is being deleted; nothing was ordered`);
    }
  }
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
