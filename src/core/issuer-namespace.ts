import type { IssuerResource } from '../spec/types.js';

/**
 * The namespace an issuer's Secrets live in: its own for an Issuer, the cluster resource
 * namespace for a ClusterIssuer (cert-manager's --cluster-resource-namespace).
 */
export function secretNamespaceOf(issuer: IssuerResource, clusterResourceNamespace: string): string {
  return issuer.kind === 'ClusterIssuer' ? clusterResourceNamespace : issuer.metadata.namespace;
}
