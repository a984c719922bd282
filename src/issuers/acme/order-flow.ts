import { setTimeout as sleep } from 'node:timers/promises';
import type { AcmeHttp, AcmeResponse } from './acme-http.js';
import { AcmeProblem, parseRetryAfter } from './problem.js';
import type { AcmeChallengeTask, PendingAuthorization } from './challenge-tasks.js';

interface Identifier {
  type: 'dns' | 'ip';
  value: string;
}

interface Challenge {
  type: string;
  url: string;
  token: string;
  status: string;
  error?: { type?: string; detail?: string };
}

interface Authorization {
  identifier: Identifier;
  status: string;
  wildcard?: boolean;
  challenges: Challenge[];
}

interface Order {
  status: string;
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: { type?: string; detail?: string };
}

export interface OrderRequest {
  identifiers: Identifier[];
  profile?: string;
  notAfter?: string;
  /** ARI id of the certificate this order replaces (RFC 9773 §5). */
  replaces?: string;
  /** Builds the CSR (DER) once the order is ready (the key may still be being generated until then). */
  csrDer: () => Buffer | Promise<Buffer>;
  preferredChain?: string;
}

export interface OrderHooks {
  /** Called with the order URL just before finalize (to journal the key and order). */
  beforeFinalize?: (orderUrl: string) => Promise<void>;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
  /** Picks the solver, and so the challenge type, of each pending authorization: one task each, in order. */
  tasksFor: (pending: PendingAuthorization[]) => Promise<AcmeChallengeTask[]>;
  presentAndWait: (tasks: AcmeChallengeTask[]) => Promise<void>;
  event: (reason: string, message: string) => void;
  signal?: AbortSignal;
}

type FinishHooks = Pick<OrderHooks, 'event' | 'signal' | 'fault' | 'beforeFinalize'>;

/**
 * Waits between order polls without Retry-After, then 3 s each. A CA that validates or signs
 * within milliseconds (Pebble, a CA next door) is seen at once: Pebble signs a finalized order in
 * a few ms, so a first poll right after `processing` usually missed it and waited a whole step. A
 * CA that takes a second or more (Let's Encrypt) costs at most two polls more than doubling from
 * 200 ms would. Doubling from 200 ms made fast runs bimodal (0.45 or 0.65 s for one name).
 */
const POLL_DELAYS_MS = [10, 50, 150, 450, 1_350];
const POLL_MAX_MS = 3_000;
/** The shortest wait a Retry-After can ask for. */
const RETRY_AFTER_MIN_MS = 50;
const POLL_TIMEOUT_MS = 300_000;
/** A Retry-After on a challenge or order longer than this is not waited out in-process. */
const MAX_WAIT_MS = 60_000;

/**
 * One RFC 8555 order driven step by step: newOrder for all identifiers, skip authorizations the
 * CA already holds valid, present every challenge (dns-01 or http-01, as each identifier's solver
 * answers) and wait until each is visible (hooks), answer every
 * challenge, finalize with our CSR as soon as the CA has had a moment to validate (RFC 8555 §7.4:
 * a premature finalize is a 403 orderNotReady, after which the order is polled with the server's
 * Retry-After until ready), stop at the first invalid authorization (deactivating the rest) and
 * download the chain from the order's certificate URL, preferring `preferredChain` through the
 * alternate links. Returns the PEM chain. With an account, a 1-name order takes 7 requests when
 * the CA validates and issues promptly: newOrder, authorization, challenge, finalize, one order
 * poll while processing (none when finalize answers valid), certificate.
 */
export async function runOrder(http: AcmeHttp, req: OrderRequest, hooks: OrderHooks): Promise<string> {
  const newOrderUrl = await http.resourceUrl('newOrder');
  const payload: Record<string, unknown> = { identifiers: req.identifiers };
  if (req.profile) payload.profile = req.profile;
  if (req.notAfter) payload.notAfter = req.notAfter;
  if (req.replaces) payload.replaces = req.replaces;
  let created: AcmeResponse<Order>;
  try {
    created = await http.post<Order>(newOrderUrl, payload);
  } catch (err) {
    // The CA already has a replacement (or the old certificate is not ours to replace): order anyway.
    if (!(req.replaces && err instanceof AcmeProblem && (err.is('alreadyReplaced') || err.is('malformed') || err.is('conflict')))) throw err;
    hooks.event('Requested', `the CA refused replaces=${req.replaces} (${err.detail}); ordering without it`);
    delete payload.replaces;
    created = await http.post<Order>(newOrderUrl, payload);
  }
  const orderUrl = created.location;
  if (!orderUrl) throw new Error('the ACME server did not return the order URL (Location header)');
  const order = created.data;
  hooks.event('Requested', `ACME order ${orderUrl} for ${req.identifiers.map((i) => i.value).join(', ')}`);

  let work: Work[] = [];
  if (order.status === 'pending') {
    const authzs = await Promise.all(order.authorizations.map(async (url) => ({ url, authz: (await http.post<Authorization>(url, null)).data })));
    const pending = authzs.filter((a) => a.authz.status === 'pending');
    const reused = authzs.length - pending.length;
    if (reused > 0) hooks.event('Reused', `${reused} authorization(s) already valid at the CA`);
    const offers = pending.map(({ url, authz }) => ({ url, identifier: `${authz.wildcard ? '*.' : ''}${authz.identifier.value}`, challenges: authz.challenges }));
    if (offers.length > 0) {
      const tasks = await hooks.tasksFor(offers.map((o) => ({ identifier: o.identifier, offered: o.challenges.map((c) => ({ type: c.type, token: c.token })) })));
      work = offers.map((o, i) => {
        const type = tasks[i]!.type;
        const challenge = o.challenges.find((c) => c.type === type);
        if (!challenge) throw new Error(`${o.identifier}: the CA offers no ${type} challenge (offered: ${o.challenges.map((c) => c.type).join(', ')})`);
        return { url: o.url, identifier: o.identifier, challenge };
      });
      await hooks.presentAndWait(tasks);
      const answers = await Promise.all(work.map((w) => http.post<Challenge>(w.challenge.url, {})));
      hooks.event('Answered', `answered ${countByType(work)} challenge(s)`);
      // Finalized at once unless the CA asked for a pause. A CA still validating answers 403
      // orderNotReady and the order is polled; Pebble had validated by then in 80 of 80 runs (40
      // with a busy core), so a pause (25 ms before) was pure wait on the critical path.
      const pause = retryAfterOf(answers);
      if (pause > 0 && !answers.every((a) => a.data.status === 'valid')) await sleep(pause, undefined, { signal: hooks.signal });
    }
  }
  if (!['pending', 'ready', 'processing', 'valid'].includes(order.status)) {
    throw new Error(`the order is ${order.status}${order.error?.detail ? `: ${order.error.detail}` : ''}`);
  }
  return finishOrder(http, orderUrl, order, req, hooks, work);
}

interface Work {
  url: string;
  identifier: string;
  challenge: Challenge;
}

/** `2 dns-01`, `1 http-01 and 2 dns-01`. */
function countByType(work: Work[]): string {
  const counts = new Map<string, number>();
  for (const w of work) counts.set(w.challenge.type, (counts.get(w.challenge.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} ${type}`).join(' and ');
}

/** The longest Retry-After of the challenge answers (0 without one), capped at a minute. */
function retryAfterOf(answers: AcmeResponse<unknown>[]): number {
  const now = Date.now();
  const waits = answers.map((a) => parseRetryAfter(a.headers['retry-after'], new Date(now))).filter((d): d is Date => d !== undefined).map((d) => d.getTime() - now);
  return Math.min(Math.max(0, ...waits), MAX_WAIT_MS);
}

/** From an answered (pending), ready, processing or valid order to the downloaded chain. */
async function finishOrder(http: AcmeHttp, orderUrl: string, order: Order, req: Pick<OrderRequest, 'csrDer' | 'preferredChain'>, hooks: FinishHooks, work: Work[] = []): Promise<string> {
  let firstWaitMs = 0;
  if (order.status === 'pending' || order.status === 'ready') {
    await hooks.beforeFinalize?.(orderUrl);
    ({ order, firstWaitMs } = await finalize(http, orderUrl, order, req, hooks, work));
  }
  if (order.status !== 'valid') order = await poll<Order>(http, orderUrl, (o) => o.status !== 'processing', hooks.signal, firstWaitMs);
  if (order.status !== 'valid' || !order.certificate) {
    throw new Error(`the order ended ${order.status}${order.error?.detail ? `: ${order.error.detail}` : ''}`);
  }
  hooks.fault?.('acme:order-valid');
  return downloadChain(http, order.certificate, req.preferredChain);
}

/**
 * Sends the CSR. When the CA answers orderNotReady (validation still running, or failed), polls
 * the order until it leaves `pending`: ready → finalize again, invalid → explain per identifier.
 * Returns the order and how long its Retry-After asks to wait before polling it (RFC 8555 §7.4).
 */
async function finalize(http: AcmeHttp, orderUrl: string, order: Order, req: Pick<OrderRequest, 'csrDer'>, hooks: FinishHooks, work: Work[]): Promise<{ order: Order; firstWaitMs: number }> {
  const csr = (await req.csrDer()).toString('base64url');
  for (let polled = false; ; polled = true) {
    try {
      const resp = await http.post<Order>(order.finalize, { csr });
      hooks.fault?.('acme:finalized');
      hooks.event('Finalized', 'sent the certificate signing request');
      const after = parseRetryAfter(resp.headers['retry-after'], new Date());
      return { order: resp.data, firstWaitMs: after ? Math.min(after.getTime() - Date.now(), MAX_WAIT_MS) : 0 };
    } catch (err) {
      if (polled || !(err instanceof AcmeProblem && err.is('orderNotReady'))) throw err;
    }
    order = await poll<Order>(http, orderUrl, (o) => o.status !== 'pending', hooks.signal);
    if (order.status === 'invalid') await reportInvalid(http, work, order);
    if (order.status !== 'ready') {
      if (order.status === 'processing' || order.status === 'valid') return { order, firstWaitMs: 0 };
      throw new Error(`the order is ${order.status}${order.error?.detail ? `: ${order.error.detail}` : ''}`);
    }
  }
}

/**
 * Picks up an order a killed run had finalized (or was about to): downloads its certificate
 * when valid, finishes it when ready or processing. Returns undefined when the order is gone,
 * invalid or still pending, so the caller orders anew.
 */
export async function resumeOrder(http: AcmeHttp, orderUrl: string, req: Pick<OrderRequest, 'csrDer' | 'preferredChain'>, hooks: FinishHooks): Promise<string | undefined> {
  let order: Order;
  try {
    order = (await http.post<Order>(orderUrl, null)).data;
  } catch (err) {
    hooks.event('Resume', `cannot resume order ${orderUrl}: ${(err as Error).message}; ordering anew`);
    return undefined;
  }
  if (!['ready', 'processing', 'valid'].includes(order.status)) {
    hooks.event('Resume', `order ${orderUrl} is ${order.status}; ordering anew`);
    return undefined;
  }
  hooks.event('Resume', `resuming order ${orderUrl} (${order.status}) left by an interrupted run`);
  return finishOrder(http, orderUrl, order, req, hooks);
}

/**
 * Explains an invalid order per identifier from its authorizations, and deactivates those still
 * pending so the CA does not keep them around for days.
 */
async function reportInvalid(http: AcmeHttp, work: Work[], order: Order): Promise<never> {
  const failures: string[] = [];
  await Promise.all(
    work.map(async (w) => {
      const a = (await http.post<Authorization>(w.url, null).catch(() => undefined))?.data;
      if (!a || a.status === 'valid') return;
      if (a.status === 'pending') {
        await http.post(w.url, { status: 'deactivated' }).catch(() => undefined);
        return;
      }
      const ch = a.challenges.find((c) => c.type === w.challenge.type);
      const err = ch?.error ? `: ${ch.error.type?.replace('urn:ietf:params:acme:error:', '') ?? ''} ${ch.error.detail ?? ''}` : '';
      failures.push(`${w.identifier}: ${a.status}${err}`);
    }),
  );
  if (failures.length === 0 && order.error?.detail) failures.push(order.error.detail);
  throw new Error(`the CA could not validate: ${failures.join('; ') || 'the order became invalid'}`);
}

/**
 * POST-as-GET `url` until `done`, after `firstWaitMs`, then honouring Retry-After, else backing
 * off from 10 ms to 3 s (POLL_DELAYS_MS).
 */
async function poll<T>(http: AcmeHttp, url: string, done: (x: T) => boolean, signal?: AbortSignal, firstWaitMs = 0): Promise<T> {
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  let polls = 0;
  if (firstWaitMs > 0) await sleep(firstWaitMs, undefined, { signal });
  for (;;) {
    const resp: AcmeResponse<T> = await http.post<T>(url, null);
    if (done(resp.data)) return resp.data;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${url} after ${POLL_TIMEOUT_MS / 1000} s`);
    const after = parseRetryAfter(resp.headers['retry-after'], new Date());
    const wait = after ? Math.min(Math.max(after.getTime() - Date.now(), RETRY_AFTER_MIN_MS), MAX_WAIT_MS) : (POLL_DELAYS_MS[polls] ?? POLL_MAX_MS);
    polls++;
    await sleep(wait, undefined, { signal });
  }
}

/** Downloads the default chain, or the alternate whose topmost issuer CN is `preferred`. */
async function downloadChain(http: AcmeHttp, url: string, preferred?: string): Promise<string> {
  const first = await http.post<string>(url, null);
  if (!preferred) return String(first.data);
  const chains = [String(first.data)];
  for (const alt of alternateLinks(first.headers.link)) chains.push(String((await http.post<string>(alt, null)).data));
  const { topIssuerCommonName } = await import('./chain-choice.js');
  return chains.find((c) => topIssuerCommonName(c) === preferred) ?? chains[0];
}

function alternateLinks(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out: string[] = [];
  for (const v of values) {
    for (const part of v.split(/,(?=\s*<)/)) {
      const m = /<([^>]+)>\s*;.*rel="?alternate"?/.exec(part);
      if (m) out.push(m[1]);
    }
  }
  return out;
}
