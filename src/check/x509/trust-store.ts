import { rootCertificates } from 'node:tls';
import { parseCertificate, parseCertificateChain, type ParsedCertificate } from '../../pki/parse.js';
import type { TrustStore } from './chain-path.js';

/**
 * Node's bundled Mozilla roots (`tls.rootCertificates`): what Node's TLS client trusts by
 * default, so the path analysis agrees with the handshake's own verdict. A root Node ships but
 * cannot parse (none today) is left out rather than failing the check.
 */
export function systemTrustStore(): TrustStore {
  const anchors: ParsedCertificate[] = [];
  for (const pem of rootCertificates) {
    try {
      anchors.push(parseCertificate(pem));
    } catch {
      // A root we cannot parse cannot anchor a path we build either.
    }
  }
  return { anchors, label: 'system roots' };
}

/** The certificates of a PEM bundle (`--ca-file`) as trust anchors; throws naming the file when it holds none. */
export function trustStoreFromPem(pem: string, label: string): TrustStore {
  let anchors: ParsedCertificate[];
  try {
    anchors = parseCertificateChain(pem);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
  return { anchors, label };
}
