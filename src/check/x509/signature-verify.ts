import { constants, verify, type KeyObject } from 'node:crypto';
import type { DerNode } from '../../pki/der.js';
import { readOid, readSmallInt, sequenceOf } from '../../pki/der-values.js';
import { HASH_OIDS, SIGNATURE_ALGORITHMS } from './check-oids.js';

/**
 * Verifies `signature` over `data` with `publicKey`, for the algorithm an AlgorithmIdentifier
 * names (a CRL's or an OCSP response's `signatureAlgorithm`). Returns false for a signature that
 * does not verify or a key that does not suit the algorithm; throws for an algorithm it does not
 * know, so callers can say "cannot check" rather than "forged".
 */
export function verifySignature(algorithm: DerNode, data: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  const [oidNode, params] = sequenceOf(algorithm, 'signatureAlgorithm');
  const id = readOid(oidNode, 'signatureAlgorithm');
  const alg = SIGNATURE_ALGORITHMS[id];
  if (!alg) throw new Error(`unsupported signature algorithm ${id}`);
  const keyType = publicKey.asymmetricKeyType;
  const pss = alg.key === 'rsa-pss' ? pssParameters(params) : undefined;
  try {
    switch (alg.key) {
      case 'rsa':
        return keyType === 'rsa' && verify(alg.hash, data, publicKey, signature);
      case 'rsa-pss':
        if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
        return verify(pss!.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss!.saltLength }, signature);
      case 'ec':
        return keyType === 'ec' && verify(alg.hash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
      case 'ed25519':
      case 'ed448':
        return keyType === alg.key && verify(null, data, publicKey, signature);
    }
  } catch {
    return false;
  }
}

/** RSASSA-PSS-params (RFC 4055 §3.1); MGF1 must use the same hash, which is all Node supports. */
function pssParameters(params: DerNode | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let saltLength = 20;
  for (const field of params?.children ?? []) {
    const inner = field.children?.[0];
    if (field.cls !== 'context' || !inner) continue;
    if (field.tag === 0) hash = HASH_OIDS[readOid(sequenceOf(inner, 'hashAlgorithm')[0], 'hashAlgorithm')] ?? 'unknown';
    if (field.tag === 2) saltLength = readSmallInt(inner, 'saltLength');
  }
  if (hash === 'unknown') throw new Error('unsupported RSASSA-PSS hash algorithm');
  return { hash, saltLength };
}
