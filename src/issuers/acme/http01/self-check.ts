/**
 * cert-manager's HTTP-01 self-check: fetch `http://<name>/.well-known/acme-challenge/<token>` the
 * way the CA will, before asking it to validate, so that a web server serving another directory,
 * a firewall or a wrong DNS record fails here, with a precise message, instead of burning a
 * failed validation at the CA (Let's Encrypt allows 5 per name and hour). As the CA does: names
 * resolved through DNS (not /etc/hosts), IPv6 first, redirects followed (at most 10, to http or
 * https, the certificate not checked), the body compared after trimming whitespace.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const MAX_REDIRECTS = 10;
const ATTEMPT_TIMEOUT_MS = 10_000;
/** The CA reads little; a page of HTML instead of the token is shown by its first words. */
const MAX_BODY_BYTES = 64 * 1024;

/** Addresses of a name, IPv6 first; [] when it has none. */
export type ResolveAddresses = (name: string, signal?: AbortSignal) => Promise<string[]>;

export interface SelfCheckTarget {
  /** DNS name or IP address, as in the order (never a wildcard). */
  identifier: string;
  token: string;
  keyAuthorization: string;
}

export interface FetchOptions {
  resolve: ResolveAddresses;
  /** Port for `http://` URLs without one: 80 (tests use another). */
  httpPort: number;
  userAgent?: string;
  signal?: AbortSignal;
}

export type FetchResult = { ok: true; url: string } | { ok: false; problem: string };

/** One attempt: what the CA would see now. Never throws, except when aborted. */
export async function fetchChallenge(t: SelfCheckTarget, o: FetchOptions): Promise<FetchResult> {
  let url = new URL(`http://${isIP(t.identifier) === 6 ? `[${t.identifier}]` : t.identifier}/.well-known/acme-challenge/${t.token}`);
  const first = url.href;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const got = await get(url, o);
    if ('problem' in got) return { ok: false, problem: `GET ${url.href}${got.where}: ${got.problem}` };
    const { res, body, where } = got;
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return { ok: false, problem: `GET ${url.href}${where}: HTTP ${status} redirects to an invalid URL ${JSON.stringify(location.slice(0, 100))}` };
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return { ok: false, problem: `GET ${url.href}${where}: HTTP ${status} redirects to ${next.protocol} (the CA follows only http and https)` };
      url = next;
      continue;
    }
    const via = url.href === first ? '' : ` (redirected from ${first})`;
    if (status !== 200) {
      const from = res.headers.server ? ` from ${String(res.headers.server).slice(0, 40)}` : '';
      const why = status === 403 ? ' (forbidden: may the web server\'s user read the file and enter every directory above it?)' : '';
      return { ok: false, problem: `GET ${url.href}${where}${via}: HTTP ${status}${from}${why}` };
    }
    const text = body.toString('utf8').trim();
    if (text !== t.keyAuthorization) {
      const seen = text === '' ? 'an empty body' : JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
      return { ok: false, problem: `GET ${url.href}${where}${via}: HTTP 200 but the body is ${seen}, not the key authorization` };
    }
    return { ok: true, url: url.href };
  }
  return { ok: false, problem: `GET ${first}: more than ${MAX_REDIRECTS} redirects` };
}

export interface SelfCheckOptions extends FetchOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs: number;
  /** Each failed attempt, for `-v`. */
  log?: (message: string) => void;
}

/**
 * Fetches until the CA would succeed, for at most `timeoutMs`; throws the last problem then.
 * Aborting `signal` stops at once (with the signal's reason).
 */
export async function selfCheck(t: SelfCheckTarget, o: SelfCheckOptions): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    const left = deadline - Date.now();
    const budget = AbortSignal.timeout(Math.max(1, Math.min(left, ATTEMPT_TIMEOUT_MS)));
    const signal = o.signal ? AbortSignal.any([o.signal, budget]) : budget;
    const r = await fetchChallenge(t, { ...o, signal });
    if (r.ok) return r.url;
    o.signal?.throwIfAborted();
    o.log?.(`attempt ${attempt}: ${r.problem}`);
    if (Date.now() + o.intervalMs >= deadline) throw new Error(`${r.problem} (self-check, ${attempt} attempt${attempt === 1 ? '' : 's'} in ${Math.round(o.timeoutMs / 1000)} s)`);
    await sleep(o.intervalMs, undefined, { signal: o.signal });
  }
}

type Got = { res: IncomingMessage; body: Buffer; where: string } | { problem: string; where: string };

/** GET `url` at each address of its host in turn until one answers (as the CA falls back from IPv6 to IPv4). */
async function get(url: URL, o: FetchOptions): Promise<Got> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : o.httpPort;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await o.resolve(host, o.signal);
    } catch (err) {
      o.signal?.throwIfAborted();
      return { problem: `cannot resolve ${host}: ${(err as Error).message}`, where: '' };
    }
    if (addresses.length === 0) return { problem: `${host} has no A or AAAA record`, where: '' };
  }
  const at = (address: string): string => `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
  const failures: string[] = [];
  for (const address of addresses) {
    const where = ` (${at(address)})`;
    try {
      return { ...(await getOnce(url, address, port, o)), where };
    } catch (err) {
      if (o.signal?.aborted && !isTimeout(o.signal)) throw o.signal.reason;
      failures.push(`${at(address)}: ${describe(err as NodeJS.ErrnoException, o.signal)}`);
    }
  }
  if (addresses.length === 1) return { problem: `no answer: ${describe0(failures[0]!)}`, where: ` (${at(addresses[0]!)})` };
  return { problem: `no answer from any address: ${failures.join('; ')}`, where: '' };
}

function getOnce(url: URL, address: string, port: number, o: FetchOptions): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const options = {
      host: address,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { Host: url.host, 'User-Agent': o.userAgent ?? 'certctl', Accept: '*/*', Connection: 'close' },
      agent: false as const,
      signal: o.signal,
      // Like the CA: a redirect to https is followed whatever certificate the server has (it may be the one being issued).
      ...(https ? { rejectUnauthorized: false, ...(isIP(url.hostname) ? {} : { servername: url.hostname }) } : {}),
    };
    const req = (https ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
        else res.destroy();
      });
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('close', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The reason part of `addr:port: reason`. */
function describe0(failure: string): string {
  return failure.slice(failure.indexOf(': ') + 2);
}

function isTimeout(signal: AbortSignal): boolean {
  return (signal.reason as Error | undefined)?.name === 'TimeoutError';
}

function describe(err: NodeJS.ErrnoException, signal?: AbortSignal): string {
  if (signal?.aborted) return 'timed out';
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens there)';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable from this host';
    case 'ETIMEDOUT':
      return 'timed out';
    default:
      return err.message;
  }
}
