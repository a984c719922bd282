/** The debug trace of ACME HTTP traffic: one record per request on the wire. */

/** One HTTP request to the ACME server, as reported to the trace hook once it has ended. */
export interface AcmeRequestTrace {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  /** HTTP status; absent when no answer came (network, TLS, timeout). */
  status?: number;
  /** Wall time of the request, in milliseconds. */
  ms: number;
  /** 1 for the first try of a request, 2 for its first retry, … */
  attempt: number;
  /** Why this request repeats the previous attempt (badNonce, HTTP 503, stale connection…). */
  retryReason?: string;
  /** Why no answer came, when none did. */
  error?: string;
}

/** Receives every request (the CLI prints them with `-v`). Must not throw. */
export type AcmeTraceHook = (t: AcmeRequestTrace) => void;
