import { Resolver } from '../../dns/resolver.js';
import type { KeyObject } from 'node:crypto';
import { buildCsr } from '../../pki/csr.js';
import { encodePrivateKey, parsePrivateKey } from '../../pki/keys.js';
import { ariCertId } from '../../renewal/ari.js';
import { fetchRenewalInfo } from './ari-client.js';
import type { AcmeHttp } from './acme-http.js';
import { acmeServerFor } from './server-session.js';
import type { AcmeServerClient } from './transport/server-client.js';
import { createProvider } from '../../providers/registry.js';
import type { DnsProvider } from '../../providers/provider.js';
import type { AcmeIssuerSpec, AcmeSolver, IssuerResource } from '../../spec/types.js';
import type { Issuer, SignRequest, SignedBundle } from '../issuer.js';
import type { IssuerDeps } from '../registry.js';
import { subjectFromSpec } from '../template.js';
import { openAccount } from './account.js';
import { Dns01Challenges } from './dns01-challenges.js';
import { acmeIdentifiers } from './identifiers.js';
import { resumeOrder, runOrder } from './order-flow.js';
import { selectSolver } from './solver-selection.js';

/**
 * cert-manager's `acme` issuer with DNS-01: one order for all names, challenges solved by the
 * solver cert-manager would pick for each, records always cleaned up, the chain checked by the
 * caller before anything is written. ACME issuers return no `ca.crt`, as in cert-manager.
 */
export async function createAcmeIssuer(resource: IssuerResource, spec: AcmeIssuerSpec, deps: IssuerDeps): Promise<Issuer> {
  const resolver = new Resolver({ nameservers: deps.dns01.recursiveNameservers, timeoutMs: deps.dns01.queryTimeoutMs });
  const providers = new Map<AcmeSolver, Promise<DnsProvider>>();
  const providerFor = (solver: AcmeSolver): Promise<DnsProvider> => {
    let p = providers.get(solver);
    if (!p) {
      const tokens = deps.serviceAccountToken;
      p = createProvider(solver.dns01!.provider, {
        env: deps.env,
        ...(tokens ? { serviceAccountToken: (name: string, audiences: string[]) => tokens(deps.secretNamespace, name, audiences) } : {}),
        secretValue: async (ref, defaultKey) => {
          const key = ref.key ?? defaultKey;
          const s = await deps.secrets(deps.secretNamespace, ref.name);
          const v = key ? s?.data[key] : undefined;
          if (!v) throw new Error(`${ref.path}: Secret ${deps.secretNamespace}/${ref.name}${key ? ` key ${key}` : ''} not found`);
          return v.toString('utf8').trim();
        },
      });
      providers.set(solver, p);
    }
    return p;
  };

  return {
    async sign(req: SignRequest): Promise<SignedBundle> {
      const cert = req.certificate;
      const http = await session(resource, spec, deps, req);
      const challenges = new Dns01Challenges({ resolver, options: deps.dns01, providerFor, event: req.event, signal: req.signal, journal: req.journal });
      const before = http.requests;
      const identifiers = acmeIdentifiers(cert.spec);
      const idKeys = identifiers.map((i) => `${i.type}:${i.value}`).sort();
      const csrFor = (key: KeyObject) => () =>
        csrDer(buildCsr({ subject: subjectFromSpec(cert.spec), dnsNames: cert.spec.dnsNames, ipAddresses: cert.spec.ipAddresses, uris: cert.spec.uris, emailAddresses: cert.spec.emailAddresses, usages: cert.spec.usages, isCA: cert.spec.isCA }, key));
      const baseHooks = { signal: req.signal, event: req.event, fault: req.fault };
      const pending = req.pendingOrder;
      if (pending && pending.server === spec.server && pending.identifiers.join(',') === idKeys.join(',')) {
        const key = parsePrivateKey(pending.keyPem).key;
        const chainPem = await resumeOrder(http, pending.orderUrl, { csrDer: csrFor(key), preferredChain: spec.preferredChain }, baseHooks);
        if (chainPem) return { chainPem, privateKey: key };
      }
      if (pending) await req.journal?.setPendingOrder(undefined);
      try {
        const chainPem = await runOrder(
          http,
          {
            identifiers,
            replaces: req.replaces,
            profile: spec.profile,
            notAfter: spec.enableDurationFeature && cert.spec.durationSet ? new Date(req.now.getTime() + cert.spec.durationMs).toISOString() : undefined,
            preferredChain: spec.preferredChain,
            csrDer: csrFor(req.privateKey),
          },
          {
            ...baseHooks,
            beforeFinalize: async (orderUrl) =>
              req.journal?.setPendingOrder({ orderUrl, server: spec.server, identifiers: idKeys, keyPem: encodePrivateKey(req.privateKey, 'PKCS8'), createdAt: new Date().toISOString() }),
            tasksFor: async (pending) =>
              Promise.all(
                pending.map(async (p) => {
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
        return { chainPem };
      } finally {
        const problems = await challenges.cleanupAll();
        for (const p of problems) req.event('CleanupFailed', p);
      }
    },

    async renewalInfo(cert, now) {
      return fetchRenewalInfo(await ariSession(spec, deps), ariCertId(cert), now);
    },

    async cleanupLeftovers(leftovers, signal) {
      const problems: string[] = [];
      for (const l of leftovers) {
        const solver = spec.solvers.find((s) => s.path === l.solverPath);
        try {
          if (!solver?.dns01) throw new Error(`its solver ${l.solverPath} is no longer in ${resource.kind} ${resource.metadata.name}`);
          const provider = await providerFor(solver);
          await provider.cleanUp({ fqdn: l.fqdn, zone: l.zone, value: l.value, ttl: 60 }, signal);
        } catch (err) {
          problems.push(`cannot remove TXT ${l.fqdn} left by an interrupted run: ${(err as Error).message}`);
        }
      }
      return problems;
    },
  };
}

/**
 * renewalInfo is unauthenticated: the run's account-less client of the server (one connection
 * pool, the directory fetched once) serves every certificate's ARI request and loads no JWS code.
 */
function ariSession(spec: AcmeIssuerSpec, deps: IssuerDeps): AcmeServerClient {
  return acmeServerFor(spec, deps.cache);
}

/** One account lookup per issuer and account key per run, shared by its certificates. */
async function session(resource: IssuerResource, spec: AcmeIssuerSpec, deps: IssuerDeps, req: SignRequest): Promise<AcmeHttp> {
  const key = `acme:${spec.server}:${deps.secretNamespace}/${spec.privateKeySecretRef.name}`;
  let s = deps.cache.get(key) as Promise<AcmeHttp> | undefined;
  if (!s) {
    s = openAccount(resource, spec, deps, req.signal, req.event);
    deps.cache.set(key, s);
    s.catch(() => deps.cache.delete(key));
  }
  return s;
}

function csrDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
