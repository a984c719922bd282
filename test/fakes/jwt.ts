/**
 * JWTs for the fake cloud endpoints, written with node:crypto independently of certctl's code:
 * a test's "cluster OIDC issuer" signs projected service account tokens with it, and the fakes
 * verify the JWTs certctl sends (Google service account assertions) against public keys.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Signs `claims` with RS256. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject | string, kid?: string): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  return `${input}.${b64u(sign('sha256', Buffer.from(input), privateKey))}`;
}

/** A verified JWT's header and claims, or the reason it is not acceptable. */
export type JwtCheck = { ok: true; header: Record<string, unknown>; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Verifies an RS256 JWT against `publicKey` and checks `exp`/`iat` against `now` (seconds). */
export function verifyJwt(jwt: string, publicKey: KeyObject | string, now: number = Date.now() / 1000): JwtCheck {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT (three dot-separated parts)' };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the JWT header or claims are not JSON' };
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `unsupported alg ${String(header.alg)}` };
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) return { ok: false, reason: 'invalid signature' };
  if (typeof claims.exp !== 'number' || claims.exp < now) return { ok: false, reason: 'expired' };
  if (typeof claims.iat === 'number' && claims.iat > now + 300) return { ok: false, reason: 'issued in the future' };
  return { ok: true, header, claims };
}

/** A fresh RSA key pair (PEM). */
export function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}
