/**
 * DNS wire protocol: message codec, TSIG and transport. Import from here rather than from the
 * individual modules.
 */
export * from './constants.js';
export * from './errors.js';
export { ancestors, isSubdomain, namesEqual, normalizeName } from './name.js';
export { createQuery, createUpdate, decodeMessage, ednsRecord, encodeMessage } from './message.js';
export { txtStrings, txtValue } from './rdata.js';
export { parseTsigAlgorithm, signMessage, verifyResponse, TSIG_FUDGE } from './tsig.js';
export type { SignOptions, TsigAlgorithm, TsigKey } from './tsig.js';
export { exchange, formatEndpoint } from './transport.js';
export type { Endpoint, ExchangeOptions } from './transport.js';
export type * from './types.js';
