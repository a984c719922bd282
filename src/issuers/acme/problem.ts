/** An RFC 8555 problem document returned by the CA, with the HTTP status and any Retry-After. */
export class AcmeProblem extends Error {
  readonly type: string;
  readonly status: number;
  readonly detail: string;
  readonly subproblems: { type?: string; detail?: string; identifier?: { type: string; value: string } }[];
  /** When the server said to come back (429, 503), if it did. */
  readonly retryAfter?: Date;

  constructor(opts: { type?: string; status: number; detail?: string; url: string; subproblems?: AcmeProblem['subproblems']; retryAfter?: Date }) {
    const type = opts.type ?? 'about:blank';
    const short = type.replace('urn:ietf:params:acme:error:', '');
    const detail = opts.detail ?? '';
    const subs = (opts.subproblems ?? []).map((s) => `${s.identifier?.value ?? '?'}: ${s.detail ?? s.type ?? ''}`).join('; ');
    const when = opts.retryAfter ? ` (retry after ${opts.retryAfter.toISOString()})` : '';
    super(`ACME server: ${short}: ${detail}${subs ? ` [${subs}]` : ''}${when} (HTTP ${opts.status} from ${opts.url})`);
    this.name = 'AcmeProblem';
    this.type = type;
    this.status = opts.status;
    this.detail = detail;
    this.subproblems = opts.subproblems ?? [];
    this.retryAfter = opts.retryAfter;
  }

  is(short: string): boolean {
    return this.type === `urn:ietf:params:acme:error:${short}`;
  }
}

/** A network, TLS or timeout failure talking to the CA, as one clear line. */
export class AcmeTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AcmeTransportError';
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
