/**
 * Signing keys for JWS (RFC 7515/7518): what `alg` a key signs with and the signature bytes in
 * JOSE form. Asymmetric keys sign ACME requests; HMAC keys sign External Account Bindings.
 */
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { jwkThumbprint, publicJwk, type Jwk } from './jwk.js';

/** JWS algorithms of asymmetric keys certctl signs with. */
export type AsymmetricJwsAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
/** MAC algorithms RFC 8555 §7.3.4 allows for External Account Binding. */
export type HmacJwsAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Anything that turns a JWS signing input into a signature. */
export interface JwsSigner {
  readonly alg: string;
  /** The JWS Signature bytes over `signingInput` (ASCII `protected.payload`). */
  sign(signingInput: Buffer): Buffer;
}

/** A private key with its public JWK: what signs ACME requests (account key, certificate key, new key). */
export interface KeySigner extends JwsSigner {
  readonly alg: AsymmetricJwsAlgorithm;
  readonly jwk: Jwk;
  /** RFC 7638 thumbprint of `jwk`. */
  readonly thumbprint: string;
}

/** Options of {@link keySigner}. */
export interface KeySignerOptions {
  /**
   * Sign with an Ed25519 key (EdDSA). RFC 8555 allows it, but Let's Encrypt, Pebble and most CAs
   * refuse it, so it is used only when the caller asks for it.
   */
  allowEdDsa?: boolean;
}

const EC_ALGS: Readonly<Record<string, { alg: AsymmetricJwsAlgorithm; hash: string }>> = {
  prime256v1: { alg: 'ES256', hash: 'sha256' },
  secp384r1: { alg: 'ES384', hash: 'sha384' },
  secp521r1: { alg: 'ES512', hash: 'sha512' },
};

/**
 * A signer for a private key (KeyObject or unencrypted PEM): RSA >= 2048 bits → RS256, EC P-256 /
 * P-384 / P-521 → ES256 / ES384 / ES512 with the r||s signature RFC 7518 §3.4 requires, Ed25519 →
 * EdDSA when allowed. Anything else throws a one-line error naming the key type.
 */
export function keySigner(key: KeyObject | string, opts: KeySignerOptions = {}): KeySigner {
  const k = typeof key === 'string' ? parsePem(key) : key;
  if (k.type !== 'private') throw new Error('a JWS signing key must be a private key');
  let alg: AsymmetricJwsAlgorithm;
  let signFn: (input: Buffer) => Buffer;
  switch (k.asymmetricKeyType) {
    case 'rsa': {
      const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 2048) throw new Error(`an RSA account key must have at least 2048 bits, this one has ${bits}`);
      alg = 'RS256';
      signFn = (input) => sign('sha256', input, k);
      break;
    }
    case 'ec': {
      const curve = k.asymmetricKeyDetails?.namedCurve ?? '';
      const ec = EC_ALGS[curve];
      if (!ec) throw new Error(`unsupported EC curve ${curve} for JWS (need P-256, P-384 or P-521)`);
      alg = ec.alg;
      signFn = (input) => sign(ec.hash, input, { key: k, dsaEncoding: 'ieee-p1363' });
      break;
    }
    case 'ed25519':
      if (!opts.allowEdDsa) {
        throw new Error('Ed25519 account keys (JWS alg EdDSA) are refused by most ACME CAs, Let\'s Encrypt included: use an ECDSA P-256 or RSA key');
      }
      alg = 'EdDSA';
      signFn = (input) => sign(null, input, k);
      break;
    default:
      throw new Error(`unsupported key type ${String(k.asymmetricKeyType)} for JWS (need RSA, EC or Ed25519)`);
  }
  const jwk = publicJwk(k);
  return { alg, jwk, thumbprint: jwkThumbprint(jwk), sign: signFn };
}

/** A MAC signer (External Account Binding). The key never leaves this closure. */
export function hmacSigner(alg: HmacJwsAlgorithm, macKey: Buffer): JwsSigner {
  const hash = HMAC_HASHES[alg];
  if (!hash) throw new Error(`unsupported MAC algorithm ${String(alg)} (need HS256, HS384 or HS512)`);
  if (macKey.length === 0) throw new Error('the MAC key is empty');
  return { alg, sign: (input) => createHmac(hash, macKey).update(input).digest() };
}

const HMAC_HASHES: Readonly<Record<HmacJwsAlgorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function parsePem(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    // The message of a PEM parse error never contains key material, only OpenSSL's reason.
    throw new Error(`the account key is not a readable private key: ${(err as Error).message}`);
  }
}
