import type { CertificateStore } from '../stores/store.js';
import type { Manifests } from '../spec/types.js';

/**
 * Resolves Secrets that resources refer to (CA key pairs, credentials, account keys): first the
 * `v1 Secret` documents given as input, then the store. Values are never logged.
 */
export class SecretSource {
  constructor(
    private readonly manifests: Manifests,
    private readonly store: CertificateStore,
  ) {}

  /** True when the Secret is given inline in the inputs. */
  isInline(namespace: string, name: string): boolean {
    return this.manifests.secrets.has(`${namespace}/${name}`);
  }

  async get(namespace: string, name: string): Promise<{ data: Record<string, Buffer>; source: string } | undefined> {
    const inline = this.manifests.secrets.get(`${namespace}/${name}`);
    if (inline) return { data: inline.data, source: `Secret ${namespace}/${name} (${inline.pos.file}:${inline.pos.line})` };
    const stored = await this.store.readSecretData({ namespace, secretName: name });
    if (stored) return { data: stored, source: `Secret ${namespace}/${name} (${this.store.description})` };
    return undefined;
  }
}
