import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../pki/parse.js';
import type { CertificateResource } from '../spec/types.js';
import type { CertificateStatus } from '../stores/records.js';

/** A progress note from an issuer, rendered by the CLI as a cert-manager-style event. */
export type IssuerEvent = (reason: string, message: string, level?: 'info' | 'warning' | 'debug') => void;

/** The issuer's own part of a certificate's status, read and written only by the issuer. */
export interface IssuerStateSlot {
  get(): CertificateStatus['issuer'];
  /** Applies `change` and persists the result (in order with other status writes). */
  update(change: (s: CertificateStatus['issuer']) => CertificateStatus['issuer']): Promise<void>;
}

export interface SignRequest {
  certificate: CertificateResource;
  /**
   * The certificate's private key: new (being generated while the order is set up) or reused
   * under rotationPolicy Never. Await it only when the key is needed (the CSR at finalize).
   */
  privateKey: Promise<KeyObject>;
  now: Date;
  signal?: AbortSignal;
  event: IssuerEvent;
  /** This certificate's issuer state: an ACME issuer journals DNS-01 values and pending orders here. */
  state: IssuerStateSlot;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
  /** The certificate being replaced, if any (ACME sends its ARI id as `replaces`). */
  replacing?: ParsedCertificate;
}

/** What cert-manager's issuers return: the chain for `tls.crt` and, when known, the CA for `ca.crt`. */
export interface SignedBundle {
  /** Leaf first, then intermediates; never a self-signed root (except a self-signed leaf itself). */
  chainPem: string;
  caPem?: string;
  /** Set when the chain was issued for another key than the request's (a resumed order). */
  privateKey?: KeyObject;
  /** SHA-256 (hex) of the DER of the CA certificate that signed the leaf (`ca` issuer). */
  issuerCaSha256?: string;
  /** Runs once the bundle is safely stored (an ACME issuer forgets its pending order). */
  afterWrite?: () => Promise<void>;
}

/** The CA certificate an issuer signs with now (`ca` issuer), for the "issuer CA changed" check. */
export interface CurrentCa {
  sha256: string;
  subjectKeyId?: string;
  publicKey: KeyObject;
  /** For messages: `Secret ns/name`. */
  source: string;
}

/** When the CA wants a certificate renewed (ACME ARI), and until when that may wait. */
export interface RenewalWindow {
  /** The moment chosen in the CA's window. */
  at: Date;
  /** Renew at this run if `at` is not after this (the next scheduled run). */
  renewBy: Date;
  window: { start: Date; end: Date };
  explanationURL?: string;
}

export interface RenewalWindowRequest {
  now: Date;
  /** When certctl is next expected to run (ARI: renew now if the chosen moment comes before). */
  nextRunAt?: Date;
  /** The renewal time from the certificate's lifetime, used when the CA gives no window. */
  fallback: Date;
  random: () => number;
  event: IssuerEvent;
  signal?: AbortSignal;
  /**
   * Told when the issuer will next look outside the store (the CA's renewalInfo, at its
   * Retry-After): the answer may change then even if nothing stored does.
   */
  recheckAt?: (at: Date) => void;
}

/** An issuance left to a later run (a CA rate-limit budget is used up): not a failure. */
export interface Deferral {
  /** What ran out, shared by every certificate it holds back (the run's summary groups by it). */
  budget: string;
  message: string;
  /** When there is room again. */
  until: Date;
}

export interface AdmitRequest {
  certificate: CertificateResource;
  /** The certificate being replaced, if any (a renewal of the same names counts differently). */
  replacing?: ParsedCertificate;
  now: Date;
}

/** Turns a Certificate and its key into a signed chain, and knows what its CA expects of renewals. */
export interface Issuer {
  sign(req: SignRequest): Promise<SignedBundle>;
  /**
   * Asked once a certificate is found due, before anything is generated or sent: room in the CA's
   * rate limits now, or a {@link Deferral}. Takes the room when there is some.
   */
  admit?(req: AdmitRequest): Promise<Deferral | undefined>;
  /** Finishes what a killed run left behind (DNS-01 values still in DNS), before anything else happens to the certificate. */
  recover?(state: IssuerStateSlot, event: IssuerEvent, signal?: AbortSignal): Promise<void>;
  /** The CA's renewal window for an issued certificate (ACME ARI); undefined when the CA has none. */
  renewalWindow?(leaf: ParsedCertificate, state: IssuerStateSlot, req: RenewalWindowRequest): Promise<RenewalWindow | undefined>;
  /** The CA certificate leaves are signed with now (`ca` issuer). */
  readonly currentCa?: CurrentCa;
  /** Ends what the issuer holds for the run (a Vault token certctl created is revoked); never throws. */
  close?(): Promise<void>;
}
