import type { Manifests } from '../spec/types.js';
import type { SecretTarget } from '../stores/store.js';
import { secretNamespaceOf } from '../issuers/registry.js';

/**
 * Every Secret a run may write: each Certificate's Secret, and the ACME account key Secret of
 * each issuer they use. A store checks it may write them before anything is ordered.
 */
export function secretsToWrite(manifests: Manifests, clusterResourceNamespace: string): SecretTarget[] {
  const out = new Map<string, SecretTarget>();
  const add = (t: SecretTarget): void => void out.set(`${t.namespace}/${t.secretName}`, t);
  for (const c of manifests.certificates) {
    add({ namespace: c.metadata.namespace, secretName: c.spec.secretName });
    for (const issuer of manifests.issuers.values()) {
      const ref = c.spec.issuerRef;
      const matches = issuer.metadata.name === ref.name && issuer.kind === ref.kind && (issuer.kind === 'ClusterIssuer' || issuer.metadata.namespace === c.metadata.namespace);
      if (matches && issuer.spec.type === 'acme') {
        add({ namespace: secretNamespaceOf(issuer, clusterResourceNamespace), secretName: issuer.spec.acme.privateKeySecretRef.name });
      }
    }
  }
  return [...out.values()];
}
