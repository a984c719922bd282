import type { PolicyInput } from './policy-input.js';
import { Reason, type Violation } from './reasons.js';
import { scheduledRenewal } from './scheduled-renewal.js';
import { diffCertificate, diffIssuedSpec } from './spec-diff.js';

/** One named check: a reason to issue, or undefined when this aspect is fine. */
export type Check = (input: PolicyInput) => Violation | undefined;

export const forced: Check = (i) =>
  i.forced ? { reason: Reason.Forced, message: 'Issuing because --force was given' } : undefined;

export const secretDoesNotExist: Check = (i) =>
  i.missing ? { reason: Reason.DoesNotExist, message: 'Issuing certificate as Secret does not exist' } : undefined;

export const secretMissingData: Check = (i) => {
  if (!i.certificatePem) return { reason: Reason.MissingData, message: 'Issuing certificate as Secret does not contain a certificate' };
  if (!i.keyPem) return { reason: Reason.MissingData, message: 'Issuing certificate as Secret does not contain a private key' };
  return undefined;
};

export const invalidKeyPair: Check = (i) => {
  if (i.keyError) return { reason: Reason.InvalidKeyPair, message: `Issuing certificate as Secret contains an invalid private key: ${i.keyError}` };
  if (i.certError || !i.cert) return { reason: Reason.InvalidCertificate, message: `Issuing certificate as Secret contains an invalid certificate: ${i.certError ?? 'unreadable'}` };
  // checkPrivateKey is OpenSSL's own comparison, far cheaper than exporting both public keys.
  if (i.key && !i.pairVerified && !i.cert.x509.checkPrivateKey(i.key.key)) {
    return { reason: Reason.InvalidKeyPair, message: 'Issuing certificate as Secret contains a private key that does not match the certificate' };
  }
  return undefined;
};

/** A revoked certificate is replaced at once: clients that check revocation already refuse it. */
export const revoked: Check = (i) =>
  i.revoked ? { reason: Reason.Revoked, message: `Issuing certificate as it was revoked (${i.revoked.reason}) at ${i.revoked.revokedAt}` } : undefined;

/**
 * What a Secret written by cert-manager says about its issuer (an adopted Secret has no certctl
 * record yet); an empty kind means Issuer and an empty group cert-manager.io, as cert-manager reads them.
 */
function issuerFromAnnotations(a: Record<string, string> | undefined): { name: string; kind: string; group: string } | undefined {
  const name = a?.['cert-manager.io/issuer-name'];
  if (!name) return undefined;
  return { name, kind: a['cert-manager.io/issuer-kind'] || 'Issuer', group: a['cert-manager.io/issuer-group'] || 'cert-manager.io' };
}

export const incorrectIssuer: Check = (i) => {
  const was = i.record?.spec.issuerRef ?? issuerFromAnnotations(i.secretAnnotations);
  const want = i.desired.issuerRef;
  if (!was) return { reason: Reason.IncorrectIssuer, message: 'Issuing certificate as it has no record of its issuer' };
  if (was.name !== want.name || was.kind !== want.kind || was.group !== want.group) {
    return {
      reason: Reason.IncorrectIssuer,
      message: `Issuing certificate as it was issued by ${was.kind} ${was.name}, not ${want.kind} ${want.name}`,
    };
  }
  return undefined;
};

/**
 * cert-manager leaves a leaf alone when its CA is re-issued, and the leaf then fails to verify
 * against the CA clients are given; certctl re-issues it. The record names the CA certificate that
 * signed it; a Secret without one (adopted) is judged by its authority key id, else its signature.
 */
export const issuerCaChanged: Check = (i) => {
  const ca = i.issuerCa;
  if (!ca || !i.cert) return undefined;
  const changed = (why: string): Violation => ({ reason: Reason.IssuerCAChanged, message: `Issuing certificate as its issuer's CA changed: ${why} (${ca.source})` });
  const signedBy = i.record?.issuerCaSha256;
  if (signedBy) return signedBy === ca.sha256 ? undefined : changed('it was signed by another CA certificate than the one in the CA Secret now');
  const aki = i.cert.authorityKeyId?.toString('hex');
  if (aki && ca.subjectKeyId) return aki === ca.subjectKeyId ? undefined : changed(`its authority key id ${aki} is not the CA's subject key id ${ca.subjectKeyId}`);
  let verifies = false;
  try {
    verifies = i.cert.x509.verify(ca.publicKey);
  } catch {
    verifies = false;
  }
  return verifies ? undefined : changed("its signature does not verify with the CA's key");
};

export const incorrectCertificate: Check = (i) => {
  const owner = i.record?.certificateName ?? i.secretAnnotations?.['cert-manager.io/certificate-name'];
  if (owner !== undefined && owner !== i.certificateName) {
    return { reason: Reason.IncorrectCertificate, message: `Issuing certificate as the Secret was written for Certificate ${owner}` };
  }
  return undefined;
};

export const privateKeyMismatchesSpec: Check = (i) => {
  if (!i.key) return undefined;
  const want = i.desired.privateKey;
  if (i.key.algorithm !== want.algorithm || (want.algorithm !== 'Ed25519' && i.key.size !== want.size)) {
    return {
      reason: Reason.SecretMismatch,
      message: `Issuing certificate as the private key is ${i.key.algorithm} ${i.key.size}, the spec asks for ${want.algorithm} ${want.size}`,
    };
  }
  if (want.algorithm !== 'Ed25519' && i.key.encoding !== want.encoding) {
    return { reason: Reason.SecretMismatch, message: `Issuing certificate as the private key is encoded ${i.key.encoding}, the spec asks for ${want.encoding}` };
  }
  return undefined;
};

export const requestChanged: Check = (i) => {
  if (!i.record && i.cert && issuerFromAnnotations(i.secretAnnotations)) {
    // Adopted from cert-manager: judge the certificate itself, as cert-manager's SecretMismatch does.
    const changed = diffCertificate(i.cert, i.desired);
    return changed.length === 0 ? undefined : { reason: Reason.RequestChanged, message: `Issuing certificate as the certificate does not match the spec: ${changed.join(', ')}` };
  }
  if (!i.record) return { reason: Reason.RequestChanged, message: 'Issuing certificate as there is no record of the spec it was issued for' };
  const changed = diffIssuedSpec(i.record.spec, i.desired);
  if (changed.length === 0) return undefined;
  return { reason: Reason.RequestChanged, message: `Issuing certificate as the spec changed: ${changed.join(', ')}` };
};

export const expired: Check = (i) => {
  if (i.cert && i.cert.notAfter.getTime() <= i.now.getTime()) {
    return { reason: Reason.Expired, message: `Issuing certificate as it expired at ${i.cert.notAfter.toISOString()}` };
  }
  return undefined;
};

export const nearingExpiry: Check = (i) => {
  if (!i.cert || i.renewalDisabled) return undefined;
  if (i.ari && i.renewalWindows.length === 0) {
    if (i.ari.at.getTime() > i.ari.renewBy.getTime()) return undefined;
    return { reason: Reason.Renewing, message: `Renewing certificate as the CA's renewal window (ARI) calls for it at ${i.ari.at.toISOString()}` };
  }
  // With renewal windows, the ARI moment is only the desired time: it never renews ahead of a
  // window because the next run might be late (that would renew outside the windows).
  const s = i.schedule ?? scheduledRenewal(i.cert.notBefore, i.cert.notAfter, i, i.ari?.at);
  if (!s.at || s.at.getTime() > i.now.getTime()) return undefined;
  const why = s.window ? ` (${s.explanation})` : s.windowError ? ` (WindowError: ${s.windowError})` : '';
  const what = i.ari ? `the CA's renewal window (ARI) calls for it at ${s.desired!.toISOString()}` : `renewal was scheduled at ${s.at.toISOString()}`;
  return { reason: Reason.Renewing, message: `Renewing certificate as ${what}${why}` };
};
