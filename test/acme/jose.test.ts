import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { decodeEabMacKey, externalAccountBinding } from '../../src/issuers/acme/transport/eab.js';
import { jwkThumbprint, publicJwk, type Jwk } from '../../src/issuers/acme/transport/jwk.js';
import { dns01TxtValue, keyAuthorization } from '../../src/issuers/acme/transport/key-authorization.js';
import { keyChangeInner } from '../../src/issuers/acme/transport/key-change.js';
import { keySigner } from '../../src/issuers/acme/transport/jws-signer.js';
import { acmeJws, signFlattened, type FlattenedJws } from '../../src/issuers/acme/transport/jws.js';
import * as V from './jose-vectors.js';

const priv = (jwk: object): KeyObject => createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
const pub = (jwk: object): KeyObject => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
const b64 = (s: string): Buffer => Buffer.from(s, 'base64url');
const decodeJson = (s: string): Record<string, unknown> => JSON.parse(b64(s).toString('utf8')) as Record<string, unknown>;
const input = (j: FlattenedJws): Buffer => Buffer.from(`${j.protected}.${j.payload}`);

/** JOSE r||s back to DER, by hand, so the check does not rely on Node's own conversion. */
function rsToDer(sig: Buffer): Buffer {
  const half = sig.length / 2;
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(sig.subarray(0, half)), int(sig.subarray(half))]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

test('RFC 7515 A.2: RS256 over the RFC key and payload reproduces the RFC signature byte for byte', () => {
  const signer = keySigner(priv(V.RFC7515_RSA_JWK));
  assert.equal(signer.alg, 'RS256');
  const jws = signFlattened(signer, '{"alg":"RS256"}', b64(V.RFC7515_PAYLOAD_B64));
  assert.equal(jws.protected, 'eyJhbGciOiJSUzI1NiJ9');
  assert.equal(jws.payload, V.RFC7515_PAYLOAD_B64);
  assert.equal(jws.signature, V.RFC7515_RS256_SIGNATURE);
});

test('RFC 7515 A.3: the RFC ES256 signature verifies with its key; ours verify as r||s, never DER', () => {
  const signingInput = Buffer.from(`eyJhbGciOiJFUzI1NiJ9.${V.RFC7515_PAYLOAD_B64}`);
  const key = pub(V.RFC7515_EC_JWK);
  assert.equal(verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, b64(V.RFC7515_ES256_SIGNATURE)), true);
  // A flipped bit must fail: the check above can fail.
  const bad = b64(V.RFC7515_ES256_SIGNATURE);
  bad[10]! ^= 1;
  assert.equal(verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, bad), false);

  const signer = keySigner(priv(V.RFC7515_EC_JWK));
  assert.equal(signer.alg, 'ES256');
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const jws = signFlattened(signer, '{"alg":"ES256"}', b64(V.RFC7515_PAYLOAD_B64));
    assert.equal(jws.protected, 'eyJhbGciOiJFUzI1NiJ9');
    const sig = b64(jws.signature);
    assert.equal(sig.length, 64);
    assert.equal(verify('sha256', input(jws), { key, dsaEncoding: 'ieee-p1363' }, sig), true);
    assert.equal(verify('sha256', input(jws), key, rsToDer(sig)), true);
    seen.add(jws.signature);
  }
  assert.equal(seen.size, 20, 'ECDSA signatures are randomized');
});

test('RFC 7520 §4.1: RS256 with the "bilbo" key and kid header reproduces the RFC signature', () => {
  const signer = keySigner(priv(V.RFC7520_RSA_JWK));
  const header = b64(V.RFC7520_RS256_PROTECTED);
  assert.equal(header.toString(), '{"alg":"RS256","kid":"bilbo.baggins@hobbiton.example"}');
  const jws = signFlattened(signer, header, b64(V.RFC7520_PAYLOAD_B64));
  assert.equal(jws.protected, V.RFC7520_RS256_PROTECTED);
  assert.equal(jws.signature, V.RFC7520_RS256_SIGNATURE);
});

test('RFC 7520 §4.3: the ES512 signature (132 octets) verifies with the P-521 public key', () => {
  const signingInput = Buffer.from(`${V.RFC7520_ES512_PROTECTED}.${V.RFC7520_PAYLOAD_B64}`);
  const sig = b64(V.RFC7520_ES512_SIGNATURE);
  assert.equal(sig.length, 132);
  const key = pub(V.RFC7520_EC_PUBLIC_JWK);
  assert.equal(verify('sha512', signingInput, { key, dsaEncoding: 'ieee-p1363' }, sig), true);
  assert.equal(verify('sha512', signingInput, key, rsToDer(sig)), true);
});

test('JOSE ECDSA signatures have the fixed width of the curve: 96 octets for P-384, 132 for P-521', () => {
  for (const [curve, alg, hash, width] of [['P-384', 'ES384', 'sha384', 96], ['P-521', 'ES512', 'sha512', 132]] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const signer = keySigner(privateKey);
    assert.equal(signer.alg, alg);
    // Enough signatures that some r or s has leading zero octets, which must be kept.
    for (let i = 0; i < 200; i++) {
      const jws = acmeJws(signer, { kid: 'https://ca.example/acct/1', url: 'https://ca.example/x', nonce: `n${i}` }, null);
      const sig = b64(jws.signature);
      assert.equal(sig.length, width, `${curve} signature ${i}`);
      assert.equal(verify(hash, input(jws), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig), true);
      assert.equal(verify(hash, input(jws), publicKey, rsToDer(sig)), true);
    }
    assert.equal(decodeJson(acmeJws(signer, { kid: 'k', url: 'u' }, null).protected).alg, alg);
  }
});

test('RFC 7638 §3.1: the thumbprint of the RFC key; member order and extra members do not matter', () => {
  const { kty, n, e } = V.RFC7638_JWK;
  assert.equal(jwkThumbprint({ kty: 'RSA', n, e } as Jwk), V.RFC7638_THUMBPRINT);
  assert.equal(jwkThumbprint({ e, n, kty: 'RSA', alg: 'RS256', kid: '2011-04-29' } as unknown as Jwk), V.RFC7638_THUMBPRINT);
  const fromKey = publicJwk(pub({ kty, n, e }));
  assert.deepEqual(fromKey, { e, kty: 'RSA', n });
  assert.equal(jwkThumbprint(fromKey), V.RFC7638_THUMBPRINT);
  // The thumbprint input is the members in lexicographic order, no whitespace: check it with openssl.
  const canonical = `{"e":"${e}","kty":"RSA","n":"${n}"}`;
  const digest = spawnSync('openssl', ['dgst', '-sha256', '-binary'], { input: canonical });
  assert.equal(digest.status, 0);
  assert.equal(digest.stdout.toString('base64url'), V.RFC7638_THUMBPRINT);
});

test('public JWKs for EC and Ed25519 keys carry only the required members, in canonical order', () => {
  const ec = publicJwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  assert.deepEqual(Object.keys(ec), ['crv', 'kty', 'x', 'y']);
  assert.equal(ec.kty === 'EC' && ec.crv, 'P-256');
  const ed = publicJwk(generateKeyPairSync('ed25519').privateKey);
  assert.deepEqual(Object.keys(ed), ['crv', 'kty', 'x']);
  assert.throws(() => publicJwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey), /unsupported EC curve/);
});

test('ACME JWS: protected {alg, kid|jwk, nonce, url}; POST-as-GET has the empty payload', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = keySigner(privateKey);
  const get = acmeJws(signer, { kid: 'https://ca.example/acct/7', url: 'https://ca.example/order/1', nonce: 'abc_-1' }, null);
  assert.equal(get.payload, '');
  assert.deepEqual(Object.keys(get), ['protected', 'payload', 'signature']);
  assert.deepEqual(decodeJson(get.protected), { alg: 'ES256', kid: 'https://ca.example/acct/7', nonce: 'abc_-1', url: 'https://ca.example/order/1' });
  assert.equal(verify('sha256', input(get), { key: publicKey, dsaEncoding: 'ieee-p1363' }, b64(get.signature)), true);

  const post = acmeJws(signer, { jwk: signer.jwk, url: 'https://ca.example/new-acct', nonce: 'n' }, { termsOfServiceAgreed: true });
  const h = decodeJson(post.protected);
  assert.deepEqual(h.jwk, signer.jwk);
  assert.equal(h.kid, undefined);
  assert.deepEqual(decodeJson(post.payload), { termsOfServiceAgreed: true });
  // An empty object is a real payload ("{}"), not POST-as-GET.
  assert.equal(b64(acmeJws(signer, { kid: 'k', url: 'u', nonce: 'n' }, {}).payload).toString(), '{}');
});

test('account keys: RSA < 2048 bits, RSA-PSS, unsupported curves and public keys are refused; Ed25519 only when allowed', () => {
  assert.throws(() => keySigner(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey), /at least 2048 bits, this one has 1024/);
  assert.throws(() => keySigner(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey), /unsupported key type rsa-pss/);
  assert.throws(() => keySigner(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey), /unsupported EC curve secp256k1/);
  assert.throws(() => keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey), /must be a private key/);
  assert.throws(() => keySigner('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), /not a readable private key/);
  const ed = generateKeyPairSync('ed25519');
  assert.throws(() => keySigner(ed.privateKey), /Ed25519 account keys \(JWS alg EdDSA\) are refused by most ACME CAs/);
  const signer = keySigner(ed.privateKey, { allowEdDsa: true });
  assert.equal(signer.alg, 'EdDSA');
  const jws = acmeJws(signer, { kid: 'k', url: 'u', nonce: 'n' }, { a: 1 });
  assert.equal(verify(null, input(jws), ed.publicKey, b64(jws.signature)), true);
  const rsa = keySigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string);
  assert.equal(rsa.alg, 'RS256');
});

/** HMAC by openssl, independent of node:crypto. */
function opensslHmac(hash: string, key: Buffer, data: string): string {
  const r = spawnSync('openssl', ['dgst', `-${hash}`, '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`, '-binary'], { input: data });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString('base64url');
}

test('External Account Binding: {alg, kid, url} without nonce over the account JWK, MAC checked by openssl', () => {
  const account = keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const macKey = Buffer.from('0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9', 'hex');
  for (const [alg, hash] of [['HS256', 'sha256'], ['HS384', 'sha384'], ['HS512', 'sha512']] as const) {
    const eab = externalAccountBinding({ kid: 'kid-1', macKey, alg }, 'https://ca.example/new-acct', account.jwk);
    assert.deepEqual(decodeJson(eab.protected), { alg, kid: 'kid-1', url: 'https://ca.example/new-acct' });
    assert.deepEqual(decodeJson(eab.payload), account.jwk);
    assert.equal(eab.signature, opensslHmac(hash, macKey, `${eab.protected}.${eab.payload}`));
  }
  const dflt = externalAccountBinding({ kid: 'k', macKey }, 'https://ca.example/new-acct', account.jwk);
  assert.equal(decodeJson(dflt.protected).alg, 'HS256');
});

test('EAB MAC keys: unpadded base64url as RFC 8555 says, also padded and standard base64; bad ones refused without echo', () => {
  const key = Buffer.from([0xfb, 0xff, 0xbf, 0x01, 0x02]);
  assert.deepEqual(decodeEabMacKey(key.toString('base64url')), key);
  assert.deepEqual(decodeEabMacKey(key.toString('base64')), key);
  assert.deepEqual(decodeEabMacKey(` ${key.toString('base64')}\n`), key);
  assert.deepEqual(decodeEabMacKey(`${key.toString('base64url')}===`), key);
  for (const bad of ['', '   ', 'abc$def', 'a.b', 'ABCDE']) {
    const err = (() => {
      try {
        decodeEabMacKey(bad);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.ok(err, `"${bad}" must be refused`);
    if (bad.trim()) assert.ok(!err.message.includes(bad), `the error must not repeat the value: ${err.message}`);
  }
});

test('key authorization and the dns-01 TXT value (checked with openssl)', () => {
  const thumb = V.RFC7638_THUMBPRINT;
  const token = 'evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA';
  const ka = keyAuthorization(token, thumb);
  assert.equal(ka, `${token}.${thumb}`);
  const txt = dns01TxtValue(ka);
  assert.equal(txt.length, 43);
  const r = spawnSync('openssl', ['dgst', '-sha256', '-binary'], { input: ka });
  assert.equal(txt, r.stdout.toString('base64url'));
});

test('keyChange inner JWS (RFC 8555 §7.3.5): signed by the new key with jwk, no nonce, payload {account, oldKey}', () => {
  const oldKey = keySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const fresh = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const next = keySigner(fresh.privateKey);
  const inner = keyChangeInner(next, 'https://ca.example/key-change', 'https://ca.example/acct/9', oldKey.jwk);
  assert.deepEqual(decodeJson(inner.protected), { alg: 'ES384', jwk: next.jwk, url: 'https://ca.example/key-change' });
  assert.deepEqual(decodeJson(inner.payload), { account: 'https://ca.example/acct/9', oldKey: oldKey.jwk });
  assert.equal(verify('sha384', input(inner), { key: fresh.publicKey, dsaEncoding: 'ieee-p1363' }, b64(inner.signature)), true);
});
