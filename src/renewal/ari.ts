/**
 * ACME Renewal Information (RFC 9773), the pure half: the certificate identifier a CA knows the
 * certificate by, and when to renew given the window it suggests.
 */
import type { ParsedCertificate } from '../pki/parse.js';

/** A suggested renewal window: renew at some moment in [start, end). */
export interface AriWindow {
  start: Date;
  end: Date;
}

/**
 * The RFC 9773 CertID: base64url(AKI keyIdentifier) "." base64url(serial), both unpadded. The
 * serial is the DER INTEGER's content bytes exactly as encoded, so a serial whose top bit is set
 * keeps its leading 0x00 (`AIdlQyE`, not `h2VDIQ`): a CA looks certificates up by these bytes.
 * Throws when the certificate has no Authority Key Identifier (self-signed roots, some private CAs).
 */
export function ariCertId(cert: Pick<ParsedCertificate, 'authorityKeyId' | 'serialBytes'>): string {
  if (!cert.authorityKeyId || cert.authorityKeyId.length === 0) {
    throw new Error('the certificate has no Authority Key Identifier (keyIdentifier): it cannot be named in an ACME renewalInfo (ARI) request');
  }
  if (cert.serialBytes.length === 0) throw new Error('the certificate has an empty serial number');
  return `${cert.authorityKeyId.toString('base64url')}.${cert.serialBytes.toString('base64url')}`;
}

/**
 * A uniformly random moment in [start, end), truncated to the second (as cert-manager stores
 * times) but never before `start`. `random` returns [0, 1), like Math.random; inject it in tests.
 * A window with end ≤ start yields `start`.
 */
export function chooseRenewalMoment(window: AriWindow, random: () => number): Date {
  const start = window.start.getTime();
  const span = window.end.getTime() - start;
  if (!(span > 0)) return new Date(start);
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  const at = Math.floor((start + r * span) / 1000) * 1000;
  return new Date(Math.max(at, start));
}

/** What {@link ariDecision} needs: the window now on offer and what an earlier run chose. */
export interface AriDecisionInput {
  /** The CA's current window; undefined when there is no ARI (no `renewalInfo`, fetch failed). */
  window?: AriWindow;
  /** The moment an earlier run chose (stored with the certificate's status). */
  chosen?: Date;
  /** The window `chosen` was drawn from; when given and different from `window`, choose again. */
  chosenWindow?: AriWindow;
  now: Date;
  /**
   * When certctl is next expected to run (`now + --interval`, the next `--schedule` tick).
   * Undefined for a one-shot run with no known cadence: renew only once the moment has come.
   */
  nextRunAt?: Date;
  /** Without ARI: the renewal time from the certificate's lifetime (`renewalTime`). */
  fallback?: Date;
  random: () => number;
}

/** Renew now or not; `at` is the moment the renewal is (or was) due; `chosen` is what to store. */
export interface AriDecision {
  renew: boolean;
  at: Date;
  /** The moment drawn from the window (store it with the window); undefined without ARI. */
  chosen?: Date;
  /** `ari` when the CA's window decided, `lifetime` when the fallback did. */
  source: 'ari' | 'lifetime';
}

/**
 * RFC 9773 §4.2's algorithm for a client that runs periodically: pick a random moment in the
 * window; renew now if it has passed or if it comes before the next run (waiting for that run would
 * be late); otherwise leave it for a later run.
 *
 * The chosen moment is kept across runs while the window stays the same. Drawing afresh on every
 * run would renew at the earliest of many draws, which drifts towards the start of the window
 * the more often certctl runs, and defeats the spreading of load that the window is for. The
 * same thinking is why cert-manager stores the renewal time in the Certificate's status and compares
 * later syncs against it (policies/checks.go, `CurrentCertificateNearingExpiry`) instead of
 * recomputing it. A changed window (a CA moving renewals earlier after an incident, say) or a stored
 * moment outside it is drawn again.
 *
 * Without a window, the lifetime-based `fallback` decides, as cert-manager does: renew once it has
 * passed. With neither, throws: the caller always has one of the two for an issued certificate.
 */
export function ariDecision(input: AriDecisionInput): AriDecision {
  const now = input.now.getTime();
  const { window } = input;
  if (!window) {
    if (!input.fallback) throw new Error('ariDecision: neither an ARI window nor a fallback renewal time');
    return { renew: input.fallback.getTime() <= now, at: input.fallback, source: 'lifetime' };
  }
  const chosen = keepChosen(input) ? input.chosen! : chooseRenewalMoment(window, input.random);
  const deadline = Math.max(now, input.nextRunAt?.getTime() ?? now);
  // RFC 9773 §4.2: "if the selected time is before the next time that the client would wake up
  // normally, the client SHOULD attempt renewal immediately". At `now` exactly it is due too.
  const renew = chosen.getTime() <= now || chosen.getTime() < deadline;
  return { renew, at: chosen, chosen, source: 'ari' };
}

function keepChosen(input: AriDecisionInput): boolean {
  const { window, chosen, chosenWindow } = input;
  if (!window || !chosen || Number.isNaN(chosen.getTime())) return false;
  if (chosenWindow && !sameWindow(window, chosenWindow)) return false;
  const t = chosen.getTime();
  return t >= window.start.getTime() && t < window.end.getTime();
}

/** Two windows are the same when both ends are the same instant. */
export function sameWindow(a: AriWindow, b: AriWindow): boolean {
  return a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();
}
