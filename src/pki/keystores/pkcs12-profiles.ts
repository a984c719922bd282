/**
 * cert-manager's `keystores.pkcs12.profile` values and the exact parameters of the go-pkcs12
 * encoder each one selects (go-pkcs12 v0.7.2, as vendored by cert-manager v1.21.1).
 */
import type { MacName } from './pkcs12-mac.js';
import type { PbeSchemeName } from './pkcs12-pbe.js';

/** The profiles, in the order cert-manager documents them. */
export const PKCS12_PROFILES = ['LegacyRC2', 'LegacyDES', 'Modern2023', 'Modern2026'] as const;

/** One of {@link PKCS12_PROFILES}. */
export type Pkcs12Profile = (typeof PKCS12_PROFILES)[number];

/** What a profile encrypts with and how it authenticates the file. */
export interface Pkcs12ProfileParameters {
  /** Encryption of the SafeContents that holds the certificates. */
  certificates: PbeSchemeName;
  /** Encryption of the PKCS#8 shrouded key bag. */
  key: PbeSchemeName;
  encryptionIterations: number;
  mac: MacName;
  macIterations: number;
  /** Length of every salt: encryption salts and the MAC salt. */
  saltLength: number;
}

/** The table behind cert-manager's profiles. */
export const PKCS12_PROFILE_PARAMETERS: Readonly<Record<Pkcs12Profile, Pkcs12ProfileParameters>> = {
  LegacyRC2: { certificates: 'pbeWithSHA1And40BitRC2', key: 'pbeWithSHA1And3DES', encryptionIterations: 2048, mac: 'HMAC-SHA1', macIterations: 1, saltLength: 8 },
  LegacyDES: { certificates: 'pbeWithSHA1And3DES', key: 'pbeWithSHA1And3DES', encryptionIterations: 2048, mac: 'HMAC-SHA1', macIterations: 1, saltLength: 8 },
  Modern2023: {
    certificates: 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC',
    key: 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC',
    encryptionIterations: 2048,
    mac: 'HMAC-SHA256',
    macIterations: 2048,
    saltLength: 16,
  },
  Modern2026: {
    certificates: 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC',
    key: 'pbes2-PBKDF2-HMAC-SHA256-AES256CBC',
    encryptionIterations: 2048,
    mac: 'PBMAC1-HMAC-SHA256',
    macIterations: 2048,
    saltLength: 16,
  },
};

/**
 * The profile cert-manager encodes with for a `profile` field value: an absent, empty or
 * unknown value means LegacyRC2 (the `default:` branch of cert-manager's encoder switch).
 */
export function pkcs12ProfileOrDefault(value: string | undefined): Pkcs12Profile {
  return (PKCS12_PROFILES as readonly string[]).includes(value ?? '') ? (value as Pkcs12Profile) : 'LegacyRC2';
}
