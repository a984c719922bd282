/** An identifier-specific error inside a problem document (RFC 8555 §6.7.1). */
export interface AcmeSubproblem {
  type: string;
  detail?: string;
  identifier?: { type: string; value: string };
}

/** An RFC 8555 problem document returned by the CA, with the HTTP status and any Retry-After. */
export class AcmeProblem extends Error {
  readonly type: string;
  readonly status: number;
  readonly detail: string;
  readonly subproblems: AcmeSubproblem[];
  /** When the server said to come back (429, 503), if it did. */
  readonly retryAfter?: Date;
  /** The `alg` values the server accepts, sent with badSignatureAlgorithm (RFC 8555 §6.2). */
  readonly algorithms?: string[];
  /** The URL the request went to. */
  readonly url: string;

  constructor(opts: { type?: string; status: number; detail?: string; url: string; subproblems?: AcmeSubproblem[]; retryAfter?: Date; algorithms?: string[] }) {
    const type = opts.type ?? 'about:blank';
    const short = type.replace('urn:ietf:params:acme:error:', '');
    // Servers end details with newlines (Pebble does): errors stay one line.
    const detail = oneLine(opts.detail ?? '');
    const subs = (opts.subproblems ?? []).map((s) => `${s.identifier?.value ?? '?'}: ${oneLine(s.detail ?? s.type ?? '')}`).join('; ');
    const algs = opts.algorithms?.length ? ` (the server accepts: ${opts.algorithms.join(', ')})` : '';
    const when = opts.retryAfter ? ` (retry after ${opts.retryAfter.toISOString()})` : '';
    super(`ACME server: ${short}: ${detail}${subs ? ` [${subs}]` : ''}${algs}${when} (HTTP ${opts.status} from ${opts.url})`);
    this.name = 'AcmeProblem';
    this.type = type;
    this.status = opts.status;
    this.detail = detail;
    this.subproblems = opts.subproblems ?? [];
    this.retryAfter = opts.retryAfter;
    this.url = opts.url;
    if (opts.algorithms) this.algorithms = opts.algorithms;
  }

  /** Whether this is `urn:ietf:params:acme:error:<short>`. */
  is(short: string): boolean {
    return this.type === `urn:ietf:params:acme:error:${short}`;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A network, TLS or timeout failure talking to the CA, as one clear line. */
export class AcmeTransportError extends Error {
  /** The Node.js error code (ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED…), when there is one. */
  readonly code?: string;
  /**
   * The request went out on a kept-alive connection the server had already closed: it never
   * reached the server and is safe to send again.
   */
  readonly staleConnection: boolean;

  constructor(message: string, options?: { cause?: unknown; code?: string; staleConnection?: boolean }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AcmeTransportError';
    if (options?.code) this.code = options.code;
    this.staleConnection = options?.staleConnection ?? false;
  }
}

/** Caps how long certctl will wait in-process on a server's Retry-After. */
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * Parses a Retry-After header (delta-seconds or HTTP-date) relative to `now`. Invalid values give
 * undefined; negative ones give now; huge ones are capped at a day.
 */
export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  let at: number;
  if (/^-?\d+$/.test(text)) at = now.getTime() + Math.max(0, Number(text)) * 1000;
  else {
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed)) return undefined;
    at = Math.max(parsed, now.getTime());
  }
  return new Date(Math.min(at, now.getTime() + MAX_RETRY_AFTER_MS));
}
