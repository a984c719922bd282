import { createHash } from 'node:crypto';
import { readDer } from '../../pki/der.js';
import { readBitString, sequenceOf } from '../../pki/der-values.js';
import type { ParsedCertificate } from '../../pki/parse.js';

/** The subjectPublicKey BIT STRING content of a certificate (what OCSP's key hashes cover). */
export function subjectPublicKeyBits(cert: Pick<ParsedCertificate, 'publicKeyDer'>): Buffer {
  const [, bits] = sequenceOf(readDer(cert.publicKeyDer), 'SubjectPublicKeyInfo');
  return readBitString(bits, 'subjectPublicKey').bytes;
}

/** issuerNameHash and issuerKeyHash of an OCSP CertID (RFC 6960 §4.1.1) with `hash`. */
export function issuerHashes(issuer: Pick<ParsedCertificate, 'subjectDer' | 'publicKeyDer'>, hash: string): { nameHash: Buffer; keyHash: Buffer } {
  return {
    nameHash: createHash(hash).update(issuer.subjectDer).digest(),
    keyHash: createHash(hash).update(subjectPublicKeyBits(issuer)).digest(),
  };
}

/** A serial's magnitude: INTEGER content bytes without the sign pad, for comparing serials. */
export function serialMagnitude(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
