import { createHash } from 'node:crypto';
import { int, nullValue, octetString, oid, seq } from '../../pki/der.js';
import type { ParsedCertificate } from '../../pki/parse.js';
import { SHA1_OID } from '../x509/check-oids.js';
import { subjectPublicKeyBits } from './issuer-hashes.js';

/**
 * An OCSPRequest for one certificate (RFC 6960 §4.1.1) in the lightweight profile every
 * responder supports (RFC 5019 §2.1): SHA-1 CertID, no nonce, no signature.
 */
export function ocspRequest(leaf: ParsedCertificate, issuer: ParsedCertificate): Buffer {
  const certId = seq(
    seq(oid(SHA1_OID), nullValue()),
    octetString(createHash('sha1').update(issuer.subjectDer).digest()),
    octetString(createHash('sha1').update(subjectPublicKeyBits(issuer)).digest()),
    int(leaf.serialBytes),
  );
  return seq(seq(seq(seq(certId))));
}
