import { buildCertificate } from '../pki/certificate.js';
import type { SelfSignedIssuerSpec } from '../spec/types.js';
import type { Issuer, SignRequest, SignedBundle } from './issuer.js';
import { templateFromSpec } from './template.js';

/**
 * cert-manager's `selfSigned` issuer: the certificate is signed by its own key, and `ca.crt`
 * holds the certificate itself.
 */
export function createSelfSignedIssuer(spec: SelfSignedIssuerSpec): Issuer {
  return {
    async sign(req: SignRequest): Promise<SignedBundle> {
      const key = await req.privateKey;
      const template = templateFromSpec(req.certificate.spec, key, req.now);
      template.crlDistributionPoints = spec.crlDistributionPoints;
      const pem = buildCertificate(template, { privateKey: key });
      req.event('Requested', 'signing with the certificate\'s own key (selfSigned)');
      return { chainPem: pem, caPem: pem };
    },
  };
}
