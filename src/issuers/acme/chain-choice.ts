import { parseCertificateChain } from '../../pki/parse.js';

/**
 * The issuer common name of the topmost certificate of a chain: what cert-manager's
 * `preferredChain` is matched against.
 */
export function topIssuerCommonName(chainPem: string): string | undefined {
  const chain = parseCertificateChain(chainPem);
  return chain[chain.length - 1]?.issuer.commonName;
}
