/**
 * Every Secret a `vault` issuer reads, with the data key it reads and where the reference is
 * written, so planning can check they exist and input checks can check their values.
 */
import type { SecretKeySelector, VaultIssuerSpec } from '../../spec/types.js';

/** What one Secret entry is for, to name it in messages. */
export type VaultSecretRole = 'caBundle' | 'clientCert' | 'clientKey' | 'token' | 'appRoleSecretId' | 'kubernetesJwt' | 'authCert' | 'authKey';

/** One Secret entry an issuer reads. */
export interface VaultSecretRef extends SecretKeySelector {
  /** The key read (cert-manager's default applied). */
  key: string;
  role: VaultSecretRole;
}

/** The Secret entries `spec` reads, in the order cert-manager reads them. */
export function vaultSecretRefs(spec: VaultIssuerSpec): VaultSecretRef[] {
  const out: VaultSecretRef[] = [];
  const add = (ref: SecretKeySelector | undefined, defaultKey: string, role: VaultSecretRole): void => {
    if (ref) out.push({ ...ref, key: ref.key || defaultKey, role });
  };
  add(spec.caBundleSecretRef, 'ca.crt', 'caBundle');
  add(spec.clientCertSecretRef, 'tls.crt', 'clientCert');
  add(spec.clientKeySecretRef, 'tls.key', 'clientKey');
  const a = spec.auth;
  if (a.method === 'token') add(a.tokenSecretRef, 'token', 'token');
  if (a.method === 'appRole') add(a.secretRef, '', 'appRoleSecretId');
  if (a.method === 'kubernetes') add(a.secretRef, 'token', 'kubernetesJwt');
  if (a.method === 'clientCertificate' && a.secretName) {
    const at = { name: a.secretName, pos: a.pos, path: `${a.path}.secretName` };
    add(at, 'tls.crt', 'authCert');
    add(at, 'tls.key', 'authKey');
  }
  return out;
}

/** How a role's entry is described in messages. */
export const VAULT_SECRET_PURPOSE: Record<VaultSecretRole, string> = {
  caBundle: 'the CA bundle for the Vault server',
  clientCert: 'the client certificate for mTLS to Vault',
  clientKey: 'the client key for mTLS to Vault',
  token: 'the Vault token',
  appRoleSecretId: 'the AppRole secret_id',
  kubernetesJwt: 'the ServiceAccount token for Vault Kubernetes auth',
  authCert: 'the client certificate for Vault TLS certificate auth',
  authKey: 'the client key for Vault TLS certificate auth',
};
