/**
 * cert-manager's `acme` issuer. This module is what every run loads; the order machinery (JWS,
 * DNS, providers) is imported only when something is signed or cleaned up, and renewal info needs
 * neither: a renew with nothing due stays cheap.
 */
import type { AcmeIssuerSpec, IssuerResource } from '../../spec/types.js';
import type { Issuer } from '../issuer.js';
import type { IssuerDeps } from '../registry.js';
import type { AcmeRunServices } from './run-services.js';
import { acmeIdentifiers } from './identifiers.js';
import { isRenewal, registeredDomains } from './rate-budget.js';

/** How the rate budgets name an ACME account: its server and account key Secret (never the key). */
export function accountId(spec: AcmeIssuerSpec, deps: Pick<IssuerDeps, 'secretNamespace'>): string {
  return `${spec.server} ${deps.secretNamespace}/${spec.privateKeySecretRef.name}`;
}

/** Everything one ACME issuer needs: its Secrets' namespace and lookups, and the run's shared services. */
export interface AcmeIssuerDeps extends IssuerDeps {
  services: AcmeRunServices;
}

/**
 * One order for all names, challenges solved by the solver cert-manager would pick for each,
 * records always cleaned up, the chain checked by the caller before anything is written. ACME
 * issuers return no `ca.crt`, as in cert-manager.
 */
export function createAcmeIssuer(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps): Issuer {
  return {
    async sign(req) {
      const { signWithAcme } = await import('./sign-order.js');
      return signWithAcme(resource, spec, deps, req);
    },
    async admit(req) {
      const budget = deps.services.budget;
      if (budget.unlimited) return undefined;
      const ids = acmeIdentifiers(req.certificate.spec);
      // A renewal of the same names is exempt from both limits; an order resumed from an earlier
      // run was counted when it was placed.
      if (isRenewal(ids.map((i) => i.value), req.replacing)) return undefined;
      const domains = await registeredDomains(ids.filter((i) => i.type === 'dns').map((i) => i.value));
      return budget.reserve(accountId(spec, deps), domains, req.now);
    },
    async recover(state, event, signal) {
      const acme = state.get()?.acme;
      if (!acme?.presentedChallenges?.length && !acme?.presentedFiles?.length) return;
      const { removeLeftovers } = await import('./sign-order.js');
      await removeLeftovers(resource, spec, deps, state, event, signal);
    },
    async renewalWindow(leaf, state, req) {
      const { ariRenewalWindow } = await import('./ari-schedule.js');
      return ariRenewalWindow(spec, deps.services, leaf, state, req);
    },
  };
}
