/**
 * Reading a `vault` issuer's Secrets, and the checks on their values that need no server: a CA
 * bundle with certificates, a client certificate whose key matches. The same functions serve the
 * input checks (before anything is contacted) and the issuer itself.
 */
import type { KeyObject } from 'node:crypto';
import { certificateMatchesKey } from '../../pki/chain.js';
import { isEncryptedKeyPem, parsePrivateKey } from '../../pki/keys.js';
import { parseCertificateChain } from '../../pki/parse.js';
import type { ParsedCertificate } from '../../pki/parse.js';
import { countPemCertificates } from '../../spec/encoding.js';
import type { SecretLookup } from '../registry.js';
import type { VaultSecretRef } from './secret-refs.js';
import { VAULT_SECRET_PURPOSE } from './secret-refs.js';

/** A Secret entry that is missing or unusable, naming the Secret and key (never the value). */
export class VaultSecretError extends Error {
  override name = 'VaultSecretError';
  constructor(
    message: string,
    readonly ref: VaultSecretRef,
  ) {
    super(message);
  }
}

/** Reads one entry; throws VaultSecretError when the Secret or the key is missing or the value is empty. */
export async function readVaultSecret(secrets: SecretLookup, namespace: string, ref: VaultSecretRef): Promise<Buffer> {
  const found = await secrets(namespace, ref.name);
  if (!found) throw new VaultSecretError(`Secret ${namespace}/${ref.name} not found (${VAULT_SECRET_PURPOSE[ref.role]}, ${ref.path})`, ref);
  const value = found.data[ref.key];
  if (value === undefined) throw new VaultSecretError(`${found.source} has no key ${JSON.stringify(ref.key)} (${VAULT_SECRET_PURPOSE[ref.role]}, ${ref.path})`, ref);
  if (value.toString('utf8').trim() === '') throw new VaultSecretError(`${found.source} key ${JSON.stringify(ref.key)} is empty (${VAULT_SECRET_PURPOSE[ref.role]}, ${ref.path})`, ref);
  return value;
}

/** A PEM bundle with at least one certificate (Go's AppendCertsFromPEM must accept it), or a message. */
export function caBundleProblem(pem: string): string | undefined {
  return countPemCertificates(pem) === 0 ? 'holds no PEM certificate' : undefined;
}

/** A client certificate and key that belong together (Go's tls.X509KeyPair), or a message. */
export function keyPairProblem(certPem: string, keyPem: string): { message: string; part: 'cert' | 'key' } | undefined {
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificateChain(certPem)[0]!;
  } catch (err) {
    return { message: `is not a PEM certificate: ${(err as Error).message}`, part: 'cert' };
  }
  if (isEncryptedKeyPem(keyPem)) return { message: 'the private key is encrypted; it must be an unencrypted PEM key', part: 'key' };
  let key: KeyObject;
  try {
    key = parsePrivateKey(keyPem).key;
  } catch (err) {
    return { message: `is not a private key: ${(err as Error).message}`, part: 'key' };
  }
  if (!certificateMatchesKey(leaf, key)) return { message: 'the private key does not match the certificate', part: 'key' };
  return undefined;
}
