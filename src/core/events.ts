/** A cert-manager-style event about one Certificate (`Issuing`, `Generated`, `Issued`, ...). */
export interface CertificateEvent {
  name: string;
  namespace: string;
  reason: string;
  message: string;
  /** `debug` is shown with -v only (retries, waits, propagation checks). */
  level: 'debug' | 'info' | 'warning' | 'error';
}

export type EventSink = (event: CertificateEvent) => void;

/** How one name of an ACME Certificate is validated: the challenge, its solver, and what presents it. */
export interface PlannedChallenge {
  /** The identifier as ordered: a DNS name (`*.` kept) or an IP address. */
  identifier: string;
  type: 'dns-01' | 'http-01';
  /** `spec.acme.solvers[1]`. */
  solver: string;
  /** `rfc2136`, `webroot /var/www/html`, `standalone :80`; absent when nothing says yet (`status` without `--http01-*`). */
  via?: string;
}

/** What happened to one Certificate in a run; the CLI prints it and `-o json` serializes it. */
export interface CertificateResult {
  name: string;
  namespace: string;
  secretName: string;
  /**
   * `due` only in a dry run (plan); `backing-off` when failures or a CA's Retry-After hold it back;
   * `deferred` when due but a CA rate-limit budget is used up (a later run issues it; not a failure).
   */
  action: 'issued' | 'up-to-date' | 'failed' | 'due' | 'backing-off' | 'deferred';
  /** Why it was issued (a renewal Reason), `UpToDate`, or the failure reason. */
  reason: string;
  message: string;
  /** Where the material is (directory and files, or a Secret reference). */
  location?: string;
  files?: Record<string, string>;
  notAfter?: string;
  renewalTime?: string;
  /** With backing-off and deferred: when the next attempt may happen. */
  retryAfter?: string;
  /** With deferred: the budget that ran out (`new orders of ACME account …`, `certificates for example.com`). */
  deferredBy?: string;
  /** `spec.renewal.windows`: the window the renewal time lies in, and whether it moved the renewal. */
  renewalWindow?: { index: number; cron: string; timezone: string; start: string; end: string; moved: boolean; desired: string };
  /** cert-manager's WindowError: no renewal window fits, so the renewal happens at the desired time. */
  windowError?: string;
  /** The CA's ARI suggested window, when fetched. */
  ariWindow?: { start: string; end: string; explanationURL?: string };

  /** Subject alternative names of the certificate (for hooks and status). */
  dnsNames?: string[];
  /** ACME issuers: the challenge each name is validated with. */
  challenges?: PlannedChallenge[];
  error?: string;
  /** cert-manager's Ready condition after the run: a valid certificate that matches the spec is stored. */
  ready?: boolean;
  /** Consecutive failed issuances and the last one, as in the Certificate's status. */
  failedIssuanceAttempts?: number;
  lastFailureTime?: string;
}
