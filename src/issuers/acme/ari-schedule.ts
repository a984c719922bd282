/**
 * When the CA wants a certificate renewed (RFC 9773 ARI), with what the ACME issuer remembers in
 * the certificate's status: the window is fetched at most once per Retry-After, and the moment
 * chosen inside it is kept while the window stays the same. A failure to fetch never blocks
 * renewal: the lifetime rule applies instead.
 */
import type { ParsedCertificate } from '../../pki/parse.js';
import { ariCertId, ariDecision } from '../../renewal/ari.js';
import type { AcmeIssuerSpec } from '../../spec/types.js';
import type { AriState } from '../../stores/records.js';
import type { IssuerStateSlot, RenewalWindow, RenewalWindowRequest } from '../issuer.js';
import { AriError, DEFAULT_ARI_RETRY_MS, fetchRenewalInfo } from './ari-client.js';
import type { AcmeRunServices } from './run-services.js';


export async function ariRenewalWindow(
  spec: AcmeIssuerSpec,
  services: AcmeRunServices,
  leaf: ParsedCertificate,
  slot: IssuerStateSlot,
  req: RenewalWindowRequest,
): Promise<RenewalWindow | undefined> {
  const now = req.now;
  // Expired: renew anyway, the CA's window no longer matters. No AKI: the CA cannot be asked.
  if (leaf.notAfter.getTime() <= now.getTime() || !leaf.authorityKeyId) return undefined;
  const acme = slot.get()?.acme;
  let state: AriState | undefined = acme?.ari?.serial === leaf.serialHex ? acme.ari : undefined;
  const backoff = acme?.ariBackoff?.serial === leaf.serialHex ? Date.parse(acme.ariBackoff.until) : NaN;
  const backedOff = backoff > now.getTime();
  // When the CA is asked next: the window may change then.
  let recheck = backedOff ? backoff : undefined;
  const settle = <T>(value: T): T => {
    const next = recheck ?? (state?.nextCheck ? Date.parse(state.nextCheck) : NaN);
    req.recheckAt?.(new Date(Number.isNaN(next) ? now.getTime() : next));
    return value;
  };
  if (!state && backedOff) return settle(undefined);
  if (!backedOff && (!state || !state.nextCheck || Date.parse(state.nextCheck) <= now.getTime())) {
    try {
      // renewalInfo is unauthenticated: the server's account-less client (no key, no JWS) serves
      // it. Loaded here, when a request is due, so that a run asking nothing loads no HTTPS client.
      const { acmeServerFor } = await import('./server-session.js');
      const info = await fetchRenewalInfo(acmeServerFor(spec, services.servers, services.serverExtras()), ariCertId(leaf), now);
      if (!info) {
        // The CA has no ARI: its directory is asked again after the usual interval, not on every
        // run (a no-op run over many certificates then sends nothing to the CA).
        const until = new Date(now.getTime() + DEFAULT_ARI_RETRY_MS).toISOString();
        await slot.update((s) => ({ ...s, acme: { ...s?.acme, ariBackoff: { serial: leaf.serialHex, until } } }));
        recheck = Date.parse(until);
        return settle(undefined);
      }
      const nextCheck = new Date(info.retryAfter?.getTime() ?? now.getTime() + DEFAULT_ARI_RETRY_MS).toISOString();
      const changed = !state || state.windowStart !== info.window.start.toISOString() || state.windowEnd !== info.window.end.toISOString();
      state = {
        serial: leaf.serialHex,
        windowStart: info.window.start.toISOString(),
        windowEnd: info.window.end.toISOString(),
        chosen: changed ? '' : state!.chosen,
        ...(info.explanationURL ? { explanationURL: info.explanationURL } : {}),
        nextCheck,
      };
      if (changed && info.explanationURL) req.event('ARI', `the CA changed its renewal window: ${info.explanationURL}`, 'warning');
    } catch (err) {
      if (req.signal?.aborted) throw err;
      req.event('ARI', `renewal information unavailable (${(err as Error).message}); using the certificate's lifetime`, 'warning');
      // Not again before the CA's Retry-After (else 6 h): a failing ARI must not cost a request per certificate and run.
      const until = new Date((err instanceof AriError && err.retryAfter ? err.retryAfter.getTime() : 0) || now.getTime() + DEFAULT_ARI_RETRY_MS).toISOString();
      await slot.update((s) => ({ ...s, acme: { ...s?.acme, ariBackoff: { serial: leaf.serialHex, until } } }));
      recheck = Date.parse(until);
      if (!state) return settle(undefined);
    }
  }
  if (!state) return settle(undefined);
  const window = { start: new Date(state.windowStart), end: new Date(state.windowEnd) };
  const d = ariDecision({
    window,
    chosen: state.chosen ? new Date(state.chosen) : undefined,
    chosenWindow: window,
    now,
    nextRunAt: req.nextRunAt,
    fallback: req.fallback,
    random: req.random,
  });
  const final: AriState = { ...state, chosen: (d.chosen ?? d.at).toISOString() };
  if (JSON.stringify(final) !== JSON.stringify(acme?.ari)) await slot.update((s) => ({ ...s, acme: { ...s?.acme, ari: final } }));
  return settle({
    at: d.at,
    renewBy: d.renew ? new Date(Math.max(d.at.getTime(), now.getTime())) : now,
    window,
    ...(state.explanationURL ? { explanationURL: state.explanationURL } : {}),
  });
}
