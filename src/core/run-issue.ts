import type { Dns01Options } from '../dns/dns01-options.js';
import { createIssuer } from '../issuers/registry.js';
import type { Manifests } from '../spec/types.js';
import type { CertificateStore } from '../stores/store.js';
import type { CertificateResult, EventSink } from './events.js';
import { issueCertificate } from './issue-certificate.js';
import { secretNamespaceOf } from './issuer-namespace.js';
import { planIssuance } from './plan.js';
import { SecretSource } from './secret-source.js';

export interface RunOptions {
  store: CertificateStore;
  dns01: Dns01Options;
  /** Environment for DNS hooks and SDK credential chains. */
  env: Record<string, string | undefined>;
  clusterResourceNamespace: string;
  forced: boolean;
  names?: string[];
  now: () => Date;
  emit: EventSink;
  signal?: AbortSignal;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
}

/**
 * Issues every Certificate that needs it, CAs before the leaves they sign. Input problems throw
 * `SpecError` before any key is generated; each certificate's own failure is in its result and
 * does not stop the others (except those that depend on it).
 */
export async function runIssue(manifests: Manifests, opts: RunOptions): Promise<CertificateResult[]> {
  const plan = await planIssuance(manifests, opts.store, opts);
  const secrets = new SecretSource(manifests, opts.store);
  const failed = new Set<string>();
  const cache = new Map<string, unknown>();
  const results: CertificateResult[] = [];
  for (const entry of plan) {
    const cert = entry.certificate;
    const blocker = entry.dependsOn.find((d) => failed.has(`${d.metadata.namespace}/${d.metadata.name}`));
    if (blocker) {
      const message = `not issued: the CA Certificate ${blocker.metadata.namespace}/${blocker.metadata.name} it depends on failed`;
      opts.emit({ name: cert.metadata.name, namespace: cert.metadata.namespace, reason: 'Failed', message, level: 'error' });
      results.push({ name: cert.metadata.name, namespace: cert.metadata.namespace, secretName: cert.spec.secretName, action: 'failed', reason: 'DependencyFailed', message, error: message });
      failed.add(`${cert.metadata.namespace}/${cert.metadata.name}`);
      continue;
    }
    const result = await issueCertificate(entry, {
      store: opts.store,
      now: opts.now,
      forced: opts.forced,
      signal: opts.signal,
      fault: opts.fault,
      emit: opts.emit,
      issuerFor: (p) =>
        createIssuer(p.issuer, {
          secrets: (ns, name) => secrets.get(ns, name),
          saveSecret: (namespace, name, data) => opts.store.writeSecretData({ namespace, secretName: name }, data),
          secretNamespace: secretNamespaceOf(p.issuer, opts.clusterResourceNamespace),
          now: opts.now(),
          dns01: opts.dns01,
          env: opts.env,
          cache,
        }),
    });
    if (result.action === 'failed') failed.add(`${cert.metadata.namespace}/${cert.metadata.name}`);
    results.push(result);
  }
  return results;
}
