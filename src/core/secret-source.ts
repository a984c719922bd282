import type { CertificateStore } from '../stores/store.js';
import type { Manifests, SecretResource } from '../spec/types.js';

/** A Secret found for a reference: its data, where it came from (for messages), and its document when inline. */
export interface FoundSecret {
  data: Record<string, Buffer>;
  source: string;
  inline?: SecretResource;
}

/**
 * Resolves Secrets that resources refer to (CA key pairs, credentials, account keys): first the
 * `v1 Secret` documents given as input, then the store. Values are never logged.
 */
export class SecretSource {
  constructor(
    private readonly manifests: Manifests,
    private readonly store: CertificateStore,
  ) {}

  async get(namespace: string, name: string): Promise<FoundSecret | undefined> {
    const inline = this.manifests.secrets.get(`${namespace}/${name}`);
    if (inline) return { data: inline.data, source: `Secret ${namespace}/${name} (${inline.pos.file}:${inline.pos.line})`, inline };
    const stored = await this.store.readSecretData({ namespace, secretName: name });
    if (stored) return { data: stored, source: `Secret ${namespace}/${name} (${this.store.description})` };
    return undefined;
  }
}
