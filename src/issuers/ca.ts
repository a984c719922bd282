import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../pki/certificate.js';
import { certificateMatchesKey } from '../pki/chain.js';
import type { ParsedCertificate } from '../pki/parse.js';
import type { Issuer, SignRequest, SignedBundle } from './issuer.js';
import { templateFromSpec } from './template.js';

export interface CaKeyPair {
  /** The CA Secret's `tls.crt` chain followed by its `ca.crt`, parsed; [0] is the signing CA. */
  chain: ParsedCertificate[];
  key: KeyObject;
  /** Where the key pair came from, for messages (`Secret cert-manager/root-ca`). */
  source: string;
}

/** Validates a CA key pair before anything is signed with it. */
export function checkCaKeyPair(pair: CaKeyPair, now: Date): string | undefined {
  const ca = pair.chain[0];
  if (!ca) return `${pair.source} holds no certificate in tls.crt`;
  if (!ca.isCA) return `${pair.source}: the certificate in tls.crt is not a CA (basicConstraints CA:FALSE)`;
  if (!certificateMatchesKey(ca, pair.key)) return `${pair.source}: tls.key does not match the certificate in tls.crt`;
  if (ca.notAfter <= now) return `${pair.source}: the CA certificate expired at ${ca.notAfter.toISOString()}`;
  return undefined;
}

/**
 * cert-manager's `ca` issuer: signs with the key pair in a Secret. `tls.crt` gets the leaf and the
 * CA chain without any self-signed root; `ca.crt` gets the root when the chain reaches one, else
 * the topmost certificate.
 */
export function createCaIssuer(pair: CaKeyPair): Issuer {
  return {
    async sign(req: SignRequest): Promise<SignedBundle> {
      const [ca] = pair.chain;
      const template = templateFromSpec(req.certificate.spec, req.privateKey, req.now, ca.notAfter);
      const leaf = buildCertificate(template, { privateKey: pair.key, certificate: ca });
      req.event('Requested', `signing with the CA in ${pair.source} (${ca.commonName || 'no common name'})`);
      const intermediates = pair.chain.filter((c) => !c.selfSigned).map((c) => c.pem);
      const top = pair.chain[pair.chain.length - 1];
      return { chainPem: [leaf, ...intermediates].map(ensureNewline).join(''), caPem: ensureNewline(top.pem) };
    },
  };
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
