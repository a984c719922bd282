/**
 * The heavy half of the ACME issuer, loaded only when something is ordered or cleaned up: the
 * account session, the order, the DNS-01 challenges and their providers.
 */
import type { KeyObject } from 'node:crypto';
import { Resolver } from '../../dns/resolver.js';
import { buildCsr } from '../../pki/csr.js';
import { encodePrivateKey, parsePrivateKey } from '../../pki/keys.js';
import { ariCertId } from '../../renewal/ari.js';
import { memo } from '../../shared/memo.js';
import type { DnsProvider, ProviderContext } from '../../providers/provider.js';
import type { AcmeIssuerSpec, AcmeSolver, IssuerResource } from '../../spec/types.js';
import type { JournaledChallenge, NewOrderEntry, PendingOrder } from '../../stores/records.js';
import { accountId } from './acme-issuer.js';
import { isRenewal, registeredDomains } from './rate-budget.js';
import type { IssuerEvent, IssuerStateSlot, SignRequest, SignedBundle } from '../issuer.js';
import { subjectFromSpec } from '../template.js';
import { openAccount } from './account.js';
import type { AcmeHttp } from './acme-http.js';
import type { AcmeIssuerDeps } from './acme-issuer.js';
import { Dns01Challenges } from './dns01-challenges.js';
import type { ChallengeJournal } from './dns01-challenges.js';
import { acmeIdentifiers } from './identifiers.js';
import { resumeOrder, runOrder } from './order-flow.js';
import { selectSolver } from './solver-selection.js';

/** One account lookup per server and account key per run, shared by every certificate and issuer using it. */
function session(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, req: Pick<SignRequest, 'signal' | 'event'>): Promise<AcmeHttp> {
  const key = `${spec.server}|${deps.secretNamespace}/${spec.privateKeySecretRef.name}/${spec.privateKeySecretRef.key ?? 'tls.key'}`;
  return memo(deps.services.sessions, key, () => openAccount(resource, spec, deps, req.signal, req.event));
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

/** Journals DNS-01 values and the pending order in the certificate's ACME state. */
function journalOf(state: IssuerStateSlot): ChallengeJournal {
  const same = (a: JournaledChallenge, b: JournaledChallenge): boolean => a.fqdn === b.fqdn && a.value === b.value;
  return {
    added: (c) => state.update((s) => ({ ...s, acme: { ...s?.acme, presentedChallenges: [...(s?.acme?.presentedChallenges ?? []), c] } })),
    removed: (c) =>
      state.update((s) => {
        const { presentedChallenges = [], ...acme } = s?.acme ?? {};
        const rest = presentedChallenges.filter((x) => !same(x, c));
        return { ...s, acme: rest.length > 0 ? { ...acme, presentedChallenges: rest } : acme };
      }),
  };
}

function setPendingOrder(state: IssuerStateSlot, o: PendingOrder | undefined): Promise<void> {
  return state.update((s) => {
    const { pendingOrder: _old, ...acme } = s?.acme ?? {};
    return { ...s, acme: o ? { ...acme, pendingOrder: o } : acme };
  });
}

function csrDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

export async function signWithAcme(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, req: SignRequest): Promise<SignedBundle> {
  const cert = req.certificate;
  const http = await session(resource, spec, deps, req);
  const journal = journalOf(req.state);
  const challenges = new Dns01Challenges({
    resolver: resolverOf(deps),
    zones: deps.services.zones,
    options: deps.services.options.dns01,
    providerFor: (solver) => providerFor(resource, deps, solver),
    event: req.event,
    signal: req.signal,
    journal,
  });
  const before = http.requests;
  const identifiers = acmeIdentifiers(cert.spec);
  const idKeys = identifiers.map((i) => `${i.type}:${i.value}`).sort();
  const csrFor = (key: KeyObject) =>
    csrDer(buildCsr({ subject: subjectFromSpec(cert.spec), dnsNames: cert.spec.dnsNames, ipAddresses: cert.spec.ipAddresses, uris: cert.spec.uris, emailAddresses: cert.spec.emailAddresses, usages: cert.spec.usages, isCA: cert.spec.isCA }, key));
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
          Promise.all(
            work.map(async (p) => {
              const solver = selectSolver(spec.solvers, p.identifier, cert.metadata.labels);
              if (!solver?.dns01) throw new Error(`${p.identifier}: no dns01 solver of ${resource.kind} ${resource.metadata.name} matches it`);
              return { identifier: p.identifier, solver, value: await http.dns01Value(p.token) };
            }),
          ),
        presentAndWait: async (tasks) => {
          await challenges.presentAll(tasks);
          await challenges.waitForAll();
        },
      },
    );
    req.event('Downloaded', `certificate chain downloaded (${http.requests - before} ACME requests for this order, ${http.requests} with this account so far)`);
    return { chainPem, afterWrite };
  } finally {
    const problems = await challenges.cleanupAll();
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

/** Removes the TXT values a killed run left in DNS; what cannot be removed stays journaled for the next run. */
export async function removeLeftovers(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, state: IssuerStateSlot, event: IssuerEvent, signal?: AbortSignal): Promise<void> {
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
