import { buildCertificate } from '../pki/certificate.js';
import type { Issuer, SignRequest, SignedBundle } from './issuer.js';
import { templateFromSpec } from './template.js';

/**
 * cert-manager's `selfSigned` issuer: the certificate is signed by its own key, and `ca.crt`
 * holds the certificate itself.
 */
export function createSelfSignedIssuer(): Issuer {
  return {
    async sign(req: SignRequest): Promise<SignedBundle> {
      const template = templateFromSpec(req.certificate.spec, req.privateKey, req.now);
      const pem = buildCertificate(template, { privateKey: req.privateKey });
      req.event('Requested', 'signing with the certificate\'s own key (selfSigned)');
      return { chainPem: pem, caPem: pem };
    },
  };
}
