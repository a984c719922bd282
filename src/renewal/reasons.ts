/**
 * Why a certificate is (re-)issued, in cert-manager's vocabulary (its policy reasons), plus
 * certctl's own. Each reason is a stable constant for JSON output and metrics.
 */
export const Reason = {
  Forced: 'Forced',
  DoesNotExist: 'DoesNotExist',
  MissingData: 'MissingData',
  InvalidKeyPair: 'InvalidKeyPair',
  InvalidCertificate: 'InvalidCertificate',
  IncorrectIssuer: 'IncorrectIssuer',
  IncorrectCertificate: 'IncorrectCertificate',
  /** certctl: the issuer's CA certificate is no longer the one that signed this certificate. */
  IssuerCAChanged: 'IssuerCAChanged',
  SecretMismatch: 'SecretMismatch',
  RequestChanged: 'RequestChanged',
  Expired: 'Expired',
  /** certctl: `certctl revoke` revoked the stored certificate at its CA. */
  Revoked: 'Revoked',
  Renewing: 'Renewing',
} as const;

export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/** A check's verdict: issue, because of `reason`, explained by `message`. */
export interface Violation {
  reason: ReasonCode;
  message: string;
}
