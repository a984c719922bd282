/**
 * Keystores and extra output formats exactly as cert-manager writes them: PKCS#12 (four
 * profiles), JKS, `tls-combined.pem` and `key.der`. Pure functions: no I/O, time and
 * randomness come in as arguments.
 */
export { keystoreOutputs, KEYSTORE_DATA_KEYS, ALL_KEYSTORE_DATA_KEYS } from './keystore-outputs.js';
export type { KeystoreSpec, KeystoreMaterial, KeystorePasswords, KeystoreOutputOptions } from './keystore-outputs.js';
export { encodePkcs12Keystore, encodePkcs12Truststore } from './pkcs12.js';
export type { Pkcs12KeystoreInput, Pkcs12TruststoreInput, RandomBytes } from './pkcs12.js';
export { PKCS12_PROFILES, PKCS12_PROFILE_PARAMETERS, pkcs12ProfileOrDefault } from './pkcs12-profiles.js';
export type { Pkcs12Profile, Pkcs12ProfileParameters } from './pkcs12-profiles.js';
export { pkcs12KeystoreMatches, pkcs12TruststoreMatches } from './pkcs12-replay.js';
export { encodeJksKeystore, encodeJksTruststore, DEFAULT_JKS_ALIAS, jksCaAlias } from './jks.js';
export type { JksKeystoreInput, JksTruststoreInput } from './jks.js';
export { jksKeystoreMatches, jksTruststoreMatches } from './jks-match.js';
export { combinedPem, keyDer, keyDerFromPem } from './output-formats.js';
export { KeystorePasswordError } from './passwords.js';
