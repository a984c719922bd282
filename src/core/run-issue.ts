import type { Dns01Options } from '../dns/dns01-options.js';
import { createIssuer } from '../issuers/registry.js';
import type { Manifests } from '../spec/types.js';
import type { CertificateStore } from '../stores/store.js';
import type { CertificateResult, EventSink } from './events.js';
import { issueCertificate, type IssueContext } from './issue-certificate.js';
import { secretNamespaceOf } from './issuer-namespace.js';
import { planIssuance, type PlannedCertificate } from './plan.js';
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
  /** How many certificates are issued at once (default 1). */
  concurrency?: number;
  /** renew/plan additions to the per-certificate flow (see IssueContext). */
  extend?: Pick<IssueContext, 'prepare' | 'holdBack' | 'dryRun' | 'markDeployPending'>;
  /** Called once before the first certificate that will be issued (renew's pre-hook). */
  beforeFirstIssue?: () => Promise<void>;
  /** Bound ServiceAccount tokens from the cluster (--store kubernetes). */
  serviceAccountToken?: (namespace: string, name: string, audiences: string[]) => Promise<string>;
  /** Lets a caller use the run's issuer factory (renew's ARI lookups share its sessions). */
  onContext?: (ctx: IssueContext) => void;
}

/**
 * Brings every Certificate up to date, CAs before the leaves they sign, at most `concurrency` at
 * a time. Input problems throw `SpecError` before any key is generated; each certificate's own
 * failure is in its result and does not stop the others (except those signed by it).
 */
export async function runIssue(manifests: Manifests, opts: RunOptions): Promise<CertificateResult[]> {
  const plan = await planIssuance(manifests, opts.store, opts);
  const secrets = new SecretSource(manifests, opts.store);
  const cache = new Map<string, unknown>();
  const slots = new Semaphore(Math.max(1, opts.concurrency ?? 1));
  const done = new Map<PlannedCertificate, Promise<CertificateResult>>();
  const byCert = new Map(plan.map((p) => [p.certificate, p]));

  const ctx: IssueContext = {
    store: opts.store,
    now: opts.now,
    forced: opts.forced,
    signal: opts.signal,
    fault: opts.fault,
    emit: opts.emit,
    ...opts.extend,
    issuerFor: (p) =>
      createIssuer(p.issuer, {
        secrets: (ns, name) => secrets.get(ns, name),
        saveSecret: (namespace, name, data) => opts.store.writeSecretData({ namespace, secretName: name }, data),
        secretNamespace: secretNamespaceOf(p.issuer, opts.clusterResourceNamespace),
        now: opts.now(),
        dns01: opts.dns01,
        env: opts.env,
        cache,
        serviceAccountToken: opts.serviceAccountToken,
      }),
  };
  // The pre-hook runs once, when the first certificate is known to need issuing.
  if (opts.beforeFirstIssue && !ctx.dryRun) ctx.beforeIssue = once(opts.beforeFirstIssue);
  opts.onContext?.(ctx);

  const run = (entry: PlannedCertificate): Promise<CertificateResult> => {
    let p = done.get(entry);
    if (p) return p;
    p = (async () => {
      const deps = await Promise.all(entry.dependsOn.map((d) => byCert.get(d)).filter((d): d is PlannedCertificate => Boolean(d)).map(run));
      const cert = entry.certificate;
      const failedDep = deps.find((r) => r.action === 'failed');
      if (failedDep) {
        const message = `not issued: the CA Certificate ${failedDep.namespace}/${failedDep.name} it depends on failed`;
        opts.emit({ name: cert.metadata.name, namespace: cert.metadata.namespace, reason: 'Failed', message, level: 'error' });
        return { name: cert.metadata.name, namespace: cert.metadata.namespace, secretName: cert.spec.secretName, action: 'failed', reason: 'DependencyFailed', message, error: message };
      }
      return slots.use(() => issueCertificate(entry, ctx));
    })();
    done.set(entry, p);
    return p;
  };
  // Results in plan order (CAs first), whatever order they finish in.
  return Promise.all(plan.map(run));
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

/** Bounds how many certificates are in flight. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
