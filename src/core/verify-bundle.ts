import type { KeyObject } from 'node:crypto';
import { certificateMatchesKey, verifyChainLinks } from '../pki/chain.js';
import { parseCertificateChain, type ParsedCertificate } from '../pki/parse.js';
import type { CertificateSpec } from '../spec/types.js';

/**
 * Checks a signed chain before anything is written: only certificates, the leaf carries our key
 * and exactly the names asked for, each link is signed by the next, and it is valid now. A CA
 * that returns something else must never replace a working certificate.
 */
export function verifyIssuedChain(chainPem: string, key: KeyObject, spec: CertificateSpec, now: Date): ParsedCertificate[] {
  const chain = parseCertificateChain(chainPem);
  const leaf = chain[0];
  if (!leaf) throw new Error('the issuer returned no certificate');
  if (!certificateMatchesKey(leaf, key)) throw new Error('the issued certificate does not carry our public key');
  const expect = (what: string, got: string[], want: string[], extra: string[] = []): void => {
    const g = new Set(got.map((s) => s.toLowerCase()));
    const w = new Set(want.map((s) => s.toLowerCase()));
    const allowed = new Set([...w, ...extra.map((s) => s.toLowerCase())]);
    const missing = [...w].filter((x) => !g.has(x));
    const unexpected = [...g].filter((x) => !allowed.has(x));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new Error(`the issued certificate's ${what} differ from the request (missing: ${missing.join(', ') || 'none'}; unexpected: ${unexpected.join(', ') || 'none'})`);
    }
  };
  // A CA may copy the common name into the SANs (ACME requires it to be one of them anyway).
  expect('DNS names', leaf.dnsNames, spec.dnsNames, spec.commonName ? [spec.commonName] : []);
  expect('IP addresses', leaf.ipAddresses, spec.ipAddresses, spec.commonName ? [spec.commonName] : []);
  expect('URIs', leaf.uris, spec.uris);
  expect('email addresses', leaf.emailAddresses, spec.emailAddresses);
  verifyChainLinks(chain);
  if (leaf.notAfter <= now) throw new Error(`the issued certificate already expired (${leaf.notAfter.toISOString()})`);
  return chain;
}
