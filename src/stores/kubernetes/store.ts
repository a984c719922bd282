/**
 * Keeps each Certificate in one `kubernetes.io/tls` Secret, as cert-manager does, so Ingress
 * controllers, Istio `credentialName` and pods consume it unchanged. certctl's record and status live
 * in its own annotations on the same Secret.
 *
 * Every write is one create or one update of the whole object, so `tls.crt` and `tls.key` switch
 * together. Updates carry the `resourceVersion` just read: if someone else changed the Secret in
 * between, the API answers 409, and certctl reads it again, re-checks that it may still write it,
 * merges again (keeping the other writer's keys, labels and annotations) and retries, a bounded
 * number of times. Plain PUT rather than server-side apply: apply would need the full set of
 * certctl's fields each time and RBAC `patch`; a PUT of the merged object needs only `update`.
 */
import { StoreError, assertSafeSegment } from '../store-error.js';
import type { CertificateStore, SecretTarget, StoredCertificate, TlsData, WriteResult } from '../store.js';
import type { CertificateRecord, CertificateStatus } from '../records.js';
import { seg } from './client.js';
import type { KubeClient } from './client.js';
import { preflight } from './preflight.js';
import type { PreflightOptions } from './preflight.js';
import { prefetchSecrets, SecretSnapshot } from './secret-snapshot.js';
import type { PrefetchReport } from './secret-snapshot.js';
import { assertWritable, decodeData, ref, storedFrom, withCertificate, withOpaqueData, withStatus } from '../secret-layout.js';
import type { Secret } from './types.js';

/** Options of {@link KubernetesStore}. */
export interface KubernetesStoreOptions {
  client: KubeClient;
  /** Take over existing Secrets certctl did not create (`--adopt`). */
  adopt: boolean;
  /** Attempts per write when the Secret keeps changing underneath (409); default 5. */
  maxAttempts?: number;
  /** Test seam: runs after the Secret was read and before the write is sent. */
  beforeWrite?: (target: SecretTarget, attempt: number) => Promise<void>;
  /** Items per LIST page when reading ahead (default 500). */
  pageSize?: number;
  /** Progress for `-v` (what was listed, fallbacks); never secret. */
  debug?: (message: string) => void;
}

/** The Kubernetes Secret store (`--store kubernetes`). */
export class KubernetesStore implements CertificateStore {
  readonly description: string;
  private readonly client: KubeClient;
  private readonly adopt: boolean;
  private readonly maxAttempts: number;
  private readonly beforeWrite?: (target: SecretTarget, attempt: number) => Promise<void>;
  private readonly pageSize?: number;
  private readonly debug?: (message: string) => void;
  /** What this run has read or written: each Secret is read from the API server at most once. */
  private snapshot = new SecretSnapshot();
  /** When the snapshot's first read ahead started. */
  private snapshotAt?: Date;
  /** What the last {@link prefetch} did. */
  lastPrefetch?: PrefetchReport;

  constructor(opts: KubernetesStoreOptions) {
    this.client = opts.client;
    this.pageSize = opts.pageSize;
    this.debug = opts.debug;
    this.adopt = opts.adopt;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.beforeWrite = opts.beforeWrite;
    this.description = `kubernetes:${opts.client.server}`;
  }

  /**
   * The certificate Secret, or undefined when there is none. A Secret certctl may not write (not its
   * own without adopt, wrong type, immutable) is an error here already, so nothing is ordered for it.
   */
  async read(t: SecretTarget): Promise<StoredCertificate | undefined> {
    const s = await this.getSecret(t);
    if (!s) return undefined;
    assertWritable(s, t, { adopt: this.adopt, tls: true });
    return storedFrom(s, t, location(t));
  }

  async write(t: SecretTarget, data: TlsData, record: CertificateRecord): Promise<WriteResult> {
    await this.upsert(t, true, (existing) => withCertificate(existing, t, data, record));
    const keys = ['tls.crt', 'tls.key', ...(data.caCrt ? ['ca.crt'] : [])];
    return { location: location(t), files: Object.fromEntries(keys.map((k) => [k, `${location(t)}, key ${k}`])) };
  }

  async writeStatus(t: SecretTarget, status: CertificateStatus): Promise<void> {
    await this.upsert(t, true, (existing) => withStatus(existing, t, status));
  }

  /** Data of any Secret (a CA key pair, DNS credentials, an ACME account key); no ownership needed to read. */
  async readSecretData(t: SecretTarget): Promise<Record<string, Buffer> | undefined> {
    const s = await this.getSecret(t);
    return s ? decodeData(s) : undefined;
  }

  /** Creates or updates an Opaque Secret (an ACME account key), labelled as certctl's. */
  async writeSecretData(t: SecretTarget, data: Record<string, Buffer>, opts: { remove?: readonly string[] } = {}): Promise<void> {
    await this.upsert(t, false, (existing) => withOpaqueData(existing, t, data, opts.remove));
  }

  /** Creates an Opaque Secret unless one exists (409): false then, and nothing is changed. */
  async createSecretData(t: SecretTarget, data: Record<string, Buffer>): Promise<boolean> {
    validate(t);
    const body = withOpaqueData(undefined, t, data);
    const res = await this.client.request<Secret>({ method: 'POST', path: `/api/v1/namespaces/${seg(t.namespace)}/secrets`, body, accept: [409] });
    if (res.status === 409) {
      this.snapshot.forget(t);
      return false;
    }
    this.snapshot.set(t, res.body);
    return true;
  }

  /**
   * Reads ahead, with a few paginated LISTs, the Secrets a run is about to read (see
   * {@link prefetchSecrets}); later reads of them send no request.
   */
  async prefetch(targets: SecretTarget[], opts: { staleBefore?: Date } = {}): Promise<void> {
    for (const t of targets) validate(t);
    if (opts.staleBefore && this.snapshotAt && this.snapshotAt < opts.staleBefore) {
      // Read before another run released the lock: what it wrote is not in here.
      this.debug?.('another run held the lock since the Secrets were read; reading them again');
      this.snapshot = new SecretSnapshot();
      this.snapshotAt = undefined;
    }
    this.snapshotAt ??= new Date();
    const r = await prefetchSecrets(this.client, this.snapshot, targets, { adopt: this.adopt, pageSize: this.pageSize, debug: this.debug });
    this.lastPrefetch = r;
    if (r.scope !== 'none') {
      this.debug?.(`read ${targets.length} Secret(s) ahead with ${r.requests} LIST request(s) (${r.scope === 'cluster' ? 'all namespaces' : 'per namespace'}): ${r.found} found, ${r.absent} absent, ${r.unknown} left to read one by one`);
    }
  }

  /**
   * Checks, before anything is ordered, that the credentials may get/create/update the target
   * Secrets (and the Lease), and that the namespaces exist; throws with the RBAC rules to add.
   */
  async preflight(targets: SecretTarget[], opts: PreflightOptions = {}): Promise<void> {
    for (const t of targets) validate(t);
    // The run reads these next anyway; a namespace with a Secret in it needs no existence check.
    await this.prefetch(targets);
    await preflight(this.client, targets, { ...opts, existingNamespaces: this.snapshot.namespacesSeen() });
  }

  /** From the snapshot when known, else one GET (remembered). */
  private async getSecret(t: SecretTarget): Promise<Secret | undefined> {
    validate(t);
    const known = this.snapshot.get(t);
    if (known !== undefined) return known ?? undefined;
    const s = await this.client.get<Secret>(secretPath(t));
    this.snapshot.set(t, s ?? null);
    return s;
  }

  /**
   * Read, check, merge, write; again on 409 (changed meanwhile) or 404 (deleted meanwhile). The
   * first attempt merges into what the run already read (its resourceVersion makes the write fail
   * with 409 if that is stale); a retry reads afresh.
   */
  private async upsert(t: SecretTarget, tls: boolean, build: (existing: Secret | undefined) => Secret): Promise<Secret> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) this.snapshot.forget(t);
      const existing = await this.getSecret(t);
      if (existing) assertWritable(existing, t, { adopt: this.adopt, tls });
      const body = build(existing);
      await this.beforeWrite?.(t, attempt);
      const res = existing
        ? await this.client.request<Secret>({ method: 'PUT', path: secretPath(t), body, accept: [404, 409] })
        : await this.client.request<Secret>({ method: 'POST', path: `/api/v1/namespaces/${seg(t.namespace)}/secrets`, body, accept: [409] });
      if (res.status !== 404 && res.status !== 409) {
        this.snapshot.set(t, res.body);
        return res.body;
      }
    }
    this.snapshot.forget(t);
    throw new StoreError(`Secret ${ref(t)} kept changing while certctl wrote it (${this.maxAttempts} conflicts in a row); nothing was overwritten, run again`);
  }
}

function validate(t: SecretTarget): void {
  assertSafeSegment(t.namespace, 'namespace');
  assertSafeSegment(t.secretName, 'secretName');
}

function secretPath(t: SecretTarget): string {
  return `/api/v1/namespaces/${seg(t.namespace)}/secrets/${seg(t.secretName)}`;
}

function location(t: SecretTarget): string {
  return `Secret ${ref(t)}`;
}
