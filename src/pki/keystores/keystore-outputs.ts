/**
 * The one entry point for stores: given a Certificate's `keystores` and
 * `additionalOutputFormats`, the issued material and the resolved passwords, the extra Secret
 * data keys cert-manager would write, and their bytes.
 */
import { parsePrivateKey } from '../keys.js';
import { splitPem } from '../pem.js';
import { combinedPem, keyDerFromPem } from './output-formats.js';
import { encodeJksKeystore, encodeJksTruststore } from './jks.js';
import { jksKeystoreMatches, jksTruststoreMatches } from './jks-match.js';
import { encodePkcs12Keystore, encodePkcs12Truststore } from './pkcs12.js';
import type { RandomBytes } from './pkcs12-pbe.js';
import { pkcs12ProfileOrDefault } from './pkcs12-profiles.js';
import { pkcs12KeystoreMatches, pkcs12TruststoreMatches } from './pkcs12-replay.js';

/** cert-manager's Secret data keys for keystores and extra output formats (types.go). */
export const KEYSTORE_DATA_KEYS = {
  pkcs12Keystore: 'keystore.p12',
  pkcs12Truststore: 'truststore.p12',
  jksKeystore: 'keystore.jks',
  jksTruststore: 'truststore.jks',
  der: 'key.der',
  combinedPem: 'tls-combined.pem',
} as const;

/** Every data key {@link keystoreOutputs} may produce: a store removes those it did not return. */
export const ALL_KEYSTORE_DATA_KEYS: readonly string[] = Object.values(KEYSTORE_DATA_KEYS);

/** The parts of a Certificate `spec` this module reads (passwords are resolved by the caller). */
export interface KeystoreSpec {
  keystores?: {
    pkcs12?: { create: boolean; profile?: string };
    jks?: { create: boolean; alias?: string };
  };
  additionalOutputFormats?: readonly { type: string }[];
}

/** The Secret's own data as certctl writes it: `tls.key`, `tls.crt` and `ca.crt`. */
export interface KeystoreMaterial {
  privateKeyPem: string;
  certificatePem: string;
  /** Absent or empty when the issuer returned no CA; then no truststore is written. */
  caPem?: string;
}

/** Passwords from `password` or `passwordSecretRef`, resolved by the caller. */
export interface KeystorePasswords {
  pkcs12?: string;
  jks?: string;
}

/** Time, randomness, and the files already stored (so unchanged keystores keep their bytes). */
export interface KeystoreOutputOptions {
  /** Creation time of JKS entries. */
  now: Date;
  random?: RandomBytes;
  /**
   * The current values of these data keys, if any. A keystore that still matches the inputs
   * (same key, certificates, password, profile or alias) is returned unchanged instead of
   * being re-encoded with fresh salts, so a no-op run writes nothing new.
   */
  previous?: Readonly<Record<string, Buffer | undefined>>;
}

function certificates(pem: string, what: string): Buffer[] {
  const blocks = splitPem(pem).filter((b) => b.type === 'CERTIFICATE');
  if (blocks.length === 0) throw new Error(`${what} holds no certificate`);
  return blocks.map((b) => b.der);
}

function password(value: string | undefined, field: string): string {
  if (value === undefined) throw new Error(`${field}: no password was resolved from password or passwordSecretRef`);
  if (value.length === 0) throw new Error(`${field}: the password is empty`);
  return value;
}

/**
 * Returns the keystore and output-format data keys for `spec`, e.g. `keystore.p12` and
 * `truststore.p12` for `keystores.pkcs12.create: true` with a CA. Keys not returned must not
 * exist in the store. Throws one-line errors naming the field or data key, never a password.
 */
export function keystoreOutputs(spec: KeystoreSpec, material: KeystoreMaterial, passwords: KeystorePasswords, options: KeystoreOutputOptions): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const pkcs12 = spec.keystores?.pkcs12;
  const jks = spec.keystores?.jks;
  const formats = spec.additionalOutputFormats ?? [];
  const needsKeystore = Boolean(pkcs12?.create || jks?.create);
  const previous = options.previous ?? {};
  const reuse = (key: string, fits: (stored: Buffer) => boolean, encode: () => Buffer): void => {
    const stored = previous[key];
    try {
      out[key] = stored && fits(stored) ? stored : encode();
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`);
    }
  };

  if (needsKeystore) {
    const privateKey = parsePrivateKey(material.privateKeyPem).key;
    const chainDer = certificates(material.certificatePem, 'tls.crt');
    const caDer = material.caPem ? certificates(material.caPem, 'ca.crt') : [];
    if (pkcs12?.create) {
      const pw = password(passwords.pkcs12, 'spec.keystores.pkcs12');
      const profile = pkcs12ProfileOrDefault(pkcs12.profile);
      const ks = { privateKey, chainDer, caDer, password: pw, profile };
      reuse(KEYSTORE_DATA_KEYS.pkcs12Keystore, (s) => pkcs12KeystoreMatches(s, ks), () => encodePkcs12Keystore({ ...ks, random: options.random }));
      if (caDer.length > 0) {
        const ts = { caDer, password: pw, profile };
        reuse(KEYSTORE_DATA_KEYS.pkcs12Truststore, (s) => pkcs12TruststoreMatches(s, ts), () => encodePkcs12Truststore({ ...ts, random: options.random }));
      }
    }
    if (jks?.create) {
      const pw = password(passwords.jks, 'spec.keystores.jks');
      const ks = { privateKey, chainDer, caDer, password: pw, alias: jks.alias };
      reuse(KEYSTORE_DATA_KEYS.jksKeystore, (s) => jksKeystoreMatches(s, ks), () => encodeJksKeystore({ ...ks, now: options.now, random: options.random }));
      if (caDer.length > 0) {
        const ts = { caDer, password: pw };
        reuse(KEYSTORE_DATA_KEYS.jksTruststore, (s) => jksTruststoreMatches(s, ts), () => encodeJksTruststore({ ...ts, now: options.now }));
      }
    }
  }

  for (const { type } of formats) {
    if (type === 'DER') out[KEYSTORE_DATA_KEYS.der] = keyDerFromPem(material.privateKeyPem);
    else if (type === 'CombinedPEM') out[KEYSTORE_DATA_KEYS.combinedPem] = Buffer.from(combinedPem(material.privateKeyPem, material.certificatePem), 'utf8');
    else throw new Error(`spec.additionalOutputFormats: unknown type "${type}" (expected DER or CombinedPEM)`);
  }
  return out;
}
