/**
 * The heavy half of the ACME issuer, loaded only when something is ordered or cleaned up: the
 * account session, the order, the DNS-01 and HTTP-01 challenges and what presents them.
 */
import type { KeyObject } from 'node:crypto';
import { Resolver } from '../../dns/resolver.js';
import { buildCsr } from '../../pki/csr.js';
import { encodePrivateKey, parsePrivateKey } from '../../pki/keys.js';
import { splitPem } from '../../pki/pem.js';
import { ariCertId } from '../../renewal/ari.js';
import { memo } from '../../shared/memo.js';
import type { DnsProvider, ProviderContext } from '../../providers/provider.js';
import type { AcmeIssuerSpec, AcmeSolver, IssuerResource } from '../../spec/types.js';
import type { AcmeState, NewOrderEntry, PendingOrder } from '../../stores/records.js';
import { accountId } from './acme-issuer.js';
import { isRenewal, registeredDomains } from './rate-budget.js';
import type { IssuerEvent, IssuerStateSlot, SignRequest, SignedBundle } from '../issuer.js';
import { csrRequestFromSpec } from '../template.js';
import { accountIdOf } from './account-key-secret.js';
import { openAccount } from './account.js';
import type { AcmeHttp } from './acme-http.js';
import type { AcmeIssuerDeps } from './acme-issuer.js';
import type { AcmeChallengeTask, Journal } from './challenge-tasks.js';
import { Dns01Challenges } from './dns01-challenges.js';
import { Http01Challenges, type Http01Task } from './http01/http01-challenges.js';
import { http01MethodFor } from './http01/http01-method.js';
import { DEFAULT_HTTP01_OPTIONS } from './http01/http01-options.js';
import { Http01Resources } from './http01/http01-resources.js';
import { addressesVia } from './http01/resolve-addresses.js';
import { WebrootChallengeDir } from './http01/webroot.js';
import { acmeIdentifiers } from './identifiers.js';
import { resumeOrder, runOrder } from './order-flow.js';
import { challengeTypeOf, predictedChallengeTypes, selectSolver } from './solver-selection.js';

/** One account lookup per server and account key per run, shared by every certificate and issuer using it. */
function session(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, req: Pick<SignRequest, 'signal' | 'event'>): Promise<AcmeHttp> {
  return memo(deps.services.sessions, accountIdOf(spec, deps.secretNamespace), () => openAccount(resource, spec, deps, req.signal, req.event));
}

/** The provider of one solver of this issuer: one instance per run. */
function providerFor(resource: IssuerResource, deps: AcmeIssuerDeps, solver: AcmeSolver): Promise<DnsProvider> {
  const p = solver.dns01?.provider;
  if (!p || p.kind !== 'provider') throw new Error(`${solver.path} of ${resource.kind} ${resource.metadata.name}: ${p?.kind === 'unsupported' ? p.message : 'not a dns01 solver'}`);
  const o = deps.services.options;
  const tokens = o.serviceAccountToken;
  const ctx: ProviderContext = {
    secretNamespace: deps.secretNamespace,
    env: o.env,
    runCommand: o.runCommand,
    debug: o.debug,
    ...(tokens ? { serviceAccountToken: (name: string, audiences: string[]) => tokens(deps.secretNamespace, name, audiences) } : {}),
    secretValue: async (ref, defaultKey) => {
      const key = ref.key ?? defaultKey;
      const s = await deps.secrets(deps.secretNamespace, ref.name);
      const v = key ? s?.data[key] : undefined;
      if (!v) throw new Error(`${ref.path}: Secret ${deps.secretNamespace}/${ref.name}${key ? ` key ${key}` : ''} not found`);
      return v.toString('utf8').trim();
    },
  };
  const issuerId = `${resource.kind}/${resource.metadata.namespace}/${resource.metadata.name}`;
  return deps.services.providers.get(`${issuerId}|${solver.path}`, p, ctx);
}

function resolverOf(deps: AcmeIssuerDeps): Resolver {
  const o = deps.services.options.dns01;
  return (deps.services.resolver ??= new Resolver({ nameservers: o.recursiveNameservers, timeoutMs: o.queryTimeoutMs }));
}

/** The run's HTTP-01 servers and webroot directories, created by the first order that needs them. */
function http01ResourcesOf(deps: AcmeIssuerDeps): Http01Resources {
  const debug = deps.services.options.debug;
  return (deps.services.http01 ??= new Http01Resources(debug));
}

/**
 * Waits for all of `work`; the first failure aborts the rest through `abort` (a self-check that
 * failed need not wait for DNS propagation) and is what is thrown, once everything has settled,
 * so that cleanup never races a provider call still in flight.
 */
async function allOrAbort(work: (Promise<unknown> | undefined)[], abort: AbortController): Promise<void> {
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    work.map((p) =>
      p?.catch((error: unknown) => {
        first ??= { error };
        abort.abort(error);
      }),
    ),
  );
  if (first) throw first.error;
}

/** The journal lists of the certificate's ACME state, and what each holds. */
type JournalList = 'presentedChallenges' | 'presentedFiles';
type JournalItem<K extends JournalList> = NonNullable<AcmeState[K]>[number];

/**
 * Journals in one list of the certificate's ACME state: an item is appended when added; when
 * removed, every item `same` as it goes, and the list itself once it is empty.
 */
function listJournalOf<K extends JournalList>(state: IssuerStateSlot, list: K, same: (a: JournalItem<K>, b: JournalItem<K>) => boolean): Journal<JournalItem<K>> {
  return {
    added: (item) => state.update((s) => ({ ...s, acme: { ...s?.acme, [list]: [...(s?.acme?.[list] ?? []), item] } })),
    removed: (item) =>
      state.update((s) => {
        const { [list]: items = [], ...acme } = s?.acme ?? {};
        const rest = items.filter((x) => !same(x, item));
        return { ...s, acme: rest.length > 0 ? { ...acme, [list]: rest } : acme };
      }),
  };
}

/** Journals DNS-01 TXT values in the certificate's ACME state. */
function journalOf(state: IssuerStateSlot): Journal<JournalItem<'presentedChallenges'>> {
  return listJournalOf(state, 'presentedChallenges', (a, b) => a.fqdn === b.fqdn && a.value === b.value);
}

/** Journals HTTP-01 webroot files in the certificate's ACME state. */
function fileJournalOf(state: IssuerStateSlot): Journal<JournalItem<'presentedFiles'>> {
  return listJournalOf(state, 'presentedFiles', (a, b) => a.webroot === b.webroot && a.token === b.token);
}

function setPendingOrder(state: IssuerStateSlot, o: PendingOrder | undefined): Promise<void> {
  return state.update((s) => {
    const { pendingOrder: _old, ...acme } = s?.acme ?? {};
    return { ...s, acme: o ? { ...acme, pendingOrder: o } : acme };
  });
}

export async function signWithAcme(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, req: SignRequest): Promise<SignedBundle> {
  const cert = req.certificate;
  const http = await session(resource, spec, deps, req);
  const journal = journalOf(req.state);
  // Ends the waits of this order's other challenges when one fails; the run's signal ends them all.
  const orderAbort = new AbortController();
  const signal = req.signal ? AbortSignal.any([req.signal, orderAbort.signal]) : orderAbort.signal;
  const challenges = new Dns01Challenges({
    resolver: resolverOf(deps),
    zones: deps.services.zones,
    options: deps.services.options.dns01,
    providerFor: (solver) => providerFor(resource, deps, solver),
    event: req.event,
    signal,
    journal,
  });
  const http01Options = deps.services.options.http01 ?? DEFAULT_HTTP01_OPTIONS;
  const web = new Http01Challenges({
    method: http01MethodFor(cert, resource, http01Options.method),
    options: http01Options,
    resources: http01ResourcesOf(deps),
    resolve: addressesVia(resolverOf(deps)),
    pollIntervalMs: deps.services.options.dns01.pollIntervalMs,
    userAgent: deps.services.options.userAgent,
    event: req.event,
    signal,
    journal: fileJournalOf(req.state),
  });
  const before = http.requests;
  const identifiers = acmeIdentifiers(cert.spec);
  const idKeys = identifiers.map((i) => `${i.type}:${i.value}`).sort();
  const csrFor = (key: KeyObject): Buffer => splitPem(buildCsr(csrRequestFromSpec(cert.spec), key))[0]!.der;
  const baseHooks = { signal: req.signal, event: req.event, fault: req.fault };
  const pending = req.state.get()?.acme?.pendingOrder;
  const afterWrite = (): Promise<void> =>
    req.state.update((s) => {
      // A new certificate: the order is done and the old certificate's ARI window is history.
      const { pendingOrder: _o, ari: _a, ariBackoff: _b, ...acme } = s?.acme ?? {};
      return { ...s, acme };
    });
  if (pending && pending.server === spec.server && pending.identifiers.join(',') === idKeys.join(',')) {
    const key = parsePrivateKey(pending.keyPem).key;
    const chainPem = await resumeOrder(http, pending.orderUrl, { csrDer: () => csrFor(key), preferredChain: spec.preferredChain }, baseHooks);
    if (chainPem) return { chainPem, privateKey: key, afterWrite };
  }
  if (pending) await setPendingOrder(req.state, undefined);
  await recordNewOrder(req, spec, deps, identifiers.map((i) => i.value), identifiers.filter((i) => i.type === 'dns').map((i) => i.value));
  try {
    // The server is bound (or the webroot opened) before the CA is asked for anything: a port in
    // use fails here, before the order creates authorizations.
    if (identifiers.some((id) => selectSolver(spec.solvers, id.value, cert.metadata.labels, predictedChallengeTypes(id))?.http01)) await web.prepare();
    const chainPem = await runOrder(
      http,
      {
        identifiers,
        replaces: req.replacing?.authorityKeyId ? ariCertId(req.replacing) : undefined,
        profile: spec.profile,
        notAfter: spec.enableDurationFeature && cert.spec.durationSet ? new Date(req.now.getTime() + cert.spec.durationMs).toISOString() : undefined,
        preferredChain: spec.preferredChain,
        csrDer: async () => csrFor(await req.privateKey),
      },
      {
        ...baseHooks,
        beforeFinalize: async (orderUrl) =>
          setPendingOrder(req.state, { orderUrl, server: spec.server, identifiers: idKeys, keyPem: encodePrivateKey(await req.privateKey, 'PKCS8'), createdAt: new Date().toISOString() }),
        tasksFor: async (work) =>
          work.map((p): AcmeChallengeTask => {
            const offered = p.offered.map((c) => c.type);
            const solver = selectSolver(spec.solvers, p.identifier, cert.metadata.labels, offered);
            const type = solver && challengeTypeOf(solver);
            const token = p.offered.find((c) => c.type === type)?.token;
            if (!solver || !type || token === undefined) {
              throw new Error(`${p.identifier}: no solver of ${resource.kind} ${resource.metadata.name} matches it for the challenges the CA offers (${offered.join(', ') || 'none'})`);
            }
            if (type === 'dns-01') return { type, identifier: p.identifier, solver, token, value: http.dns01Value(token) };
            return { type, identifier: p.identifier, solver, token, keyAuthorization: http.keyAuthorization(token) };
          }),
        presentAndWait: async (tasks) => {
          const dns = tasks.filter((t) => t.type === 'dns-01');
          const http01 = tasks.filter((t): t is Http01Task & { type: 'http-01' } => t.type === 'http-01');
          await allOrAbort([dns.length > 0 ? challenges.presentAll(dns) : undefined, web.presentAll(http01)], orderAbort);
          await allOrAbort([dns.length > 0 ? challenges.waitForAll() : undefined, web.waitForAll()], orderAbort);
        },
      },
    );
    req.event('Downloaded', `certificate chain downloaded (${http.requests - before} ACME requests for this order, ${http.requests} with this account so far)`);
    return { chainPem, afterWrite };
  } finally {
    const problems = (await Promise.all([challenges.cleanupAll(), web.cleanupAll()])).flat();
    for (const p of problems) req.event('CleanupFailed', p, 'warning');
  }
}

/** Kept in each certificate's ACME state for the rate budgets: the longest Let's Encrypt window. */
const NEW_ORDER_HISTORY_MS = 7 * 86_400_000;

/**
 * Notes a new order (not a renewal of the same names) in the certificate's ACME state before it is
 * placed, so later runs count it against the budgets even if this run dies mid-order.
 */
async function recordNewOrder(req: SignRequest, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, ids: string[], dnsNames: string[]): Promise<void> {
  if (isRenewal(ids, req.replacing)) return;
  const entry: NewOrderEntry = { at: req.now.toISOString(), account: accountId(spec, deps), domains: await registeredDomains(dnsNames) };
  const since = req.now.getTime() - NEW_ORDER_HISTORY_MS;
  await req.state.update((s) => ({ ...s, acme: { ...s?.acme, newOrders: [...(s?.acme?.newOrders ?? []).filter((e) => Date.parse(e.at) > since), entry] } }));
}

/**
 * Removes what a killed run left: TXT values in DNS and HTTP-01 files in webroots (the empty
 * directories stay: another run may be using them). What cannot be removed stays journaled for
 * the next run.
 */
export async function removeLeftovers(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, state: IssuerStateSlot, event: IssuerEvent, signal?: AbortSignal): Promise<void> {
  await removeLeftoverFiles(state, event);
  const leftovers = state.get()?.acme?.presentedChallenges ?? [];
  const journal = journalOf(state);
  let removed = 0;
  for (const l of leftovers) {
    const solver = spec.solvers.find((s) => s.path === l.solverPath);
    try {
      if (!solver?.dns01) throw new Error(`its solver ${l.solverPath} is no longer in ${resource.kind} ${resource.metadata.name}`);
      const provider = await providerFor(resource, deps, solver);
      await provider.cleanUp({ fqdn: l.fqdn, zone: l.zone, value: l.value, ttl: 60 }, signal);
      await journal.removed(l);
      removed++;
    } catch (err) {
      event('CleanupFailed', `cannot remove TXT ${l.fqdn} left by an interrupted run: ${(err as Error).message}`, 'warning');
    }
  }
  if (removed > 0) event('CleanedUp', `removed ${removed} TXT value(s) left by an interrupted run`);
}

async function removeLeftoverFiles(state: IssuerStateSlot, event: IssuerEvent): Promise<void> {
  const files = state.get()?.acme?.presentedFiles ?? [];
  const journal = fileJournalOf(state);
  let removed = 0;
  for (const f of files) {
    try {
      // Not created again if gone; symlinks refused as when writing.
      const dir = await WebrootChallengeDir.open(f.webroot, { create: false }).catch((err: Error) => {
        if (/does not exist$/.test(err.message)) return undefined;
        throw err;
      });
      if (dir) {
        await dir.remove(f.token).finally(() => dir.close());
        removed++;
      }
      await journal.removed(f);
    } catch (err) {
      event('CleanupFailed', `cannot remove the HTTP-01 file ${f.webroot}/.well-known/acme-challenge/${f.token} left by an interrupted run: ${(err as Error).message}`, 'warning');
    }
  }
  if (removed > 0) event('CleanedUp', `removed ${removed} HTTP-01 challenge file(s) left by an interrupted run`);
}
