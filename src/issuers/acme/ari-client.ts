/**
 * ACME Renewal Information (RFC 9773), the network half: asks the CA when it wants a certificate
 * renewed. Unauthenticated: a directory and a GET, no account and no signing code.
 */
import type { AriWindow } from '../../renewal/ari.js';
import { parseRetryAfter } from './problem.js';
import type { AcmeResponse } from './transport/response.js';

/** What ARI needs from an ACME client: the directory and unauthenticated GETs (an AcmeServerClient, or an AcmeHttp). */
export interface AriHttp {
  directory(): Promise<{ renewalInfo?: unknown }>;
  getJson(url: string): Promise<AcmeResponse>;
}

/** How long to wait before asking again when the CA gave no Retry-After (certbot's 6 h, RFC 9773 §4.3). */
export const DEFAULT_ARI_RETRY_MS = 6 * 3600 * 1000;

/** A CA's renewal information for one certificate. */
export interface RenewalInfo {
  window: AriWindow;
  /** A page explaining the window (e.g. a mass revocation); show it to the user. */
  explanationURL?: string;
  /** Do not ask again before this time (the response's Retry-After, capped at a day). */
  retryAfter?: Date;
}

/**
 * A renewalInfo request that did not produce a usable answer. Renewal must not depend on ARI:
 * callers log this and fall back to the lifetime rule, asking again after `retryAfter` (or
 * {@link DEFAULT_ARI_RETRY_MS}).
 */
export class AriError extends Error {
  /** HTTP status, when the server answered. */
  readonly status?: number;
  readonly retryAfter?: Date;

  constructor(message: string, opts: { status?: number; retryAfter?: Date; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'AriError';
    this.status = opts.status;
    this.retryAfter = opts.retryAfter;
  }
}

/**
 * Fetches `GET <renewalInfo>/<certId>` (unauthenticated) and validates the answer. Resolves
 * undefined when the CA's directory has no `renewalInfo` (no ARI: use the lifetime rule).
 * Rejects with an {@link AriError} for an error status (404 for a certificate the CA does not
 * know), a malformed body, or a network failure; an aborted request rejects with the abort reason.
 */
export async function fetchRenewalInfo(http: AriHttp, certId: string, now: Date): Promise<RenewalInfo | undefined> {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(certId)) throw new AriError(`invalid ARI certificate identifier ${JSON.stringify(certId)}`);
  let base: unknown;
  try {
    base = (await http.directory()).renewalInfo;
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new AriError(`cannot read the ACME directory for renewalInfo: ${(err as Error).message}`, { cause: err });
  }
  if (base === undefined || base === null) return undefined;
  if (typeof base !== 'string' || !/^https?:\/\//.test(base)) {
    throw new AriError(`the ACME directory's renewalInfo is not a URL: ${JSON.stringify(base).slice(0, 100)}`);
  }
  const url = `${base.replace(/\/+$/, '')}/${certId}`;

  let resp: AcmeResponse;
  try {
    resp = await http.getJson(url);
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new AriError(`renewalInfo request failed: ${(err as Error).message}`, { cause: err });
  }
  const retryAfter = parseRetryAfter(resp.headers['retry-after'], now);
  if (resp.status !== 200) {
    const detail = problemDetail(resp.data);
    const hint = resp.status === 404 ? ' (the CA does not know this certificate)' : '';
    throw new AriError(`renewalInfo answered HTTP ${resp.status}${hint}${detail ? `: ${detail}` : ''} (GET ${url})`, { status: resp.status, retryAfter });
  }
  const fail = (why: string): never => {
    throw new AriError(`renewalInfo answered a malformed response: ${why} (GET ${url})`, { status: resp.status, retryAfter });
  };
  const body = parseBody(resp.data) ?? fail('the body is not a JSON object');
  const sw = body.suggestedWindow;
  if (!isObject(sw)) return fail('no suggestedWindow object');
  const start = parseRfc3339(sw.start) ?? fail(`suggestedWindow.start is not an RFC 3339 time: ${JSON.stringify(sw.start)}`);
  const end = parseRfc3339(sw.end) ?? fail(`suggestedWindow.end is not an RFC 3339 time: ${JSON.stringify(sw.end)}`);
  // RFC 9773 §4.2: a window whose end is not after its start is invalid.
  if (end.getTime() <= start.getTime()) return fail(`suggestedWindow ends (${end.toISOString()}) before it starts (${start.toISOString()})`);

  const info: RenewalInfo = { window: { start, end } };
  const explanation = body.explanationURL;
  if (typeof explanation === 'string' && /^https?:\/\/\S+$/.test(explanation)) info.explanationURL = explanation;
  if (retryAfter) info.retryAfter = retryAfter;
  return info;
}

/** RFC 3339 with a zone (`Z` or an offset); Date.parse alone also takes looser forms. */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

function parseRfc3339(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !RFC3339.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON bodies arrive parsed; a body that is not JSON (or not labelled so) arrives as a string. */
function parseBody(data: unknown): Record<string, unknown> | undefined {
  if (isObject(data)) return data;
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function problemDetail(data: unknown): string {
  const body = parseBody(data);
  const detail = body?.detail ?? body?.type;
  if (typeof detail === 'string') return detail.slice(0, 200);
  return typeof data === 'string' ? data.trim().slice(0, 200) : '';
}

function isAbort(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
