import { parsePrivateKey } from '../pki/keys.js';
import { parseCertificateChain, type ParsedCertificate } from '../pki/parse.js';
import type { Dns01Options } from '../dns/dns01-options.js';
import type { IssuerResource } from '../spec/types.js';
import { checkCaKeyPair, createCaIssuer } from './ca.js';
import type { Issuer } from './issuer.js';
import { createSelfSignedIssuer } from './self-signed.js';

/** Looks up a Secret's data by namespace and name (inputs first, then the store). */
export type SecretLookup = (namespace: string, name: string) => Promise<{ data: Record<string, Buffer>; source: string } | undefined>;

export interface IssuerDeps {
  secrets: SecretLookup;
  /** Stores a Secret certctl creates for an issuer (an ACME account key). */
  saveSecret: (namespace: string, name: string, data: Record<string, Buffer>) => Promise<void>;
  /** Namespace holding the Secrets of this issuer (its own, or the cluster resource namespace). */
  secretNamespace: string;
  now: Date;
  dns01: Dns01Options;
  /** The environment providers and hooks see (passed in by the CLI). */
  env: Record<string, string | undefined>;
  /** Per-run memo (ACME sessions by account), so many certificates share one account lookup. */
  cache: Map<string, unknown>;
  /** Bound ServiceAccount tokens (Kubernetes TokenRequest), when certctl talks to a cluster. */
  serviceAccountToken?: (namespace: string, name: string, audiences: string[]) => Promise<string>;
}

/** Builds the signer for an Issuer or ClusterIssuer resource. */
export async function createIssuer(resource: IssuerResource, deps: IssuerDeps): Promise<Issuer> {
  const spec = resource.spec;
  switch (spec.type) {
    case 'selfSigned':
      return createSelfSignedIssuer();
    case 'ca': {
      const found = await deps.secrets(deps.secretNamespace, spec.ca.secretName);
      if (!found) throw new Error(`CA Secret ${deps.secretNamespace}/${spec.ca.secretName} not found`);
      const crt = found.data['tls.crt']?.toString('utf8');
      const keyPem = found.data['tls.key']?.toString('utf8');
      if (!crt || !keyPem) throw new Error(`${found.source} must hold tls.crt and tls.key`);
      const chain = dedupe([...parseCertificateChain(crt), ...(found.data['ca.crt'] ? parseCertificateChain(found.data['ca.crt'].toString('utf8')) : [])]);
      const pair = { chain, key: parsePrivateKey(keyPem).key, source: found.source };
      const problem = checkCaKeyPair(pair, deps.now);
      if (problem) throw new Error(problem);
      return createCaIssuer(pair);
    }
    case 'acme': {
      const { createAcmeIssuer } = await import('./acme/acme-issuer.js');
      return createAcmeIssuer(resource, spec.acme, deps);
    }
    default:
      throw new Error(`${resource.kind} ${resource.metadata.name}: not supported yet: spec.${spec.name}`);
  }
}

/** The CA's ca.crt usually repeats the top of tls.crt (a root's tls.crt and ca.crt are the same certificate). */
function dedupe(chain: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return chain.filter((c) => {
    const k = c.der.toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
