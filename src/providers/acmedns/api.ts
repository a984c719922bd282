/**
 * acme-dns's one update call: `POST <host>/update` with the account's `X-Api-User` and
 * `X-Api-Key` and `{"subdomain", "txt"}`. acme-dns keeps two TXT values per subdomain and
 * replaces the older one on each update, so the apex and wildcard values of one certificate both
 * stay served. It has no delete.
 *
 * acme-dns answers errors as `{"error": "<code>"}`: 401 `forbidden` (wrong username or password,
 * subdomain not the account's, or the caller's address outside `allowfrom`), 400 `bad_txt` /
 * `bad_subdomain`, 500 `db_error`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpTransportError, TRANSIENT_TRANSPORT_CODES, sendJson } from '../../shared/json-http.js';
import type { AcmeDnsAccount } from './accounts.js';

/** Timing knobs; the defaults suit a server, tests shrink them. */
export interface AcmeDnsTuning {
  retryBaseMs: number;
  retryMaxDelayMs: number;
  retryBudgetMs: number;
  maxAttempts: number;
  requestTimeoutMs: number;
}

export const DEFAULT_TUNING: AcmeDnsTuning = { retryBaseMs: 500, retryMaxDelayMs: 8000, retryBudgetMs: 60_000, maxAttempts: 6, requestTimeoutMs: 30_000 };

/** A failed update as one line. */
export class AcmeDnsError extends Error {
  override name = 'AcmeDnsError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

function hint(status: number, code: string, account: AcmeDnsAccount): string {
  if (status === 401 || code === 'forbidden') {
    const from = account.allowfrom.length > 0 ? `, or this machine's address is outside the account's allowfrom (${account.allowfrom.join(', ')})` : '';
    return `the username and password are not this acme-dns server's account for subdomain ${account.subdomain}${from}`;
  }
  if (code === 'bad_subdomain') return `the account's subdomain ${JSON.stringify(account.subdomain)} is not valid`;
  if (code === 'bad_txt') return 'acme-dns only takes 43-character ACME challenge values';
  if (status === 404 || status === 405) return 'is host the acme-dns API base URL (the one /register was called on)?';
  return '';
}

/** Updates the account's TXT values with `value`, retrying 5xx answers and transient network errors. */
export async function updateTxt(host: string, account: AcmeDnsAccount, value: string, tuning: AcmeDnsTuning, debug: (m: string) => void, signal?: AbortSignal): Promise<void> {
  const url = new URL(`${host}/update`);
  const where = `acmedns: update ${account.fulldomain ?? account.subdomain} (account of ${account.domain}) at ${url.origin}${url.pathname}`;
  const started = Date.now();
  const redact = (s: string): string => [account.password, account.username].reduce((acc, x) => (x.length >= 4 ? acc.split(x).join('[redacted]') : acc), s);
  for (let attempt = 1; ; attempt++) {
    let failure: { status: number; code: string; text: string; retry: boolean };
    try {
      const res = await sendJson({
        method: 'POST',
        url,
        headers: { 'x-api-user': account.username, 'x-api-key': account.password, 'user-agent': 'certctl' },
        body: { subdomain: account.subdomain, txt: value },
        timeoutMs: tuning.requestTimeoutMs,
        signal,
      });
      if (res.status === 200) return;
      const code = (res.json as { error?: unknown } | undefined)?.error;
      const text = typeof code === 'string' ? code : res.text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no body';
      failure = { status: res.status, code: typeof code === 'string' ? code : '', text, retry: res.status >= 500 && code !== 'bad_txt' };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof HttpTransportError)) throw err;
      failure = { status: 0, code: err.code, text: `${err.code}: ${err.message}`, retry: TRANSIENT_TRANSPORT_CODES.has(err.code) };
    }
    const delay = Math.min(tuning.retryMaxDelayMs, tuning.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    const what = failure.status ? `HTTP ${failure.status} ${failure.text}` : failure.text;
    if (failure.retry && attempt < tuning.maxAttempts && Date.now() - started + delay <= tuning.retryBudgetMs) {
      debug(redact(`${where}: ${what}; retrying in ${Math.ceil(delay)} ms`));
      await sleep(delay, undefined, { signal });
      continue;
    }
    const h = hint(failure.status, failure.code, account);
    const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
    throw new AcmeDnsError(redact(`${where}: ${what}${h ? ` (${h})` : ''}${tries}`), failure.status, failure.code);
  }
}
