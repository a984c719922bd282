/**
 * Access tokens from OAuth 2.0 token endpoints (Azure AD, Google, STS, metadata servers): one
 * exchange, then the token is reused until five minutes before it expires. Concurrent callers
 * share one exchange; a failed exchange is not remembered, so the next caller tries again.
 */

/** A bearer token and when it stops working (ms since the epoch). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** Returns a usable bearer token, exchanging credentials only when the last token is near expiry. */
export type TokenSource = (signal?: AbortSignal) => Promise<string>;

/** Tokens this close to expiry are replaced (the azure and google SDKs refresh 5 minutes early too). */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** Caches what `exchange` returns until near its expiry. */
export function cachedTokenSource(exchange: (signal?: AbortSignal) => Promise<AccessToken>, now: () => number = Date.now): TokenSource {
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  return async (signal) => {
    if (current && current.expiresAt - now() > REFRESH_BEFORE_MS) return current.token;
    pending ??= exchange(signal)
      .then((t) => (current = t))
      .finally(() => (pending = undefined));
    return (await pending).token;
  };
}

/**
 * The expiry of a token answer: `expires_in` seconds (RFC 6749), else `expires_on` seconds since the
 * epoch (Azure managed identity), else one hour.
 */
export function expiryOf(answer: { expires_in?: unknown; expires_on?: unknown }, now: number = Date.now()): number {
  const inSeconds = Number(answer.expires_in);
  if (answer.expires_in !== undefined && answer.expires_in !== '' && Number.isFinite(inSeconds)) return now + inSeconds * 1000;
  const on = Number(answer.expires_on);
  if (answer.expires_on !== undefined && Number.isFinite(on) && on > 0) return on * 1000;
  return now + 3600_000;
}
