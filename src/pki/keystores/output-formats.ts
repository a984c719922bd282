/**
 * cert-manager's `additionalOutputFormats`: `CombinedPEM` (`tls-combined.pem`) and `DER`
 * (`key.der`), byte for byte as its OutputFormatCombinedPEM and OutputFormatDER write them.
 */
import type { KeyObject } from 'node:crypto';
import { describeKey } from '../keys.js';
import type { KeyEncoding } from '../keys.js';
import { splitPem } from '../pem.js';

/**
 * `tls-combined.pem`: the `tls.key` PEM, a newline, then the `tls.crt` PEM (Go's
 * `bytes.Join([key, crt], "\n")`, so a blank line separates them when the key ends in one).
 */
export function combinedPem(keyPem: string, chainPem: string): string {
  return `${keyPem}\n${chainPem}`;
}

/**
 * `key.der` from the `tls.key` PEM: the DER body of its first PEM block, which is PKCS#1 or
 * SEC 1 for the PKCS1 encoding and PKCS#8 for PKCS8 (and always for Ed25519).
 */
export function keyDerFromPem(keyPem: string): Buffer {
  const first = splitPem(keyPem)[0];
  if (!first) throw new Error('key.der: the private key PEM has no PEM block');
  return first.der;
}

/** `key.der` for a key and cert-manager `privateKey.encoding`, as `keyDerFromPem` would give. */
export function keyDer(privateKey: KeyObject, encoding: KeyEncoding): Buffer {
  const { algorithm } = describeKey(privateKey);
  let type: 'pkcs1' | 'sec1' | 'pkcs8' = 'pkcs8';
  if (encoding === 'PKCS1' && algorithm === 'RSA') type = 'pkcs1';
  if (encoding === 'PKCS1' && algorithm === 'ECDSA') type = 'sec1';
  return privateKey.export({ format: 'der', type });
}
