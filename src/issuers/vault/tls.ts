/**
 * The TLS identity certctl uses with one Vault server, as cert-manager builds it: the CA bundle
 * (inline or from a Secret, replacing the system roots), serverName, and the mTLS client
 * certificate and key from Secrets; plus, for TLS certificate auth with `secretName`, the login
 * identity from that `kubernetes.io/tls` Secret.
 */
import type { VaultIssuerSpec } from '../../spec/types.js';
import type { SecretLookup } from '../registry.js';
import type { VaultClientOptions } from './client.js';
import { vaultSecretRefs } from './secret-refs.js';
import type { VaultSecretRef } from './secret-refs.js';
import { caBundleProblem, keyPairProblem, readVaultSecret, VaultSecretError } from './secrets.js';

/** The TLS identities of one issuer. */
export interface VaultTls {
  /** For every request. */
  main: VaultClientOptions['tls'];
  /** For the TLS certificate auth login only (its `secretName`), when set. */
  login?: VaultClientOptions['tls'];
}

/** Loads and checks every TLS input; throws VaultSecretError naming the Secret and key. */
export async function loadVaultTls(spec: VaultIssuerSpec, secrets: SecretLookup, namespace: string): Promise<VaultTls> {
  const refs = vaultSecretRefs(spec);
  const ref = (role: VaultSecretRef['role']): VaultSecretRef | undefined => refs.find((r) => r.role === role);
  const read = async (r: VaultSecretRef): Promise<string> => (await readVaultSecret(secrets, namespace, r)).toString('utf8');
  const main: VaultClientOptions['tls'] = {};
  if (spec.serverName) main.servername = spec.serverName;

  const caRef = ref('caBundle');
  const ca = spec.caBundle ?? (caRef ? await read(caRef) : undefined);
  if (ca !== undefined) {
    const problem = caBundleProblem(ca);
    if (problem) throw caRef ? new VaultSecretError(`Secret ${namespace}/${caRef.name} key ${JSON.stringify(caRef.key)} ${problem} (no Vault CA bundles loaded)`, caRef) : new Error(`spec.vault.caBundle ${problem}`);
    main.ca = ca;
  }
  const certRef = ref('clientCert');
  const keyRef = ref('clientKey');
  if (certRef && keyRef) {
    const pair = await keyPair(certRef, keyRef, read, namespace);
    main.cert = pair.cert;
    main.key = pair.key;
  }
  const authCert = ref('authCert');
  const authKey = ref('authKey');
  if (!authCert || !authKey) return { main };
  const pair = await keyPair(authCert, authKey, read, namespace);
  return { main, login: { ...main, cert: pair.cert, key: pair.key } };
}

async function keyPair(certRef: VaultSecretRef, keyRef: VaultSecretRef, read: (r: VaultSecretRef) => Promise<string>, namespace: string): Promise<{ cert: string; key: string }> {
  const cert = await read(certRef);
  const key = await read(keyRef);
  const problem = keyPairProblem(cert, key);
  if (problem) {
    const at = problem.part === 'cert' ? certRef : keyRef;
    throw new VaultSecretError(`Secret ${namespace}/${at.name} key ${JSON.stringify(at.key)}: ${problem.message}`, at);
  }
  return { cert, key };
}
