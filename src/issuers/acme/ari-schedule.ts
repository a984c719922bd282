/**
 * When the CA wants a certificate renewed (RFC 9773 ARI), with what the ACME issuer remembers in
 * the certificate's status: the window is fetched at most once per Retry-After, and the moment
 * chosen inside it is kept while the window stays the same. A failure to fetch never blocks
 * renewal: the lifetime rule applies instead.
 */
import type { ParsedCertificate } from '../../pki/parse.js';
import { ariCertId, ariDecision } from '../../renewal/ari.js';
import type { AcmeIssuerSpec } from '../../spec/types.js';
import type { AcmeState, AriState } from '../../stores/records.js';
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
  // Expired: renew anyway, the CA's window no longer matters. No AKI: the CA cannot be asked.
  if (leaf.notAfter.getTime() <= req.now.getTime() || !leaf.authorityKeyId) return undefined;
  const window = await windowFromState(spec, services, leaf, slot, req);
  req.recheckAt?.(nextAsk(slot.get()?.acme, leaf.serialHex, req.now));
  return window;
}

/**
 * When the CA is asked again, from what is stored: the Retry-After of its last answer, or the end
 * of a backoff after a failure, whichever comes first; now when neither is stored.
 */
function nextAsk(acme: AcmeState | undefined, serial: string, now: Date): Date {
  const times = [acme?.ari?.serial === serial ? acme.ari.nextCheck : undefined, acme?.ariBackoff?.serial === serial ? acme.ariBackoff.until : undefined]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((t) => t > now.getTime());
  return new Date(times.length > 0 ? Math.min(...times) : now.getTime());
}

async function windowFromState(
  spec: AcmeIssuerSpec,
  services: AcmeRunServices,
  leaf: ParsedCertificate,
  slot: IssuerStateSlot,
  req: RenewalWindowRequest,
): Promise<RenewalWindow | undefined> {
  const now = req.now;
  const acme = slot.get()?.acme;
  let state: AriState | undefined = acme?.ari?.serial === leaf.serialHex ? acme.ari : undefined;
  const backoff = acme?.ariBackoff?.serial === leaf.serialHex ? Date.parse(acme.ariBackoff.until) : NaN;
  const backedOff = backoff > now.getTime();
  if (!state && backedOff) return undefined;
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
        return undefined;
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
      if (!state) return undefined;
    }
  }
  if (!state) return undefined;
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
  return {
    at: d.at,
    renewBy: d.renew ? new Date(Math.max(d.at.getTime(), now.getTime())) : now,
    window,
    ...(state.explanationURL ? { explanationURL: state.explanationURL } : {}),
  };
}
