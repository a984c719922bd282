/**
 * JKS keystores and truststores with the entries cert-manager writes to `keystore.jks` and
 * `truststore.jks`: a private key entry under the alias (default `certificate`) with the full
 * chain, and the CA certificates as trusted entries `ca`, `ca-1`, `ca-2`…
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { protectJksKey } from './jks-key-protector.js';
import { writeJks } from './jks-format.js';
import type { JksEntry } from './jks-format.js';
import { jksPassword, KeystorePasswordError } from './passwords.js';
import type { RandomBytes } from './pkcs12-pbe.js';

/** cert-manager's default `keystores.jks.alias`. */
export const DEFAULT_JKS_ALIAS = 'certificate';

/** The certificate type string keystore-go (and so cert-manager) writes; Java accepts it. */
const CERT_TYPE = 'X509';

/** Input of {@link encodeJksKeystore}. */
export interface JksKeystoreInput {
  privateKey: KeyObject;
  /** The issued chain as in `tls.crt`, leaf first. */
  chainDer: readonly Buffer[];
  caDer?: readonly Buffer[];
  password: string;
  /** Default `certificate`. Stored lowercased, as JKS (and keystore-go) store every alias. */
  alias?: string;
  /** Creation time recorded in each entry. */
  now: Date;
  random?: RandomBytes;
}

/** Input of {@link encodeJksTruststore}. */
export interface JksTruststoreInput {
  caDer: readonly Buffer[];
  password: string;
  now: Date;
}

/** The alias cert-manager gives the i-th CA certificate. */
export function jksCaAlias(i: number): string {
  return i === 0 ? 'ca' : `ca-${i}`;
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new KeystorePasswordError('JKS keystore password must not be empty');
}

function createdMs(now: Date): bigint {
  const ms = now.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new Error('JKS creation time must be a valid Date after 1970');
  return BigInt(Math.floor(ms));
}

function trustedEntries(caDer: readonly Buffer[], time: bigint): JksEntry[] {
  return caDer.map((der, i) => ({ kind: 'trustedCert', alias: jksCaAlias(i), createdMs: time, cert: { type: CERT_TYPE, der } }));
}

/**
 * `keystore.jks`. The key is stored as PKCS#8 under Sun's key protector with the store
 * password, like cert-manager. An alias that collides with a CA entry's alias is refused:
 * cert-manager would silently replace the key entry with the CA and write a keystore without
 * a key.
 */
export function encodeJksKeystore(input: JksKeystoreInput): Buffer {
  checkPassword(input.password);
  if (input.chainDer.length === 0) throw new Error('JKS keystore: the certificate chain is empty');
  const alias = (input.alias ?? DEFAULT_JKS_ALIAS).toLowerCase();
  if (alias.length === 0) throw new Error('JKS keystore: alias must not be empty');
  const caDer = input.caDer ?? [];
  if (caDer.some((_, i) => jksCaAlias(i) === alias)) {
    throw new Error(`JKS keystore: alias "${alias}" is also the alias of a CA certificate entry; choose another alias`);
  }
  const time = createdMs(input.now);
  const password = jksPassword(input.password);
  const pkcs8 = input.privateKey.export({ format: 'der', type: 'pkcs8' });
  const salt = (input.random ?? randomBytes)(20);
  const keyEntry: JksEntry = {
    kind: 'privateKey',
    alias,
    createdMs: time,
    protectedKey: protectJksKey(pkcs8, password, salt),
    chain: input.chainDer.map((der) => ({ type: CERT_TYPE, der })),
  };
  return writeJks([keyEntry, ...trustedEntries(caDer, time)], password);
}

/** `truststore.jks`: the CA certificates as trusted entries `ca`, `ca-1`… */
export function encodeJksTruststore(input: JksTruststoreInput): Buffer {
  checkPassword(input.password);
  if (input.caDer.length === 0) throw new Error('JKS truststore: no CA certificates');
  return writeJks(trustedEntries(input.caDer, createdMs(input.now)), jksPassword(input.password));
}
