/**
 * Spreading Certificates over N runs (`--shard INDEX/COUNT`, e.g. the pods of a Kubernetes Indexed
 * Job): every run computes the same assignment from the manifests alone, so the shards never
 * disagree and need no coordinator.
 *
 * A Certificate goes to the shard of the root of its dependency tree: a CA issued by a Certificate
 * and every leaf its `ca` issuer signs (and a Vault client certificate and the Certificates issued
 * through it) land on one shard, where the run orders them as a single run would (CA first, leaves
 * re-issued in the same run when the CA changes). Independent Certificates, the common case, are
 * spread one by one.
 *
 * The shard of a tree is jump consistent hash (Lamping & Veach, 2014) of SHA-256 of its root's
 * `namespace/name`: stable as Certificates come and go, and going from N to N+1 shards moves only
 * 1/(N+1) of the Certificates.
 */
import { createHash } from 'node:crypto';
import { secretNamespaceOf } from '../issuers/registry.js';
import { vaultSecretRefs } from '../issuers/vault/secret-refs.js';
import { issuerKey, type CertificateResource, type Manifests } from '../spec/types.js';
import { producersOf } from './plan.js';

/** One shard of COUNT, numbered from 0 as `JOB_COMPLETION_INDEX` is. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** `2/4`, as the flag is written. */
export function shardLabel(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}

/**
 * The shard of every Certificate of the manifests. Pure: the same manifests give the same answer
 * on every host.
 */
export function assignShards(manifests: Manifests, count: number, clusterResourceNamespace: string): Map<CertificateResource, number> {
  const deps = dependencyEdges(manifests, clusterResourceNamespace);
  const out = new Map<CertificateResource, number>();
  const roots = rootsOf(manifests.certificates, deps);
  for (const c of manifests.certificates) out.set(c, jumpHash(keyOf(roots.get(c)!), count));
  return out;
}

/** The manifests with only the Certificates of `shard` (Issuers and Secrets are kept: any shard may need them). */
export function manifestsOfShard(manifests: Manifests, shard: ShardSpec, clusterResourceNamespace: string): Manifests {
  const assigned = assignShards(manifests, shard.count, clusterResourceNamespace);
  return { ...manifests, certificates: manifests.certificates.filter((c) => assigned.get(c) === shard.index) };
}

/** The Certificates each Certificate needs issued first in the same run (the CA whose Secret its issuer reads). */
function dependencyEdges(manifests: Manifests, clusterResourceNamespace: string): Map<CertificateResource, CertificateResource[]> {
  const producers = producersOf(manifests);
  const edges = new Map<CertificateResource, CertificateResource[]>();
  for (const c of manifests.certificates) {
    const ref = c.spec.issuerRef;
    const issuer = manifests.issuers.get(issuerKey(ref.kind, c.metadata.namespace, ref.name));
    if (!issuer) continue;
    const ns = secretNamespaceOf(issuer, clusterResourceNamespace);
    // As planIssuance: a Secret given in the inputs wins over a Certificate producing it.
    const names = issuer.spec.type === 'ca' ? [issuer.spec.ca.secretName] : issuer.spec.type === 'vault' ? vaultSecretRefs(issuer.spec.vault).map((r) => r.name) : [];
    const needs = names
      .filter((n) => !manifests.secrets.has(`${ns}/${n}`))
      .map((n) => producers.get(`${ns}/${n}`))
      .filter((p): p is CertificateResource => Boolean(p) && p !== c);
    if (needs.length > 0) edges.set(c, needs);
  }
  return edges;
}

/**
 * The root that decides each Certificate's shard: of all Certificates connected to it through
 * dependencies, the dependency-free one with the smallest `namespace/name`. Only roots decide, so
 * adding or removing a leaf never moves its tree; a cycle (an input error, reported by the plan)
 * still gets one answer.
 */
function rootsOf(certs: CertificateResource[], edges: Map<CertificateResource, CertificateResource[]>): Map<CertificateResource, CertificateResource> {
  const parent = new Map<CertificateResource, CertificateResource>(certs.map((c) => [c, c]));
  const find = (c: CertificateResource): CertificateResource => {
    let r = c;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let x = c; parent.get(x) !== r; ) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const [c, needs] of edges) for (const n of needs) if (parent.has(n)) parent.set(find(c), find(n));
  // Per group: the smallest dependency-free member; in a cycle (no such member), the smallest member.
  const best = new Map<CertificateResource, { root: CertificateResource; free: boolean }>();
  for (const c of certs) {
    const group = find(c);
    const free = !edges.has(c);
    const cur = best.get(group);
    if (!cur || (free && !cur.free) || (free === cur.free && keyOf(c) < keyOf(cur.root))) best.set(group, { root: c, free });
  }
  return new Map(certs.map((c) => [c, best.get(find(c))!.root]));
}

function keyOf(c: CertificateResource): string {
  return `${c.metadata.namespace}/${c.metadata.name}`;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Jump consistent hash: the bucket in [0, buckets) of a 64-bit key taken from SHA-256 of `key`.
 * Exported for the tests that pin its values.
 */
export function jumpHash(key: string, buckets: number): number {
  let k = createHash('sha256').update(key).digest().readBigUInt64BE(0);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}
