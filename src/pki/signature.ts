/**
 * Signature algorithm choice and signing for certificates and CSRs, with `crypto.sign`.
 */
import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { nullValue, oid, seq } from './der.js';
import { describeKey } from './keys.js';
import type { KeyAlgorithm } from './keys.js';

/** cert-manager's `spec.signatureAlgorithm` values. */
export type SignatureAlgorithmName =
  | 'SHA256WithRSA'
  | 'SHA384WithRSA'
  | 'SHA512WithRSA'
  | 'ECDSAWithSHA256'
  | 'ECDSAWithSHA384'
  | 'ECDSAWithSHA512'
  | 'PureEd25519';

interface AlgorithmInfo {
  oid: string;
  hash: string | null;
  key: KeyAlgorithm;
}

const ALGORITHMS: Readonly<Record<SignatureAlgorithmName, AlgorithmInfo>> = {
  SHA256WithRSA: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', key: 'RSA' },
  SHA384WithRSA: { oid: '1.2.840.113549.1.1.12', hash: 'sha384', key: 'RSA' },
  SHA512WithRSA: { oid: '1.2.840.113549.1.1.13', hash: 'sha512', key: 'RSA' },
  ECDSAWithSHA256: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', key: 'ECDSA' },
  ECDSAWithSHA384: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', key: 'ECDSA' },
  ECDSAWithSHA512: { oid: '1.2.840.10045.4.3.4', hash: 'sha512', key: 'ECDSA' },
  PureEd25519: { oid: '1.3.101.112', hash: null, key: 'Ed25519' },
};

const EC_DEFAULTS: Readonly<Record<number, SignatureAlgorithmName>> = {
  256: 'ECDSAWithSHA256',
  384: 'ECDSAWithSHA384',
  521: 'ECDSAWithSHA512',
};

/**
 * The algorithm a signer key uses: `requested` if given (it must suit the key, as cert-manager's
 * webhook requires), else RSA → SHA256WithRSA (Go's default for any RSA size), P-256/384/521 →
 * ECDSA with SHA-256/384/512, Ed25519 → PureEd25519.
 */
export function chooseSignatureAlgorithm(signerKey: KeyObject, requested?: SignatureAlgorithmName): SignatureAlgorithmName {
  const { algorithm, size } = describeKey(signerKey);
  if (requested !== undefined) {
    const info = ALGORITHMS[requested];
    if (!info) throw new Error(`unknown signature algorithm "${String(requested)}"`);
    if (info.key !== algorithm) throw new Error(`signature algorithm ${requested} cannot be used with an ${algorithm} key`);
    return requested;
  }
  if (algorithm === 'RSA') return 'SHA256WithRSA';
  if (algorithm === 'Ed25519') return 'PureEd25519';
  return EC_DEFAULTS[size]!;
}

/**
 * AlgorithmIdentifier DER. RSA PKCS#1 v1.5 carries explicit NULL parameters (RFC 4055 §5);
 * ECDSA and Ed25519 carry none (RFC 5758 §3.2, RFC 8410 §3).
 */
export function algorithmIdentifier(name: SignatureAlgorithmName): Buffer {
  const info = ALGORITHMS[name];
  return info.key === 'RSA' ? seq(oid(info.oid), nullValue()) : seq(oid(info.oid));
}

/**
 * Signs `data` (the DER to be signed). ECDSA signatures come out as the DER Ecdsa-Sig-Value
 * X.509 wants (Node's default `dsaEncoding: 'der'`); RSA uses PKCS#1 v1.5 padding.
 */
export function signData(name: SignatureAlgorithmName, privateKey: KeyObject, data: Buffer): Buffer {
  const info = ALGORITHMS[name];
  if (info.key === 'ECDSA') return sign(info.hash, data, { key: privateKey, dsaEncoding: 'der' });
  return sign(info.hash, data, privateKey);
}
