/**
 * External Account Binding (RFC 8555 §7.3.4): an inner JWS, MAC-signed with the key the CA
 * handed out, over the account's public JWK, that ties the new ACME account to a CA customer.
 */
import type { Jwk } from './jwk.js';
import { hmacSigner, type HmacJwsAlgorithm } from './jws-signer.js';
import { signFlattened, type FlattenedJws } from './jws.js';

/** What a CA hands out for EAB: a key id and a MAC key (decoded bytes). */
export interface EabCredentials {
  kid: string;
  macKey: Buffer;
  /** Default HS256, the only algorithm cert-manager sends. */
  alg?: HmacJwsAlgorithm;
}

/**
 * Decodes an EAB MAC key. CAs publish it as unpadded base64url (RFC 8555); padded values and the
 * standard alphabet (`+/`) are accepted too, since users paste what their CA's web page shows.
 * Errors never repeat the value.
 */
export function decodeEabMacKey(value: string): Buffer {
  const text = value.trim().replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (text.length === 0) throw new Error('the EAB MAC key is empty');
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('the EAB MAC key is not base64url (RFC 8555 §7.3.4): it contains characters outside A-Z a-z 0-9 - _');
  if (text.length % 4 === 1) throw new Error('the EAB MAC key is not base64url (RFC 8555 §7.3.4): its length is impossible for base64');
  return Buffer.from(text, 'base64url');
}

/**
 * The `externalAccountBinding` member of a newAccount payload: protected {alg, kid, url} (no
 * nonce), payload the account JWK, signed with the MAC key.
 */
export function externalAccountBinding(eab: EabCredentials, newAccountUrl: string, accountJwk: Jwk): FlattenedJws {
  const signer = hmacSigner(eab.alg ?? 'HS256', eab.macKey);
  const header = JSON.stringify({ alg: signer.alg, kid: eab.kid, url: newAccountUrl });
  return signFlattened(signer, header, JSON.stringify(accountJwk));
}
