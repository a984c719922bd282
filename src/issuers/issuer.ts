import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../pki/parse.js';
import type { CertificateResource } from '../spec/types.js';
import type { RenewalInfo } from './acme/ari-client.js';
import type { JournaledChallenge, PendingOrder } from '../stores/records.js';

/** A progress note from an issuer, rendered by the CLI as a cert-manager-style event. */
export type IssuerEvent = (reason: string, message: string) => void;

/** Records DNS-01 values around provider calls, so a killed run's values are removed later. */
export interface ChallengeJournal {
  added(c: JournaledChallenge): Promise<void>;
  removed(c: JournaledChallenge): Promise<void>;
  /** Records an order about to be finalized (undefined: forget it). */
  setPendingOrder(o: PendingOrder | undefined): Promise<void>;
}

export interface SignRequest {
  certificate: CertificateResource;
  /** The certificate's private key (new, or reused under rotationPolicy Never). */
  privateKey: KeyObject;
  now: Date;
  signal?: AbortSignal;
  event: IssuerEvent;
  journal?: ChallengeJournal;
  /** An order a killed run finalized; resume it instead of ordering again when it still fits. */
  pendingOrder?: PendingOrder;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
  /** ARI certificate id of the certificate being renewed, sent as `replaces` in newOrder. */
  replaces?: string;
}

/** What cert-manager's issuers return: the chain for `tls.crt` and, when known, the CA for `ca.crt`. */
export interface SignedBundle {
  /** Leaf first, then intermediates; never a self-signed root (except a self-signed leaf itself). */
  chainPem: string;
  caPem?: string;
  /** Set when the chain was issued for another key than the request's (a resumed order). */
  privateKey?: KeyObject;
}

/** Turns a Certificate and its key into a signed chain. */
export interface Issuer {
  sign(req: SignRequest): Promise<SignedBundle>;
  /** ACME Renewal Information (RFC 9773) for an issued certificate; undefined when the CA has none. */
  renewalInfo?(cert: ParsedCertificate, now: Date, signal?: AbortSignal): Promise<RenewalInfo | undefined>;
  /** Removes DNS-01 values a killed run left behind; returns the problems. */
  cleanupLeftovers?(leftovers: JournaledChallenge[], signal?: AbortSignal): Promise<string[]>;
}
