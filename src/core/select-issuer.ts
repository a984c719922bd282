import type { IssuerResource, Manifests } from '../spec/types.js';

/**
 * The Issuers and ClusterIssuers of the manifests an argument names, kubectl style: `NAME`,
 * `issuer/NAME` or `clusterissuer/NAME` (kind in any case). An Issuer must be in `namespace`
 * when one is given. More than one match is for the caller to refuse.
 */
export function selectIssuers(manifests: Manifests, arg: string, namespace?: string): IssuerResource[] {
  const m = /^(?:(issuer|clusterissuer)\/)?(.+)$/i.exec(arg.trim());
  const kind = m?.[1]?.toLowerCase();
  const name = m?.[2] ?? '';
  return [...manifests.issuers.values()].filter(
    (i) =>
      i.metadata.name === name &&
      (!kind || i.kind.toLowerCase() === kind) &&
      (i.kind === 'ClusterIssuer' || namespace === undefined || i.metadata.namespace === namespace),
  );
}

/** `Issuer ns/name` or `ClusterIssuer name`, for messages and output. */
export function describeIssuer(i: IssuerResource): string {
  return i.kind === 'ClusterIssuer' ? `ClusterIssuer ${i.metadata.name}` : `Issuer ${i.metadata.namespace}/${i.metadata.name}`;
}
