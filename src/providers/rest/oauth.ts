/**
 * POSTs to an OAuth 2.0 token endpoint (RFC 6749 §4 / RFC 8693) and turns the answer into an
 * {@link AccessToken}, or an error line built from the endpoint's `error` and the first line of
 * its `error_description` (Azure AD appends trace ids on later lines). 429, 5xx and transient
 * network failures are retried.
 */
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import type { HttpResponse } from '../../shared/http-client.js';
import { RetryableError, retryAfterMs, withRetries } from '../../shared/retry.js';
import type { ApiTuning, RetryHooks } from '../../shared/retry.js';
import { expiryOf } from './token.js';
import type { AccessToken } from './token.js';

/** An OAuth error answer (`error`, `error_description`). */
export interface OAuthErrorBody {
  error?: string;
  error_description?: string;
  /** Google's STS and iamcredentials answer with a Google error object instead. */
  message?: string;
}

/** A refused token request: `code` is the OAuth `error` (`invalid_client`) or `HTTP <status>`. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(message);
  }
}

/** What the request is, for messages: `azuredns: token from Azure AD (client secret of 00000000-…)`. */
export interface TokenRequest {
  url: URL;
  /** Form fields (`grant_type`, …); sent urlencoded. */
  form?: Record<string, string>;
  /** Or a JSON body (Google's iamcredentials). */
  json?: unknown;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Prefix of every message, e.g. `azuredns: client credentials token from https://login.microsoftonline.com`. */
  label: string;
  extraCa?: string;
  /** Turns a successful JSON answer into a token (default: `access_token` + `expires_in`/`expires_on`). */
  read?: (body: Record<string, unknown>) => AccessToken | undefined;
}

function describe(res: HttpResponse): { code: string; description: string } {
  const body = res.json as OAuthErrorBody & { error?: unknown } | undefined;
  const err = body?.error;
  if (err && typeof err === 'object') {
    const g = err as { status?: string; message?: string };
    return { code: g.status ?? `HTTP ${res.status}`, description: firstLine(g.message ?? '') };
  }
  const code = typeof err === 'string' && err ? err : `HTTP ${res.status}`;
  const description = firstLine(body?.error_description ?? body?.message ?? (body ? '' : res.text));
  return { code, description };
}

/** The first line of a vendor message, whitespace collapsed, at most 400 characters. */
export function firstLine(s: string): string {
  return (s.split(/\r?\n/)[0] ?? '').replace(/\s+/g, ' ').trim().slice(0, 400);
}

/** Requests a token, retrying what can be retried. */
export function requestToken(req: TokenRequest, hooks: RetryHooks & { tuning: ApiTuning }): Promise<AccessToken> {
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  } else if (req.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(req.json);
  }
  return withRetries(hooks, async () => {
    let res: HttpResponse;
    try {
      res = await sendHttp({ method: req.method ?? 'POST', url: req.url, headers, body, timeoutMs: hooks.tuning.requestTimeoutMs, signal: hooks.signal, extraCa: req.extraCa });
    } catch (err) {
      if (err instanceof NetworkError && TRANSIENT_NETWORK_CODES.has(err.code)) throw new RetryableError(`${req.label}: ${err.message}`);
      if (err instanceof NetworkError) throw new TokenError(`${req.label}: ${err.message}`, 0, err.code, err.message);
      throw err;
    }
    if (res.status === 200) {
      const parsed = res.json as Record<string, unknown> | undefined;
      const token = parsed && (req.read ? req.read(parsed) : typeof parsed.access_token === 'string' && parsed.access_token ? { token: parsed.access_token, expiresAt: expiryOf(parsed) } : undefined);
      if (token) return token;
      throw new TokenError(`${req.label}: the answer of ${req.url.origin} holds no access token (is the URL a token endpoint?)`, 200, 'NoToken', '');
    }
    const { code, description } = describe(res);
    const line = `${req.label}: HTTP ${res.status}: ${code}${description ? `: ${description}` : ''}`;
    if (res.status === 429 || res.status >= 500) throw new RetryableError(line, { retryAfterMs: retryAfterMs(res.headers['retry-after']) });
    throw new TokenError(line, res.status, code, description);
  });
}
