import { evaluate, readinessChain } from '../renewal/chains.js';
import { scheduledRenewal } from '../renewal/scheduled-renewal.js';
import type { Issuer } from '../issuers/issuer.js';
import type { CertificateStore } from '../stores/store.js';
import type { PlannedChallenge } from './events.js';
import { gatherPolicyInput } from './gather.js';
import type { PlannedCertificate } from './plan.js';

/** One row of `certctl status`. */
export interface CertificateStatusRow {
  name: string;
  namespace: string;
  secretName: string;
  ready: boolean;
  /** `Ready`, or the first failing readiness check (DoesNotExist, Expired, RequestChanged, IssuerCAChanged, ...). */
  reason: string;
  message: string;
  notAfter?: string;
  daysLeft?: number;
  renewalTime?: string;
  /** How the renewal time was found (its window, or why the window moved it). */
  renewal?: string;
  issuer: string;
  /** ACME: the challenge each name is validated with. */
  challenges?: PlannedChallenge[];
  revision?: number;
  lastFailureTime?: string;
  lastFailureMessage?: string;
  failedIssuanceAttempts?: number;
  location?: string;
}

/**
 * Reads the store for each Certificate and says whether it is ready, as cert-manager's Ready
 * condition, plus whether its issuer's CA still signed it. Contacts nothing but the store.
 */
export async function statusReport(
  plan: PlannedCertificate[],
  store: CertificateStore,
  issuerFor: (entry: PlannedCertificate) => Promise<Issuer>,
  now: Date,
): Promise<CertificateStatusRow[]> {
  return Promise.all(
    plan.map(async (entry) => {
      const cert = entry.certificate;
      const ref = cert.spec.issuerRef;
      const base = { name: cert.metadata.name, namespace: cert.metadata.namespace, secretName: cert.spec.secretName, issuer: `${ref.kind}/${ref.name}`, ...(entry.challenges ? { challenges: entry.challenges } : {}) };
      let stored;
      try {
        stored = await store.read({ namespace: cert.metadata.namespace, secretName: cert.spec.secretName });
      } catch (err) {
        return { ...base, ready: false, reason: 'StoreError', message: (err as Error).message };
      }
      const input = gatherPolicyInput(cert, stored, now, false);
      const issuer = await issuerFor(entry).catch(() => undefined);
      if (issuer?.currentCa) input.issuerCa = issuer.currentCa;
      const v = evaluate(readinessChain, input);
      const leaf = input.cert && !input.certError ? input.cert : undefined;
      const s = stored?.status;
      const ariChosen = s?.issuer?.acme?.ari?.serial === leaf?.serialHex ? s?.issuer?.acme?.ari?.chosen : undefined;
      const schedule = leaf ? scheduledRenewal(leaf.notBefore, leaf.notAfter, cert.spec, ariChosen ? new Date(ariChosen) : undefined) : undefined;
      return {
        ...base,
        ready: !v,
        reason: v?.reason ?? 'Ready',
        message: v?.message ?? 'Certificate is up to date and has not expired',
        notAfter: leaf?.notAfter.toISOString(),
        daysLeft: leaf ? Math.floor((leaf.notAfter.getTime() - now.getTime()) / 86_400_000) : undefined,
        renewalTime: schedule?.at?.toISOString(),
        ...(schedule ? { renewal: schedule.explanation } : {}),
        revision: stored?.record?.revision,
        lastFailureTime: s?.lastFailureTime,
        lastFailureMessage: s?.lastFailureMessage,
        failedIssuanceAttempts: s?.failedIssuanceAttempts,
        location: stored?.location,
      };
    }),
  );
}
