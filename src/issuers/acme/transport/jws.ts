/**
 * JWS in the flattened JSON serialization (RFC 7515 §7.2.2), the only form ACME accepts
 * (RFC 8555 §6.2), and the ACME protected header built on it.
 */
import type { Jwk } from './jwk.js';
import type { JwsSigner } from './jws-signer.js';

/** A flattened JWS, the body of every ACME POST. */
export interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

/**
 * Signs `payload` under a protected header given as the exact bytes to encode (so RFC example
 * headers with their own spacing reproduce byte for byte). The header must name `signer.alg`;
 * that is the caller's contract, not re-parsed here.
 */
export function signFlattened(signer: JwsSigner, protectedHeader: string | Buffer, payload: string | Buffer): FlattenedJws {
  const p = Buffer.from(protectedHeader).toString('base64url');
  const body = Buffer.from(payload).toString('base64url');
  const signature = signer.sign(Buffer.from(`${p}.${body}`, 'ascii')).toString('base64url');
  return { protected: p, payload: body, signature };
}

/** The ACME protected header fields besides `alg`: exactly one of `kid` (account URL) and `jwk`. */
export type AcmeJwsHeader = { url: string; nonce?: string } & ({ kid: string; jwk?: never } | { jwk: Jwk; kid?: never });

/**
 * A JWS as RFC 8555 §6.2 wants it: protected header {alg, jwk|kid, nonce, url}; `payload`
 * serialized as JSON, or `null` for POST-as-GET (§6.3), whose payload is the empty string.
 */
export function acmeJws(signer: JwsSigner, header: AcmeJwsHeader, payload: unknown): FlattenedJws {
  const h: Record<string, unknown> = { alg: signer.alg };
  if (header.kid !== undefined) h.kid = header.kid;
  else h.jwk = header.jwk;
  if (header.nonce !== undefined) h.nonce = header.nonce;
  h.url = header.url;
  return signFlattened(signer, JSON.stringify(h), payload === null ? '' : JSON.stringify(payload));
}
