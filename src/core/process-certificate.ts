/**
 * One Certificate in a run: gather what is stored, finish what a killed run left, ask the CA for its
 * renewal window, decide (pure), then issue if due. Every failure becomes this certificate's result;
 * none escapes to abort the others.
 */
import type { Issuer } from '../issuers/issuer.js';
import { evaluate, readinessChain } from '../renewal/chains.js';
import { decide } from '../renewal/decide.js';
import { renewalTime } from '../renewal/renewal-time.js';
import { scheduledRenewal, type ScheduledRenewal } from '../renewal/scheduled-renewal.js';
import { upToDateUntil } from '../renewal/stable-until.js';
import type { PolicyInput } from '../renewal/policy-input.js';
import type { CertificateStore, SecretTarget, StoredCertificate } from '../stores/store.js';
import type { CertificateEvent, CertificateResult } from './events.js';
import { executeIssuance } from './execute.js';
import { staleSecret, type PasswordLookup } from './secret-extras.js';
import { gatherPolicyInput } from './gather.js';
import type { PlannedCertificate } from './plan.js';
import { StatusWriter } from './status-writer.js';

export interface ProcessContext {
  store: CertificateStore;
  /** Keystore passwords from Secrets. */
  passwords: PasswordLookup;
  clock: () => Date;
  emit: (e: CertificateEvent) => void;
  signal?: AbortSignal;
  fault?: (point: string) => void;
  random: () => number;
  issuerFor: (entry: PlannedCertificate) => Promise<Issuer>;
  /** Ask the CA when to renew (ARI). */
  useAri: boolean;
  nextRunAt?: Date;
  /** renew: failures hold a certificate back (cert-manager's backoff). */
  respectBackoff: boolean;
  /** plan: decide and report; write nothing, contact nothing but renewal info. */
  dryRun: boolean;
  markDeployPending: boolean;
  /** Awaited once before the first certificate is issued (jitter, the pre-hook); a rejection fails that certificate. */
  beforeFirstIssue: () => Promise<void>;
}

export interface Processed {
  result: CertificateResult;
  /** An earlier run wrote this certificate and its deploy hook has not run yet. */
  deployPending: boolean;
  /**
   * Up to date, and nothing was written: the decision stays the same until this moment unless
   * something it was made from changes (see renewal/stable-until.ts).
   */
  stableUntil?: Date;
}

type Emit = (reason: string, message: string, level?: CertificateEvent['level']) => void;

export async function processCertificate(entry: PlannedCertificate, ctx: ProcessContext): Promise<Processed> {
  const cert = entry.certificate;
  const { name, namespace } = cert.metadata;
  const target: SecretTarget = { namespace, secretName: cert.spec.secretName };
  const base = { name, namespace, secretName: cert.spec.secretName, dnsNames: cert.spec.dnsNames };
  const emit: Emit = (reason, message, level = 'info') => ctx.emit({ name, namespace, reason, message, level });
  const failed = (reason: string, message: string, location?: string): Processed => {
    emit('Failed', message, 'error');
    return { result: { ...base, action: 'failed', reason, message, error: message, location, ready: false }, deployPending: false };
  };

  let stored: StoredCertificate | undefined;
  try {
    stored = await ctx.store.read(target);
  } catch (err) {
    return failed('StoreError', (err as Error).message);
  }
  // A CA produced earlier in this run may not exist yet in a plan (nothing is written then): the
  // decision can be made without the issuer; only issuing needs it.
  let issuer: Issuer;
  try {
    issuer = await ctx.issuerFor(entry);
  } catch (err) {
    const message = (err as Error).message;
    issuer = {
      sign: () => Promise.reject(new Error(message)),
    };
  }
  const status = new StatusWriter(ctx.store, target, stored?.status, !ctx.dryRun);
  const deployPending = Boolean(stored?.status?.deployPending);
  let input: PolicyInput | undefined;
  let result: CertificateResult;
  let stableUntil: Date | undefined;
  try {
    ({ input, result, stableUntil } = await decideAndIssue(entry, ctx, issuer, stored, status, emit, base));
  } catch (err) {
    result = failed(ctx.signal?.aborted ? 'Interrupted' : 'Failed', (err as Error).message, stored?.location).result;
  }
  // What cert-manager would show in the Certificate's status after this run.
  const ready = result.action === 'issued' || (input !== undefined && !evaluate(readinessChain, input));
  const s = status.status;
  return {
    result: { ...result, ...(entry.challenges ? { challenges: entry.challenges } : {}), ready, ...(s.failedIssuanceAttempts ? { failedIssuanceAttempts: s.failedIssuanceAttempts } : {}), ...(s.lastFailureTime ? { lastFailureTime: s.lastFailureTime } : {}) },
    deployPending,
    ...(stableUntil ? { stableUntil } : {}),
  };
}

async function decideAndIssue(
  entry: PlannedCertificate,
  ctx: ProcessContext,
  issuer: Issuer,
  stored: StoredCertificate | undefined,
  status: StatusWriter,
  emit: Emit,
  base: Pick<CertificateResult, 'name' | 'namespace' | 'secretName' | 'dnsNames'>,
): Promise<{ input: PolicyInput; result: CertificateResult; stableUntil?: Date }> {
  const cert = entry.certificate;
  if (!ctx.dryRun) await issuer.recover?.(status.issuerSlot(), emit, ctx.signal);
  const now = ctx.clock();
  const input = gatherPolicyInput(cert, stored, now, entry.forced);
  if (issuer.currentCa) input.issuerCa = issuer.currentCa;
  const leaf = input.cert && !input.certError ? input.cert : undefined;
  // ARI's fallback is the lifetime rule; the windows apply on top of either (scheduledRenewal).
  const fallback = leaf ? renewalTime(leaf.notBefore, leaf.notAfter, cert.spec) : undefined;
  let ariWindow: CertificateResult['ariWindow'];
  let recheckAt: Date | undefined;
  if (ctx.useAri && leaf && fallback && issuer.renewalWindow && !cert.spec.renewalDisabled) {
    const recheck = (at: Date): void => {
      recheckAt = at;
    };
    const w = await issuer.renewalWindow(leaf, status.issuerSlot(), { now, nextRunAt: ctx.nextRunAt, fallback, random: ctx.random, event: emit, signal: ctx.signal, recheckAt: recheck });
    if (w) {
      input.ari = { at: w.at, renewBy: w.renewBy };
      ariWindow = { start: w.window.start.toISOString(), end: w.window.end.toISOString(), ...(w.explanationURL ? { explanationURL: w.explanationURL } : {}) };
    }
  }
  const schedule = leaf ? scheduledRenewal(leaf.notBefore, leaf.notAfter, cert.spec, input.ari?.at) : undefined;
  if (schedule) input.schedule = schedule;
  const timing: Pick<CertificateResult, 'notAfter' | 'renewalTime' | 'renewalWindow' | 'windowError'> = leaf
    ? { notAfter: leaf.notAfter.toISOString(), ...(schedule?.at ? { renewalTime: schedule.at.toISOString() } : {}), ...windowFields(schedule) }
    : {};
  const decision = decide(input, status.status, { respectBackoff: ctx.respectBackoff });
  const at = { ...base, ...timing, ...(ariWindow ? { ariWindow } : {}), location: stored?.location };
  if (decision.action === 'up-to-date') {
    const when = schedule?.at ? (schedule.window || schedule.windowError ? schedule.explanation : `renewal at ${timing.renewalTime}`) : schedule?.explanation;
    const message = `certificate is up to date and has not expired; valid until ${timing.notAfter}, ${when}`;
    emit('UpToDate', message);
    // Keystores, output formats and template follow the spec without a new certificate.
    const stale = await staleSecret(cert, stored, now, ctx.passwords, leaf);
    if (stale && !ctx.dryRun) {
      const written = await ctx.store.write({ namespace: cert.metadata.namespace, secretName: cert.spec.secretName }, stale.data, stale.record);
      emit('SecretUpdated', `the Secret no longer matched the spec: ${stale.why.join('; ')} (same certificate and key)`);
      return { input, result: { ...at, action: 'up-to-date', reason: 'UpToDate', message: `${message}; Secret updated: ${stale.why.join('; ')}`, location: written.location, files: written.files } };
    }
    const stableUntil = leaf ? upToDateUntil({ now, notAfter: leaf.notAfter, renewalAt: schedule?.at, nextRunAt: ctx.nextRunAt, recheckAt }) : undefined;
    return { input, result: { ...at, action: 'up-to-date', reason: 'UpToDate', message }, stableUntil };
  }
  if (decision.action === 'backing-off') {
    emit('BackingOff', decision.message, 'warning');
    return { input, result: { ...at, action: 'backing-off', reason: decision.reason, message: decision.message, retryAfter: decision.until.toISOString() } };
  }
  // Room in the CA's rate limits, asked before anything is generated or sent (and by plan, which
  // shows what renew would defer).
  const deferral = await issuer.admit?.({ certificate: cert, replacing: leaf, now });
  if (deferral) {
    emit('Deferred', `${decision.message}; ${deferral.message}`);
    return { input, result: { ...at, action: 'deferred', reason: 'RateBudget', message: deferral.message, retryAfter: deferral.until.toISOString(), deferredBy: deferral.budget } };
  }
  if (ctx.dryRun) {
    emit('Due', decision.message);
    return { input, result: { ...at, action: 'due', reason: decision.reason, message: decision.message } };
  }
  emit('Issuing', decision.message);
  await ctx.beforeFirstIssue();
  const result = await executeIssuance(entry, decision, input, stored, status, issuer, { store: ctx.store, passwords: ctx.passwords, clock: ctx.clock, signal: ctx.signal, fault: ctx.fault, markDeployPending: ctx.markDeployPending }, emit);
  return { input, result: { ...result, ...(ariWindow && result.action !== 'issued' ? { ariWindow } : {}) } };
}

/** The renewal-window part of a result, for plan, status and -o json. */
export function windowFields(s: ScheduledRenewal | undefined): Pick<CertificateResult, 'renewalWindow' | 'windowError'> {
  if (!s) return {};
  if (s.windowError) return { windowError: s.windowError };
  if (!s.window || !s.desired) return {};
  const w = s.window;
  return { renewalWindow: { index: w.index, cron: w.cron, timezone: w.timezone, start: w.start.toISOString(), end: w.end.toISOString(), moved: Boolean(s.moved), desired: s.desired.toISOString() } };
}
