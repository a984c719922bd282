/**
 * The ACME account key Secret, laid out as cert-manager lays it out (`privateKeySecretRef`, data
 * key `tls.key` unless `key` says otherwise) so a cluster and certctl can share one account, plus
 * one data key of certctl's own: `<key>.next`, the new key of an account key rollover, stored
 * before the CA is asked to switch and kept until the switch is stored too. cert-manager reads
 * only its own data key and ignores this one.
 */
import { describeKey, parsePrivateKey, type KeyAlgorithm } from '../../pki/keys.js';
import type { AcmeIssuerSpec } from '../../spec/types.js';
import type { SecretLookup } from '../registry.js';

/** Accounts are the same when server and key Secret (and data key) are: as cert-manager shares them. */
export function accountIdOf(spec: Pick<AcmeIssuerSpec, 'server' | 'privateKeySecretRef'>, secretNamespace: string): string {
  return `${spec.server}|${secretNamespace}/${spec.privateKeySecretRef.name}/${spec.privateKeySecretRef.key ?? 'tls.key'}`;
}

/** The data key that holds the new key while a rollover is in flight. */
function pendingKeyOf(dataKey: string): string {
  return `${dataKey}.next`;
}

/** What an account key Secret holds. Never printed: it holds private keys. */
export interface AccountKeySecret {
  namespace: string;
  name: string;
  /** `tls.key`, or `privateKeySecretRef.key`. */
  dataKey: string;
  /** {@link pendingKeyOf} `dataKey`. */
  pendingKey: string;
  /** The account key (PEM), when the Secret has one. */
  keyPem?: string;
  /** The new key of a rollover that may or may not have reached the CA. */
  pendingPem?: string;
  /** Every data key, so a rewrite keeps what others put in the Secret. */
  data: Record<string, Buffer>;
  /** For messages: `Secret ns/name (where)`. */
  source: string;
  /** Given as a manifest with -f: certctl reads it there and cannot rewrite it. */
  inline: boolean;
}

/** A private key as `account show` describes it: never the key itself. */
export interface KeyDescription {
  algorithm: KeyAlgorithm;
  /** RSA bits or EC curve size. */
  size: number;
}

/**
 * Reads the account key Secret of an ACME issuer. A key that is not a private key is an error
 * naming the Secret and its data key; a pending key that does not parse is ignored (certctl wrote
 * it whole, or not at all).
 */
export async function readAccountKeySecret(spec: Pick<AcmeIssuerSpec, 'privateKeySecretRef'>, namespace: string, secrets: SecretLookup): Promise<AccountKeySecret> {
  const ref = spec.privateKeySecretRef;
  const dataKey = ref.key ?? 'tls.key';
  const pendingKey = pendingKeyOf(dataKey);
  const found = await secrets(namespace, ref.name);
  const data = found?.data ?? {};
  const keyPem = nonEmpty(data[dataKey]);
  if (keyPem) {
    try {
      parsePrivateKey(keyPem);
    } catch (err) {
      throw new Error(`ACME account key in ${found!.source} (key ${dataKey}) is not a private key: ${(err as Error).message}`);
    }
  }
  let pendingPem = nonEmpty(data[pendingKey]);
  if (pendingPem) {
    try {
      parsePrivateKey(pendingPem);
    } catch {
      pendingPem = undefined;
    }
  }
  return {
    namespace,
    name: ref.name,
    dataKey,
    pendingKey,
    ...(keyPem ? { keyPem } : {}),
    ...(pendingPem && pendingPem !== keyPem ? { pendingPem } : {}),
    data,
    source: found?.source ?? `Secret ${namespace}/${ref.name}`,
    inline: Boolean(found?.inline),
  };
}

/** Algorithm and size of a PEM private key. */
export function describeKeyPem(pem: string): KeyDescription {
  return describeKey(parsePrivateKey(pem).key);
}

function nonEmpty(b: Buffer | undefined): string | undefined {
  const text = b?.toString('utf8');
  return text && text.trim() ? text : undefined;
}
