import type { CertificateRecord, CertificateStatus } from './records.js';
import { decodeData, ref, storedFrom, withCertificate, withOpaqueData } from './secret-layout.js';
import type { Secret } from './kubernetes/types.js';
import type { CertificateStore, SecretTarget, StoredCertificate, TlsData, WriteResult } from './store.js';

/** One Secret as a Kubernetes manifest object (data base64). */
export type SecretManifest = Secret;

/**
 * `--store none`: keeps what a run writes in memory (so a CA issued in the run can sign the leaves)
 * and hands it back as Secret manifests to print. The Secrets are built by the same layout code as
 * the Kubernetes store's, record annotations and all, so `kubectl apply` of the output followed by
 * `certctl renew --store kubernetes` manages them without `--adopt`.
 */
export class MemoryStore implements CertificateStore {
  readonly description = 'memory (--store none)';
  private readonly secrets = new Map<string, Secret>();
  /** Kept apart from the printed Secrets: failures and ACME journals are this process's business. */
  private readonly statuses = new Map<string, CertificateStatus>();

  async read(target: SecretTarget): Promise<StoredCertificate | undefined> {
    const s = this.secrets.get(ref(target));
    const status = this.statuses.get(ref(target));
    if (!s) return status ? { data: {}, status, location: `Secret ${ref(target)}` } : undefined;
    return { ...storedFrom(s, target, `Secret ${ref(target)}`), status };
  }

  async write(target: SecretTarget, data: TlsData, record: CertificateRecord): Promise<WriteResult> {
    this.secrets.set(ref(target), withCertificate(this.secrets.get(ref(target)), target, data, record));
    return { location: `Secret ${ref(target)}`, files: {} };
  }

  async writeStatus(target: SecretTarget, status: CertificateStatus): Promise<void> {
    this.statuses.set(ref(target), structuredClone(status));
  }

  async readSecretData(target: SecretTarget): Promise<Record<string, Buffer> | undefined> {
    const s = this.secrets.get(ref(target));
    return s ? decodeData(s) : undefined;
  }

  async writeSecretData(target: SecretTarget, data: Record<string, Buffer>, opts: { remove?: readonly string[] } = {}): Promise<void> {
    this.secrets.set(ref(target), withOpaqueData(this.secrets.get(ref(target)), target, data, opts.remove));
  }

  async createSecretData(target: SecretTarget, data: Record<string, Buffer>): Promise<boolean> {
    if (this.secrets.has(ref(target))) return false;
    await this.writeSecretData(target, data);
    return true;
  }

  /** Everything written, in write order, ready to print. */
  manifests(): SecretManifest[] {
    return [...this.secrets.values()];
  }
}
