/**
 * Public surface of `src/pki`: keys, names, usages, certificates, CSRs and parsing, built on
 * Node's own crypto plus a small DER codec. Importing the individual files works too.
 */
export * from './keys.js';
export * from './names.js';
export * from './usages.js';
export * from './certificate.js';
export * from './csr.js';
export * from './parse.js';
export * from './chain.js';
export * from './pem.js';
export * from '../shared/ip.js';
export type { SignatureAlgorithmName } from './signature.js';
export type { RawExtension, SubjectAltNames } from './extensions.js';
