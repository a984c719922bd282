import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../pki/parse.js';
import type { KeyEncoding } from '../pki/keys.js';
import type { CertificateRecord, IssuedSpec } from '../stores/records.js';
import type { RenewalWindow } from './windows.js';
import type { ScheduledRenewal } from './scheduled-renewal.js';

/**
 * The state of the world for one Certificate, gathered (with all I/O and parsing) before the
 * checks run, so that the checks themselves are pure functions of it.
 */
export interface PolicyInput {
  now: Date;
  /** `--force` was given. */
  forced: boolean;
  certificateName: string;
  /** What the Certificate spec asks for now. */
  desired: IssuedSpec;
  /** A short hash of `desired`: failures recorded for another spec do not hold a retry back. */
  desiredHash: string;
  renewBeforeMs?: number;
  renewBeforePercentage?: number;
  renewalDisabled: boolean;
  /** `spec.renewal.windows`: renewal happens only inside them. */
  renewalWindows: readonly RenewalWindow[];
  /** Nothing stored at all. */
  missing: boolean;
  certificatePem?: string;
  keyPem?: string;
  cert?: ParsedCertificate;
  /** Why the stored certificate could not be parsed. */
  certError?: string;
  key?: { key: KeyObject; encoding: KeyEncoding; algorithm: string; size: number };
  /** The files are byte-for-byte what certctl wrote and checked as a pair (record fingerprints). */
  pairVerified?: boolean;
  keyError?: string;
  record?: CertificateRecord;
  /** Annotations of the stored Secret: a Secret adopted from cert-manager carries cert-manager's. */
  secretAnnotations?: Record<string, string>;
  /**
   * ACME Renewal Information: renew at `at` (a moment chosen in the CA's window) instead of the
   * renewBefore-derived time; `renewBy` is the latest acceptable moment (the next scheduled run).
   */
  ari?: { at: Date; renewBy: Date };
  /**
   * `scheduledRenewal` of `cert` with these fields and `ari`, when the caller has already worked it
   * out (with renewal windows it costs milliseconds); the checks compute it when absent.
   */
  schedule?: ScheduledRenewal;
  /** The stored certificate was revoked (`certctl revoke`); keyCompromise also forbids reusing its key. */
  revoked?: { reason: string; revokedAt: string };
  /**
   * The CA certificate the Certificate's issuer signs with now (`ca` issuer): a certificate signed
   * by another CA (the CA was re-issued or rotated) no longer chains to what clients trust.
   */
  issuerCa?: { sha256: string; subjectKeyId?: string; publicKey: KeyObject; source: string };
}
