/**
 * The HTTP-01 challenges of one order: the webroot or server is made ready before the order is
 * placed (a port in use fails there, not after the CA has created authorizations), every token
 * is presented, each is fetched as the CA will (the self-check) or the solver's
 * `waitInsteadOfSelfCheck` is waited out, and everything presented is withdrawn afterwards,
 * whatever happened, including an interrupted run (cleanup runs in the issuer's finally).
 */
import { formatListenAddress } from '../../../shared/listen-address.js';
import type { AcmeSolver } from '../../../spec/types.js';
import type { JournaledFile } from '../../../stores/records.js';
import type { IssuerEvent } from '../../issuer.js';
import { splitByWaitInsteadOfSelfCheck, waitInsteadOfSelfCheck, type Journal } from '../challenge-tasks.js';
import { describeHttp01Method, type ResolvedHttp01Method } from './http01-method.js';
import type { Http01Options } from './http01-options.js';
import type { Http01Resources } from './http01-resources.js';
import { selfCheck, type ResolveAddresses } from './self-check.js';
import type { ChallengeServer } from './standalone-server.js';
import type { WebrootChallengeDir } from './webroot.js';

/** One http-01 challenge to answer. */
export interface Http01Task {
  /** The identifier as ordered: a DNS name or an IP address. */
  identifier: string;
  token: string;
  keyAuthorization: string;
  solver: AcmeSolver;
}

/** What {@link Http01Challenges} needs for one order. */
export interface Http01Deps {
  /** How this certificate's challenges are answered; undefined when nothing says (an input error caught before, normally). */
  method: ResolvedHttp01Method | undefined;
  options: Http01Options;
  /** The run's servers and webroot directories. */
  resources: Http01Resources;
  /** A or AAAA addresses of a name, through the run's DNS resolver. */
  resolve: ResolveAddresses;
  /** Pause between self-check attempts (cert-manager uses its --dns01-check-retry-period for both). */
  pollIntervalMs: number;
  userAgent?: string;
  event: IssuerEvent;
  signal?: AbortSignal;
  /** Told before each webroot file is written and after it is removed, so a killed run's files are removed later. */
  journal?: Journal<JournaledFile>;
}

type Held = { kind: 'server'; key: string; server: ChallengeServer } | { kind: 'webroot'; key: string; dir: WebrootChallengeDir };

/** Presents, checks and withdraws the http-01 challenges of one order (one certificate). */
export class Http01Challenges {
  private held?: Held;
  private readonly presented: Http01Task[] = [];

  constructor(private readonly deps: Http01Deps) {}

  /** Binds the server or opens the webroot, once; throws a message saying what to do. */
  async prepare(): Promise<void> {
    if (this.held) return;
    const resolved = this.deps.method;
    if (!resolved) throw new Error('no way to answer HTTP-01 challenges: pass --http01-webroot DIR or --http01-standalone, or annotate the Issuer with certctl.io/http01-webroot or certctl.io/http01-listen');
    const m = resolved.method;
    const r = this.deps.resources;
    if (m.kind === 'standalone') {
      const key = formatListenAddress(m.listen);
      this.held = { kind: 'server', key, server: await r.servers.acquire(key, () => r.listen(m.listen)) };
    } else {
      this.held = { kind: 'webroot', key: m.dir, dir: await r.webroots.acquire(m.dir, () => r.openWebroot(m.dir)) };
    }
    this.deps.event('Http01', `answering HTTP-01 with ${describeHttp01Method(m)} (${resolved.source})`, 'debug');
  }

  /** Serves or writes every token; the webroot or server is made ready first if it is not. */
  async presentAll(tasks: Http01Task[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.prepare();
    const held = this.held!;
    for (const t of tasks) {
      if (this.presented.some((p) => p.token === t.token)) continue;
      this.presented.push(t);
      const url = `http://${t.identifier.includes(':') ? `[${t.identifier}]` : t.identifier}/.well-known/acme-challenge/${t.token}`;
      if (held.kind === 'server') {
        held.server.serve(t.token, t.keyAuthorization);
        this.deps.event('Presented', `${t.identifier}: ${url} served by certctl on ${held.key} (${t.solver.path})`);
      } else {
        await this.deps.journal?.added({ webroot: held.key, token: t.token });
        const path = await held.dir.write(t.token, t.keyAuthorization);
        this.deps.event('Presented', `${t.identifier}: wrote ${path} for ${url} (${t.solver.path})`);
      }
    }
  }

  /**
   * Fetches each token as the CA will (unless the self-check is off), or waits the solver's
   * `waitInsteadOfSelfCheck`. A self-check that does not pass in time fails the certificate
   * before the CA is asked, so no failed validation counts against the CA's limits.
   */
  async waitForAll(): Promise<void> {
    if (this.presented.length === 0) return;
    const o = this.deps.options;
    const started = Date.now();
    const { blind, checked: notBlind, longestMs: longest } = splitByWaitInsteadOfSelfCheck(this.presented);
    const checked = o.selfCheck ? notBlind : [];
    if (blind.length > 0) this.deps.event('Waiting', `waiting ${longest / 1000} s instead of the HTTP-01 self-check (waitInsteadOfSelfCheck) for ${blind.map((t) => t.identifier).join(', ')}`);
    const how = this.deps.method ? describeHttp01Method(this.deps.method.method) : 'HTTP-01';
    await Promise.all([
      waitInsteadOfSelfCheck(longest, this.deps.signal),
      ...checked.map((t) =>
        selfCheck(t, {
          resolve: this.deps.resolve,
          httpPort: o.selfCheckPort,
          userAgent: this.deps.userAgent,
          signal: this.deps.signal,
          timeoutMs: o.selfCheckTimeoutMs,
          intervalMs: this.deps.pollIntervalMs,
          log: (message) => this.deps.event('SelfCheck', `${t.identifier}: ${message}`, 'debug'),
        }).catch((err: Error) => {
          if (this.deps.signal?.aborted) throw err;
          throw new Error(`${t.identifier}: the CA would not see the HTTP-01 challenge: ${err.message}; ${hintFor(this.held)} (if the CA can reach it but this host cannot: --http01-skip-self-check, or waitInsteadOfSelfCheck on ${t.solver.path})`);
        }),
      ),
    ]);
    if (checked.length > 0) this.deps.event('SelfChecked', `${checked.length} HTTP-01 challenge(s) served as the CA will fetch them (${how}) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Withdraws every token and lets go of the server or webroot; returns the problems instead of throwing. */
  async cleanupAll(): Promise<string[]> {
    const problems: string[] = [];
    const held = this.held;
    this.held = undefined;
    const tasks = this.presented.splice(0);
    if (!held) return problems;
    let removed = 0;
    for (const t of tasks) {
      try {
        if (held.kind === 'server') held.server.withdraw(t.token);
        else {
          await held.dir.remove(t.token);
          await this.deps.journal?.removed({ webroot: held.key, token: t.token });
        }
        removed++;
      } catch (err) {
        problems.push(`${t.identifier}: ${(err as Error).message}`);
      }
    }
    const r = this.deps.resources;
    await (held.kind === 'server' ? r.servers.release(held.key) : r.webroots.release(held.key)).catch((err: Error) => problems.push(`HTTP-01 ${held.key}: ${err.message}`));
    if (removed > 0) this.deps.event('CleanedUp', held.kind === 'server' ? `stopped serving ${removed} HTTP-01 token(s) on ${held.key}` : `removed ${removed} HTTP-01 challenge file(s) from ${held.dir.directory}`);
    return problems;
  }
}

function hintFor(held: Held | undefined): string {
  if (held?.kind === 'webroot') return `check that the web server serves ${held.key} at /.well-known/acme-challenge/ for this name on port 80`;
  if (held?.kind === 'server') return `check that port 80 of this name reaches certctl on ${held.key} (DNS records, firewall, port forwarding)`;
  return 'check how the name reaches this host';
}
