/**
 * Account key roll-over (RFC 8555 §7.3.5): the inner JWS, signed by the new key, that the account
 * key then wraps as the payload of its POST to keyChange.
 */
import type { Jwk } from './jwk.js';
import type { KeySigner } from './jws-signer.js';
import { signFlattened, type FlattenedJws } from './jws.js';

/** Inner JWS of a keyChange request: protected {alg, jwk: new key, url}, payload {account, oldKey}. */
export function keyChangeInner(newKey: KeySigner, keyChangeUrl: string, accountUrl: string, oldKey: Jwk): FlattenedJws {
  const header = JSON.stringify({ alg: newKey.alg, jwk: newKey.jwk, url: keyChangeUrl });
  return signFlattened(newKey, header, JSON.stringify({ account: accountUrl, oldKey }));
}
