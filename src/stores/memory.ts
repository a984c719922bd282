import type { CertificateRecord, CertificateStatus } from './records.js';
import type { CertificateStore, SecretTarget, StoredCertificate, TlsData, WriteResult } from './store.js';

/** One Secret as a Kubernetes manifest object (data base64). */
export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type: string;
  data: Record<string, string>;
}

/**
 * `--store none`: keeps what a run writes in memory (so a CA issued in the run can sign the
 * leaves) and hands it back as Secret manifests to print, exactly as cert-manager would have
 * written them; nothing is read from or written to disk or a cluster.
 */
export class MemoryStore implements CertificateStore {
  readonly description = 'memory (--store none)';
  private readonly secrets = new Map<string, SecretManifest>();

  async read(target: SecretTarget): Promise<StoredCertificate | undefined> {
    const s = this.secrets.get(key(target));
    if (!s) return undefined;
    const get = (k: string): string | undefined => (s.data[k] ? Buffer.from(s.data[k], 'base64').toString('utf8') : undefined);
    return { data: { tlsCrt: get('tls.crt'), tlsKey: get('tls.key'), caCrt: get('ca.crt') }, location: `Secret ${key(target)}` };
  }

  async write(target: SecretTarget, data: TlsData, record: CertificateRecord): Promise<WriteResult> {
    const b64 = (t: string): string => Buffer.from(t).toString('base64');
    this.secrets.set(key(target), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: target.secretName, namespace: target.namespace, labels: record.secret.labels, annotations: record.secret.annotations },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(data.tlsCrt), 'tls.key': b64(data.tlsKey), ...(data.caCrt ? { 'ca.crt': b64(data.caCrt) } : {}) },
    });
    return { location: `Secret ${key(target)}`, files: {} };
  }

  async writeStatus(_target: SecretTarget, _status: CertificateStatus): Promise<void> {
    // Nothing persists between runs of --store none; there is no status to keep.
  }

  async readSecretData(target: SecretTarget): Promise<Record<string, Buffer> | undefined> {
    const s = this.secrets.get(key(target));
    if (!s) return undefined;
    return Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  }

  async writeSecretData(target: SecretTarget, data: Record<string, Buffer>): Promise<void> {
    this.secrets.set(key(target), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: target.secretName, namespace: target.namespace, labels: { 'app.kubernetes.io/managed-by': 'certctl' } },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
    });
  }

  /** Everything written, in write order. */
  manifests(): SecretManifest[] {
    return [...this.secrets.values()];
  }
}

function key(t: SecretTarget): string {
  return `${t.namespace}/${t.secretName}`;
}
