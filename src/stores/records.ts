/**
 * certctl's own record of a Certificate: what cert-manager keeps in the Certificate's status and
 * in the Secret's annotations. Stores persist it verbatim as JSON.
 */

/** The parts of a Certificate spec that an issued certificate depends on. */
export interface IssuedSpec {
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
  subject: Record<string, string[] | string>;
  usages: string[];
  isCA: boolean;
  durationMs: number;
  privateKey: { algorithm: string; size: number; encoding: string };
  issuerRef: { name: string; kind: string; group: string };
}

export interface CertificateRecord {
  /** Record format version. */
  version: 1;
  certificateName: string;
  namespace: string;
  /** 1 for the first issuance, +1 on each. */
  revision: number;
  notBefore: string;
  notAfter: string;
  renewalTime?: string;
  issuedAt: string;
  spec: IssuedSpec;
  /**
   * SHA-256 of tls.crt and tls.key as written. While both still match, the pair is known to
   * belong together and to have the recorded key type, so renew need not parse the key again.
   */
  tlsSha256?: { crt: string; key: string };
  /**
   * SHA-256 (hex) of the DER of the CA certificate that signed it (`ca` issuer). When the Issuer's
   * CA is no longer that certificate (re-issued, rotated), the certificate is due.
   */
  issuerCaSha256?: string;
  /** The Secret metadata cert-manager would write (its annotations and the secretTemplate). */
  secret: { annotations: Record<string, string>; labels: Record<string, string> };
}

export interface CertificateStatus {
  version: 1;
  lastFailureTime?: string;
  failedIssuanceAttempts?: number;
  lastFailureReason?: string;
  lastFailureMessage?: string;
  /** A CA asked us (Retry-After) not to try before this time. */
  notBefore?: string;
  /** Hash of the spec the failures were for: a changed spec is retried at once (no backoff). */
  failedSpecHash?: string;
  /** A certificate was written and its deploy hook has not completed yet (runs on the next run). */
  deployPending?: boolean;
  /** `certctl revoke` revoked the certificate with this serial: renew replaces it at once. */
  revoked?: RevocationMark;
  /**
   * The issuer's own state for this certificate; the core never reads inside it. The ACME issuer
   * keeps its {@link AcmeState} here. Holds private keys at times: stores keep the status private.
   */
  issuer?: { acme?: AcmeState };
}

/**
 * A certificate revoked at its CA. Keyed by serial: once a new certificate is written the mark no
 * longer applies to what is stored, whatever else happens to the status.
 */
export interface RevocationMark {
  /** Serial (hex, as in {@link AriState}) of the revoked certificate. */
  serial: string;
  /** RFC 5280 reason name (`keyCompromise`): a compromised key is never reused. */
  reason: string;
  revokedAt: string;
}

/** What the ACME issuer remembers about one certificate between runs. */
export interface AcmeState {
  /** ACME Renewal Information last fetched for the current certificate (RFC 9773). */
  ari?: AriState;
  /**
   * The last renewalInfo request for this certificate failed (404, 5xx, timeout), or the CA's
   * directory has no renewalInfo: do not ask again before `until` (its Retry-After, else 6 h), so
   * a CA whose ARI fails or is missing costs no request per run.
   */
  ariBackoff?: { serial: string; until: string };
  /**
   * An ACME order finalized but not yet stored (recorded before finalize). The next run resumes
   * it and downloads the certificate instead of ordering again: each duplicate order costs one
   * of the few certificates a CA allows per name set and week.
   */
  pendingOrder?: PendingOrder;
  /** DNS-01 TXT values presented and not yet cleaned up (a killed run); the next run removes them. */
  presentedChallenges?: JournaledChallenge[];
  /** HTTP-01 files written to a webroot and not yet removed (a killed run); the next run removes them. */
  presentedFiles?: JournaledFile[];
  /**
   * New orders placed for this certificate (not renewals of the same names), for the CA rate-limit
   * budgets of later runs; entries older than a week are dropped.
   */
  newOrders?: NewOrderEntry[];
}

/** One new ACME order, as the rate budgets count it. */
export interface NewOrderEntry {
  at: string;
  /** The ACME account: its server and account key Secret (`https://… ns/name`). */
  account: string;
  /** Registered domains of the order's names (Public Suffix List). */
  domains: string[];
}

/** Reads a status written by any certctl version: ACME fields used to sit at the top level. */
export function normalizeStatus(raw: CertificateStatus | undefined): CertificateStatus | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const legacy = raw as CertificateStatus & Partial<AcmeState>;
  if (legacy.ari === undefined && legacy.pendingOrder === undefined && legacy.presentedChallenges === undefined) return raw;
  const { ari, pendingOrder, presentedChallenges, ...rest } = legacy;
  const acme: AcmeState = { ...(ari ? { ari } : {}), ...(pendingOrder ? { pendingOrder } : {}), ...(presentedChallenges ? { presentedChallenges } : {}), ...rest.issuer?.acme };
  return { ...rest, issuer: { ...rest.issuer, acme } };
}

export interface AriState {
  /** Serial of the certificate this applies to (hex); a new certificate discards it. */
  serial: string;
  windowStart: string;
  windowEnd: string;
  /** The random moment chosen inside the window, kept while the window is unchanged. */
  chosen: string;
  explanationURL?: string;
  /** Do not ask the CA again before this time (its Retry-After). */
  nextCheck?: string;
}

export interface PendingOrder {
  orderUrl: string;
  /** Directory URL of the ACME server the order belongs to. */
  server: string;
  /** The identifiers ordered, sorted (type:value). */
  identifiers: string[];
  /** The certificate's new private key (PKCS#8 PEM). */
  keyPem: string;
  createdAt: string;
}

/** An HTTP-01 challenge file certctl put in a webroot, recorded before it is written. */
export interface JournaledFile {
  webroot: string;
  token: string;
}

/** A TXT value certctl put in DNS, recorded before the provider call so a later run can remove it. */
export interface JournaledChallenge {
  /** Field path of the solver that wrote it, e.g. `spec.acme.solvers[1]`. */
  solverPath: string;
  fqdn: string;
  zone: string;
  value: string;
}
