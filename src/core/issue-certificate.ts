import type { KeyObject } from 'node:crypto';
import { describeKey, encodePrivateKey, generatePrivateKey } from '../pki/keys.js';
import { evaluate, triggerChain } from '../renewal/chains.js';
import { renewalTime } from '../renewal/renewal-time.js';
import type { PolicyInput } from '../renewal/policy-input.js';
import type { CertificateRecord, CertificateStatus, JournaledChallenge } from '../stores/records.js';
import { sha256, specHash } from './issued-spec.js';
import { ariCertId } from '../renewal/ari.js';
import type { ParsedCertificate } from '../pki/parse.js';
import { StatusWriter } from './status-writer.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';
import type { Issuer } from '../issuers/issuer.js';
import type { CertificateEvent, CertificateResult } from './events.js';
import { gatherPolicyInput } from './gather.js';
import { issuedSpecOf } from './issued-spec.js';
import type { PlannedCertificate } from './plan.js';
import { secretMetadataFor } from './secret-annotations.js';
import { verifyIssuedChain } from './verify-bundle.js';

export interface IssueContext {
  store: CertificateStore;
  now: () => Date;
  forced: boolean;
  signal?: AbortSignal;
  emit: (event: CertificateEvent) => void;
  /** Test hook: named steps where crash tests kill the process. */
  fault?: (point: string) => void;
  /** Builds the issuer for a planned certificate (CA key pairs are read at this point). */
  issuerFor: (plan: PlannedCertificate) => Promise<Issuer>;
  /** renew: adds what only a network call can tell (ARI) to the input before the checks run. */
  prepare?: (plan: PlannedCertificate, input: PolicyInput, status: StatusWriter) => Promise<void>;
  /** renew: holds a due certificate back (failure backoff, a CA's Retry-After); returns until when. */
  holdBack?: (input: PolicyInput, status: CertificateStatus) => { until: Date; message: string } | undefined;
  /** plan: decide and report, issue nothing. */
  dryRun?: boolean;
  /** renew with a deploy hook: mark each written certificate until its hook has run. */
  markDeployPending?: boolean;
  /** renew's pre-hook: awaited once a certificate is known to need issuing, before its key. */
  beforeIssue?: () => Promise<void>;
}

/**
 * Brings one Certificate up to date: decides with the trigger chain, then generates or reuses the
 * key, signs, checks the result and writes it through the store. Never throws: a failure is
 * recorded in the store's status and returned.
 */
export async function issueCertificate(plan: PlannedCertificate, ctx: IssueContext): Promise<CertificateResult> {
  const cert = plan.certificate;
  const { name, namespace } = cert.metadata;
  const target: SecretTarget = { namespace, secretName: cert.spec.secretName };
  const base = { name, namespace, secretName: cert.spec.secretName };
  const emit = (reason: string, message: string, level: CertificateEvent['level'] = 'info'): void =>
    ctx.emit({ name, namespace, reason, message, level });

  let stored;
  try {
    stored = await ctx.store.read(target);
  } catch (err) {
    emit('Failed', (err as Error).message, 'error');
    return { ...base, action: 'failed', reason: 'StoreError', message: (err as Error).message, error: (err as Error).message };
  }
  const status = new StatusWriter(ctx.store, target, stored?.status);
  const leftovers = stored?.status?.presentedChallenges ?? [];
  if (leftovers.length > 0) await removeLeftovers(plan, ctx, status, leftovers, emit);

  const input = gatherPolicyInput(cert, stored, ctx.now(), ctx.forced);
  if (ctx.prepare && input.cert && !input.certError) await ctx.prepare(plan, input, status);
  const ari = status.status.ari;
  const extra = {
    dnsNames: cert.spec.dnsNames,
    ...(ari ? { ariWindow: { start: ari.windowStart, end: ari.windowEnd, explanationURL: ari.explanationURL } } : {}),
  };
  const violation = evaluate(triggerChain, input);
  const leafNow = input.cert && !input.certError ? input.cert : undefined;
  const timing = leafNow
    ? { notAfter: leafNow.notAfter.toISOString(), renewalTime: (input.ari?.at ?? renewalTime(leafNow.notBefore, leafNow.notAfter, cert.spec)).toISOString() }
    : {};
  if (!violation) {
    const message = `certificate is up to date and has not expired; valid until ${timing.notAfter}, renewal at ${timing.renewalTime}`;
    emit('UpToDate', message);
    return { ...base, ...extra, ...timing, action: 'up-to-date', reason: 'UpToDate', message, location: stored?.location };
  }
  const held = ctx.forced ? undefined : ctx.holdBack?.(input, status.status);
  if (held) {
    emit('BackingOff', `${violation.message}, but ${held.message}; next attempt after ${held.until.toISOString()}`, 'warning');
    return { ...base, ...extra, ...timing, action: 'backing-off', reason: violation.reason, message: held.message, retryAfter: held.until.toISOString(), location: stored?.location };
  }
  if (ctx.dryRun) {
    emit('Due', violation.message);
    return { ...base, ...extra, ...timing, action: 'due', reason: violation.reason, message: violation.message, location: stored?.location };
  }
  emit('Issuing', violation.message);

  try {
    await ctx.beforeIssue?.();
    const key = await keyFor(cert.spec.privateKey, input, emit);
    const issuer = await ctx.issuerFor(plan);
    const now = ctx.now();
    const bundle = await issuer.sign({
      certificate: cert,
      privateKey: key,
      now,
      signal: ctx.signal,
      event: emit,
      journal: status,
      pendingOrder: status.status.pendingOrder,
      fault: ctx.fault,
      replaces: status.status.ari && input.cert ? replacesId(input.cert) : undefined,
    });
    // A resumed order was issued for the key recorded with it, not the one generated above.
    const usedKey = bundle.privateKey ?? key;
    const chain = verifyIssuedChain(bundle.chainPem, usedKey, cert.spec, now);
    const leaf = chain[0];
    const at = renewalTime(leaf.notBefore, leaf.notAfter, cert.spec);
    const tlsKey = encodePrivateKey(usedKey, cert.spec.privateKey.encoding);
    const record: CertificateRecord = {
      version: 1,
      certificateName: name,
      namespace,
      revision: (stored?.record?.revision ?? 0) + 1,
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      renewalTime: cert.spec.renewalDisabled ? undefined : at.toISOString(),
      issuedAt: now.toISOString(),
      spec: issuedSpecOf(cert.spec),
      tlsSha256: { crt: sha256(bundle.chainPem), key: sha256(tlsKey) },
      secret: secretMetadataFor(cert, leaf),
    };
    const written = await ctx.store.write(
      target,
      { tlsCrt: bundle.chainPem, tlsKey, caCrt: bundle.caPem },
      record,
    );
    ctx.fault?.('core:written');
    const s = status.status;
    if (s.lastFailureTime || s.pendingOrder || s.notBefore || s.ari || ctx.markDeployPending) {
      // A new certificate: failures, the order, and the old certificate's ARI window are history.
      await status.update(({ presentedChallenges }) => ({
        version: 1,
        ...(presentedChallenges ? { presentedChallenges } : {}),
        ...(ctx.markDeployPending ? { deployPending: true } : {}),
      }));
    }
    const message = `certificate issued, valid until ${record.notAfter} (revision ${record.revision})`;
    emit('Issued', message);
    return {
      ...base,
      ...extra,
      ariWindow: undefined,
      action: 'issued',
      reason: violation.reason,
      message: violation.message,
      location: written.location,
      files: written.files,
      notAfter: record.notAfter,
      renewalTime: record.renewalTime,
    };
  } catch (err) {
    const message = (err as Error).message;
    emit('Failed', message, 'error');
    await status
      .update((s) => ({
        ...s,
        lastFailureTime: ctx.now().toISOString(),
        failedIssuanceAttempts: (s.failedIssuanceAttempts ?? 0) + 1,
        lastFailureReason: violation.reason,
        lastFailureMessage: message,
        failedSpecHash: specHash(input.desired),
        ...(err instanceof Error && 'retryAfter' in err && err.retryAfter instanceof Date ? { notBefore: err.retryAfter.toISOString() } : {}),
      }))
      .catch((e: Error) => emit('Failed', `could not record the failure: ${e.message}`, 'warning'));
    return { ...base, ...extra, ...timing, action: 'failed', reason: violation.reason, message: violation.message, error: message, location: stored?.location };
  }
}

/** The ARI id of the certificate being replaced; none when it lacks an authority key id. */
function replacesId(cert: ParsedCertificate): string | undefined {
  try {
    return ariCertId(cert);
  } catch {
    return undefined;
  }
}

/** Removes the TXT values a killed run left in DNS, before anything else happens to this certificate. */
async function removeLeftovers(
  plan: PlannedCertificate,
  ctx: IssueContext,
  status: StatusWriter,
  leftovers: JournaledChallenge[],
  emit: (reason: string, message: string, level?: CertificateEvent['level']) => void,
): Promise<void> {
  try {
    const issuer = await ctx.issuerFor(plan);
    const problems = (await issuer.cleanupLeftovers?.(leftovers, ctx.signal)) ?? [];
    for (const p of problems) emit('CleanupFailed', p, 'warning');
    if (problems.length === 0) {
      for (const l of leftovers) await status.removed(l);
      emit('CleanedUp', `removed ${leftovers.length} TXT value(s) left by an interrupted run`);
    }
  } catch (err) {
    emit('CleanupFailed', `cannot remove TXT values left by an interrupted run: ${(err as Error).message}`, 'warning');
  }
}

/** rotationPolicy Never keeps a stored key that still fits the spec; otherwise a new key. */
async function keyFor(
  spec: { algorithm: string; size: number; rotationPolicy: string },
  input: PolicyInput,
  emit: (reason: string, message: string) => void,
): Promise<KeyObject> {
  if (spec.rotationPolicy === 'Never' && input.key && input.key.algorithm === spec.algorithm && (spec.algorithm === 'Ed25519' || input.key.size === spec.size)) {
    emit('Reused', `reusing the stored ${spec.algorithm} private key (rotationPolicy: Never)`);
    return input.key.key;
  }
  const key = await generatePrivateKey({ algorithm: spec.algorithm as 'RSA' | 'ECDSA' | 'Ed25519', size: spec.size });
  const d = describeKey(key);
  emit('Generated', `generated a new ${d.algorithm}${d.algorithm === 'Ed25519' ? '' : ` ${d.size}`} private key`);
  return key;
}
