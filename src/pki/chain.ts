/**
 * Chain and key consistency checks for issued material.
 */
import type { KeyObject } from 'node:crypto';
import { publicKeyDer } from './keys.js';
import type { ParsedCertificate } from './parse.js';

/**
 * Checks that each certificate is issued by the next one: the child's issuer Name equals the
 * parent's subject Name byte-for-byte (how Go matches candidates) and the child's signature
 * verifies with the parent's key. Does not check validity periods, CA flags or trust in the
 * last certificate. Throws an Error naming the failing position (1-based, leaf = 1).
 */
export function verifyChainLinks(chain: readonly ParsedCertificate[]): void {
  if (chain.length === 0) throw new Error('certificate chain is empty');
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    const where = `certificate ${i + 1} (${child.subjectText || '<empty subject>'})`;
    if (!child.issuerDer.equals(parent.subjectDer)) {
      throw new Error(`${where} is issued by "${child.issuerText}", but certificate ${i + 2} is "${parent.subjectText}"`);
    }
    let ok = false;
    try {
      ok = child.x509.verify(parent.publicKey);
    } catch {
      ok = false;
    }
    if (!ok) throw new Error(`${where}: signature does not verify with the key of certificate ${i + 2} (${parent.subjectText})`);
  }
}

/** True when the certificate's public key is the public half of `key` (private or public). */
export function certificateMatchesKey(cert: ParsedCertificate, key: KeyObject): boolean {
  // Compare through OpenSSL's re-encoding on both sides so equivalent SPKI encodings match.
  return publicKeyDer(cert.publicKey).equals(publicKeyDer(key));
}
