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
import { NetworkError, sendHttp, TRANSIENT_NETWORK_CODES } from '../../shared/http-client.js';
import { redact } from '../../shared/redact.js';
import { DEFAULT_API_TUNING, RetryableError, withRetries } from '../../shared/retry.js';
import type { ApiTuning } from '../../shared/retry.js';
import type { AcmeDnsAccount } from './accounts.js';

/** Timing knobs; the defaults suit a server, tests shrink them. */
export type AcmeDnsTuning = ApiTuning;

/** Retries for up to 60 s per update, in at most 6 attempts. */
export const DEFAULT_TUNING: AcmeDnsTuning = { ...DEFAULT_API_TUNING, maxAttempts: 6 };

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
export function updateTxt(host: string, account: AcmeDnsAccount, value: string, tuning: AcmeDnsTuning, debug: (m: string) => void, signal?: AbortSignal): Promise<void> {
  const url = new URL(`${host}/update`);
  const where = `acmedns: update ${account.fulldomain ?? account.subdomain} (account of ${account.domain}) at ${url.origin}${url.pathname}`;
  const scrub = (s: string): string => redact(s, [account.password, account.username]);
  // Retried failures are told with `-v` as `where: what`; the last one is thrown with its hint.
  const failed = (status: number, code: string, what: string, retry: boolean): Error => {
    const h = hint(status, code, account);
    const giveUp = (after: string): Error => new AcmeDnsError(scrub(`${where}: ${what}${h ? ` (${h})` : ''}${after}`), status, code);
    return retry ? new RetryableError(scrub(`${where}: ${what}`), { giveUp }) : giveUp('');
  };
  return withRetries({ tuning, signal, debug }, async () => {
    let res;
    try {
      res = await sendHttp({
        method: 'POST',
        url,
        headers: { accept: 'application/json', 'x-api-user': account.username, 'x-api-key': account.password },
        json: { subdomain: account.subdomain, txt: value },
        timeoutMs: tuning.requestTimeoutMs,
        signal,
      });
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      throw failed(0, err.code, `${err.code}: ${err.detail}`, TRANSIENT_NETWORK_CODES.has(err.code));
    }
    if (res.status === 200) return;
    const code = (res.json as { error?: unknown } | undefined)?.error;
    const text = typeof code === 'string' ? code : res.text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no body';
    throw failed(res.status, typeof code === 'string' ? code : '', `HTTP ${res.status} ${text}`, res.status >= 500 && code !== 'bad_txt');
  });
}
