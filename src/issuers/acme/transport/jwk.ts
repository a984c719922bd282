/**
 * Public keys as JSON Web Keys (RFC 7517/7518, RFC 8037 for Ed25519) and their RFC 7638
 * thumbprints, the account identity ACME binds key authorizations to.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * The required public members of a JWK, in RFC 7638 canonical (lexicographic) member order, so
 * `JSON.stringify` of it is the thumbprint input and the same bytes are sent in every `jwk` header.
 */
export type Jwk =
  | { e: string; kty: 'RSA'; n: string }
  | { crv: 'P-256' | 'P-384' | 'P-521'; kty: 'EC'; x: string; y: string }
  | { crv: 'Ed25519'; kty: 'OKP'; x: string };

/** The public JWK of a private or public key: RSA, EC P-256/384/521 or Ed25519. */
export function publicJwk(key: KeyObject): Jwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const j = pub.export({ format: 'jwk' });
  switch (j.kty) {
    case 'RSA':
      return { e: need(j.e, 'e'), kty: 'RSA', n: need(j.n, 'n') };
    case 'EC':
      if (j.crv !== 'P-256' && j.crv !== 'P-384' && j.crv !== 'P-521') throw new Error(`unsupported EC curve ${String(j.crv)} for a JWK (need P-256, P-384 or P-521)`);
      return { crv: j.crv, kty: 'EC', x: need(j.x, 'x'), y: need(j.y, 'y') };
    case 'OKP':
      if (j.crv !== 'Ed25519') throw new Error(`unsupported OKP curve ${String(j.crv)} for a JWK (need Ed25519)`);
      return { crv: 'Ed25519', kty: 'OKP', x: need(j.x, 'x') };
    default:
      throw new Error(`unsupported key type ${String(pub.asymmetricKeyType)} for a JWK`);
  }
}

/**
 * RFC 7638 thumbprint: base64url(SHA-256) of the required members in lexicographic order with no
 * whitespace. Members are re-ordered here so a JWK from elsewhere (a server's answer, a test
 * vector) hashes the same way.
 */
export function jwkThumbprint(jwk: Jwk): string {
  let canonical: string;
  switch (jwk.kty) {
    case 'RSA':
      canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
      break;
    case 'EC':
      canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
      break;
    case 'OKP':
      canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
      break;
  }
  return createHash('sha256').update(canonical).digest('base64url');
}

function need(v: string | undefined, member: string): string {
  if (!v) throw new Error(`the exported JWK has no "${member}" member`);
  return v;
}
