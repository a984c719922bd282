/**
 * The issuers of one run: one per Issuer or ClusterIssuer resource, built on first use and shared
 * by every Certificate that names it, with the ACME services (accounts, DNS, providers) shared by
 * all ACME issuers of the run. Nothing here outlives the run.
 */
import { issuerKey } from '../spec/types.js';
import type { IssuerResource } from '../spec/types.js';
import { memo } from '../shared/memo.js';
import { createCaIssuer, loadCaKeyPair } from './ca.js';
import type { Issuer } from './issuer.js';
import { createSelfSignedIssuer } from './self-signed.js';
import { AcmeRunServices, type AcmeRunOptions } from './acme/run-services.js';
import type { AcmeBudgetSettings } from './acme/rate-budget.js';

/** Looks up a Secret's data by namespace and name (inputs first, then the store). */
export type SecretLookup = (namespace: string, name: string) => Promise<{ data: Record<string, Buffer>; source: string; /** Set when the Secret came with the manifests (-f), not from the store. */ inline?: unknown } | undefined>;

/** What one issuer needs to reach its Secrets. */
export interface IssuerDeps {
  secrets: SecretLookup;
  /** Stores a Secret certctl creates for an issuer (an ACME account key), dropping the `remove` data keys. */
  saveSecret: (namespace: string, name: string, data: Record<string, Buffer>, remove?: readonly string[]) => Promise<void>;
  /** Creates a Secret only if there is none (false then); undefined when the store cannot. */
  createSecret?: (namespace: string, name: string, data: Record<string, Buffer>) => Promise<boolean>;
  /** Namespace holding the Secrets of this issuer (its own, or the cluster resource namespace). */
  secretNamespace: string;
}

/** The run-wide options of the ACME issuers (AcmeRunOptions), plus what every issuer needs. */
export interface RegistryOptions extends Omit<AcmeRunOptions, 'budgets'> {
  secrets: SecretLookup;
  saveSecret: IssuerDeps['saveSecret'];
  createSecret?: IssuerDeps['createSecret'];
  /** cert-manager's --cluster-resource-namespace: where a ClusterIssuer's Secrets are. */
  clusterResourceNamespace: string;
  clock: () => Date;
  /** ACME CA rate-limit budgets (see RateBudget). */
  acmeBudgets?: AcmeBudgetSettings;
}

/** The namespace an issuer's Secrets live in: its own for an Issuer, the cluster resource namespace for a ClusterIssuer. */
export function secretNamespaceOf(issuer: IssuerResource, clusterResourceNamespace: string): string {
  return issuer.kind === 'ClusterIssuer' ? clusterResourceNamespace : issuer.metadata.namespace;
}

export class IssuerRegistry {
  private readonly issuers = new Map<string, Promise<Issuer>>();
  private acme?: AcmeRunServices;

  constructor(private readonly opts: RegistryOptions) {}

  /** The issuer for `resource`; a `ca` issuer reads and checks its CA Secret here (throws CaSecretError). */
  issuerFor(resource: IssuerResource): Promise<Issuer> {
    return memo(this.issuers, this.keyOf(resource), () => this.create(resource));
  }

  /**
   * Forgets issuers built from the Secret `namespace/name`, which this run just rewrote (a CA
   * re-issued before the leaves it signs): they are rebuilt from the new key pair.
   */
  secretWritten(namespace: string, name: string): void {
    for (const key of [...this.issuers.keys()]) {
      const [kind, , secret] = key.split('|');
      if (kind === 'ca' && secret === `${namespace}/${name}`) this.issuers.delete(key);
    }
  }

  /** Closes every issuer built this run (a Vault token certctl created is revoked); never throws. */
  async close(): Promise<void> {
    const built = [...this.issuers.values()];
    this.issuers.clear();
    await Promise.all(
      built.map(async (p) => {
        const issuer = await p.catch(() => undefined);
        await issuer?.close?.().catch((err: Error) => this.opts.debug(`closing an issuer: ${err.message}`));
      }),
    );
  }

  /** Memo key; for `ca` issuers it names the CA Secret, so a rewrite of that Secret can drop it. */
  private keyOf(r: IssuerResource): string {
    const id = issuerKey(r.kind, r.metadata.namespace, r.metadata.name);
    if (r.spec.type !== 'ca') return `other|${id}`;
    return `ca|${id}|${secretNamespaceOf(r, this.opts.clusterResourceNamespace)}/${r.spec.ca.secretName}`;
  }

  private async create(resource: IssuerResource): Promise<Issuer> {
    const spec = resource.spec;
    const secretNamespace = secretNamespaceOf(resource, this.opts.clusterResourceNamespace);
    switch (spec.type) {
      case 'selfSigned':
        return createSelfSignedIssuer(spec.selfSigned);
      case 'ca': {
        const found = await this.opts.secrets(secretNamespace, spec.ca.secretName);
        if (!found) throw new Error(`CA Secret ${secretNamespace}/${spec.ca.secretName} not found`);
        return createCaIssuer(loadCaKeyPair(found.data, found.source, this.opts.clock()), spec.ca);
      }
      case 'acme': {
        const { createAcmeIssuer } = await import('./acme/acme-issuer.js');
        this.acme ??= new AcmeRunServices({
          dns01: this.opts.dns01,
          http01: this.opts.http01,
          env: this.opts.env,
          serviceAccountToken: this.opts.serviceAccountToken,
          runCommand: this.opts.runCommand,
          debug: this.opts.debug,
          userAgent: this.opts.userAgent,
          budgets: this.opts.acmeBudgets,
          orderHistory: this.opts.orderHistory,
        });
        return createAcmeIssuer(resource, spec.acme, { secrets: this.opts.secrets, saveSecret: this.opts.saveSecret, createSecret: this.opts.createSecret, secretNamespace, services: this.acme });
      }
      case 'vault': {
        const { createVaultIssuer } = await import('./vault/vault-issuer.js');
        const tokens = this.opts.serviceAccountToken;
        return createVaultIssuer(resource, spec.vault, {
          secrets: this.opts.secrets,
          saveSecret: this.opts.saveSecret,
          secretNamespace,
          env: this.opts.env,
          clock: this.opts.clock,
          debug: this.opts.debug,
          ...(tokens ? { serviceAccountToken: (name: string, audiences: string[]) => tokens(secretNamespace, name, audiences) } : {}),
        });
      }
      default:
        throw new Error(`${resource.kind} ${resource.metadata.name}: not supported yet: spec.${spec.name}`);
    }
  }
}
