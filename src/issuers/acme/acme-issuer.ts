/**
 * cert-manager's `acme` issuer. This module is what every run loads; the order machinery (JWS,
 * DNS, providers) is imported only when something is signed or cleaned up, and renewal info needs
 * neither: a renew with nothing due stays cheap.
 */
import type { AcmeIssuerSpec, IssuerResource } from '../../spec/types.js';
import type { Issuer } from '../issuer.js';
import type { IssuerDeps } from '../registry.js';
import type { AcmeRunServices } from './run-services.js';

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
