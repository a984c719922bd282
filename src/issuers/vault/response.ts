/**
 * What a Vault sign response becomes, as cert-manager maps it: the `certificate` (its first PEM
 * block) with `ca_chain` (or, when Vault sends no chain, `issuing_ca`) are de-duplicated and
 * linked into one chain (pki.ParseSingleCertificateChain). `tls.crt` gets the leaf and every
 * certificate above it except a self-signed root; `ca.crt` gets the root when the chain reaches
 * one, else the topmost certificate; a lone leaf gets no `ca.crt`. Certificates that do not
 * form a single chain are an error, as in cert-manager.
 */
import { splitPem } from '../../pki/pem.js';
import { parseCertificate } from '../../pki/parse.js';
import type { ParsedCertificate } from '../../pki/parse.js';
import { allowsCertSign } from '../../pki/usages.js';

export interface VaultBundle {
  chainPem: string;
  caPem?: string;
  leaf: ParsedCertificate;
}

/** Reads `data` of a PKI sign response (format pem). Throws naming what is wrong. */
export function bundleFromSignResponse(data: Record<string, unknown> | null | undefined): VaultBundle {
  if (!data || typeof data.certificate !== 'string' || !data.certificate.trim()) throw new Error('the response has no certificate');
  const first = (pem: string, what: string): ParsedCertificate => {
    const block = splitPem(pem)[0];
    if (!block || block.type !== 'CERTIFICATE') throw new Error(`failed to decode response returned by vault: ${what} is not a PEM certificate`);
    try {
      return parseCertificate(block.der);
    } catch (err) {
      throw new Error(`failed to decode response returned by vault: ${what}: ${(err as Error).message}`);
    }
  };
  const leaf = first(data.certificate, 'certificate');
  const chain = Array.isArray(data.ca_chain) ? data.ca_chain.filter((c): c is string => typeof c === 'string' && c.trim() !== '') : [];
  const cas = chain.length > 0 ? chain.map((c, i) => first(c, `ca_chain[${i}]`)) : typeof data.issuing_ca === 'string' && data.issuing_ca.trim() ? [first(data.issuing_ca, 'issuing_ca')] : [];
  const path = singleChain([leaf, ...cas]);
  if (path[0] !== leaf && path[0]!.fingerprintSha256 !== leaf.fingerprintSha256) throw new Error('failed to parse certificate chain from vault: the certificate is not at the bottom of the chain');
  const top = path[path.length - 1]!;
  const pem = (certs: ParsedCertificate[]): string => certs.map((c) => c.pem).join('');
  if (path.length === 1) return top.selfSigned ? { chainPem: top.pem, caPem: top.pem, leaf } : { chainPem: top.pem, leaf };
  return { chainPem: pem(top.selfSigned ? path.slice(0, -1) : path), caPem: top.pem, leaf };
}

/** Go's CheckSignatureFrom: the parent is a CA allowed to sign certificates, and the signature verifies. */
function signedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (child === parent || !child.issuerDer.equals(parent.subjectDer)) return false;
  if (parent.version === 3 && !parent.isCA) return false;
  if (!allowsCertSign(parent)) return false;
  try {
    return child.x509.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/** The certificates (duplicates removed) as one leaf-to-top list; throws if they are not one chain. */
function singleChain(certs: ParsedCertificate[]): ParsedCertificate[] {
  const unique = [...new Map(certs.map((c) => [c.fingerprintSha256, c])).values()];
  const parentOf = new Map<ParsedCertificate, ParsedCertificate>();
  const hasChild = new Set<ParsedCertificate>();
  for (const c of unique) {
    const parents = unique.filter((p) => signedBy(c, p));
    if (parents.length > 1) throw new Error('failed to parse certificate chain from vault: certificate chain is malformed or broken');
    if (parents[0]) {
      if (hasChild.has(parents[0])) throw new Error('failed to parse certificate chain from vault: certificate chain is malformed or broken');
      parentOf.set(c, parents[0]);
      hasChild.add(parents[0]);
    }
  }
  const heads = unique.filter((c) => !hasChild.has(c));
  if (heads.length !== 1) throw new Error('failed to parse certificate chain from vault: certificate chain is malformed or broken');
  const path: ParsedCertificate[] = [];
  for (let c: ParsedCertificate | undefined = heads[0]; c && !path.includes(c); c = parentOf.get(c)) path.push(c);
  if (path.length !== unique.length) throw new Error('failed to parse certificate chain from vault: certificate chain is malformed or broken');
  return path;
}
