/**
 * Issues one Certificate that was decided due: starts the private key (generated while the issuer
 * sets up its order, or reused under rotationPolicy Never), signs, checks the chain against the key
 * and the spec, and writes certificate, key and record through the store in one atomic step. Never
 * throws: a failure is recorded in the certificate's status and returned.
 */
import type { KeyObject } from 'node:crypto';
import { describeKey, encodePrivateKey, generatePrivateKey } from '../pki/keys.js';
import { scheduledRenewal } from '../renewal/scheduled-renewal.js';
import type { PolicyInput } from '../renewal/policy-input.js';
import type { ReasonCode } from '../renewal/reasons.js';
import type { CertificateRecord } from '../stores/records.js';
import type { CertificateStore, SecretTarget, StoredCertificate } from '../stores/store.js';
import type { Issuer } from '../issuers/issuer.js';
import type { CertificateEvent, CertificateResult } from './events.js';
import { issuedSpecOf, sha256 } from './issued-spec.js';
import type { PlannedCertificate } from './plan.js';
import { secretMetadataFor } from './secret-annotations.js';
import { extrasFor, type PasswordLookup } from './secret-extras.js';
import type { StatusWriter } from './status-writer.js';
import { verifyIssuedChain } from './verify-bundle.js';

export interface ExecuteContext {
  store: CertificateStore;
  /** Keystore passwords from Secrets. */
  passwords: PasswordLookup;
  clock: () => Date;
  signal?: AbortSignal;
  fault?: (point: string) => void;
  /** Marks the written certificate until its deploy hook has run (renew with --deploy-hook). */
  markDeployPending: boolean;
}

type Emit = (reason: string, message: string, level?: CertificateEvent['level']) => void;

export async function executeIssuance(
  entry: PlannedCertificate,
  due: { reason: ReasonCode; message: string },
  input: PolicyInput,
  stored: StoredCertificate | undefined,
  status: StatusWriter,
  issuer: Issuer,
  ctx: ExecuteContext,
  emit: Emit,
): Promise<CertificateResult> {
  const cert = entry.certificate;
  const { name, namespace } = cert.metadata;
  const target: SecretTarget = { namespace, secretName: cert.spec.secretName };
  const base = { name, namespace, secretName: cert.spec.secretName, dnsNames: cert.spec.dnsNames };
  const leafNow = input.cert && !input.certError ? input.cert : undefined;
  try {
    const key = keyFor(cert.spec.privateKey, input, emit);
    // The key may fail while the issuer is still busy; that rejection is read below, not lost.
    key.catch(() => undefined);
    const now = ctx.clock();
    const bundle = await issuer.sign({
      certificate: cert,
      privateKey: key,
      now,
      signal: ctx.signal,
      event: emit,
      state: status.issuerSlot(),
      fault: ctx.fault,
      replacing: leafNow,
    });
    // A resumed order was issued for the key recorded with it, not the one generated above.
    const usedKey = bundle.privateKey ?? (await key);
    const chain = verifyIssuedChain(bundle.chainPem, usedKey, cert.spec, now);
    const leaf = chain[0];
    const tlsKey = encodePrivateKey(usedKey, cert.spec.privateKey.encoding);
    const record: CertificateRecord = {
      version: 1,
      certificateName: name,
      namespace,
      revision: (stored?.record?.revision ?? 0) + 1,
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      renewalTime: scheduledRenewal(leaf.notBefore, leaf.notAfter, cert.spec).at?.toISOString(),
      issuedAt: now.toISOString(),
      spec: issuedSpecOf(cert.spec),
      tlsSha256: { crt: sha256(bundle.chainPem), key: sha256(tlsKey) },
      ...(bundle.issuerCaSha256 ? { issuerCaSha256: bundle.issuerCaSha256 } : {}),
      secret: secretMetadataFor(cert, leaf),
    };
    // Keystores are built before anything is written: a new certificate never sits next to a stale keystore.
    const extra = await extrasFor(cert, { tlsCrt: bundle.chainPem, tlsKey, caCrt: bundle.caPem }, now, ctx.passwords);
    const written = await ctx.store.write(target, { tlsCrt: bundle.chainPem, tlsKey, caCrt: bundle.caPem, ...(Object.keys(extra).length > 0 ? { extra } : {}) }, record);
    ctx.fault?.('core:written');
    await bundle.afterWrite?.();
    // A new certificate: failures and the CA's Retry-After are history.
    await status.update(({ version: _v, lastFailureTime: _t, failedIssuanceAttempts: _n, lastFailureReason: _r, lastFailureMessage: _m, notBefore: _nb, failedSpecHash: _h, deployPending: _d, revoked: _rv, ...rest }) => ({
      version: 1,
      ...rest,
      ...(ctx.markDeployPending ? { deployPending: true } : {}),
    }));
    emit('Issued', `certificate issued, valid until ${record.notAfter} (revision ${record.revision})`);
    return {
      ...base,
      action: 'issued',
      reason: due.reason,
      message: due.message,
      location: written.location,
      files: written.files,
      notAfter: record.notAfter,
      renewalTime: record.renewalTime,
    };
  } catch (err) {
    const message = (err as Error).message;
    emit('Failed', message, 'error');
    const retryAfter = err instanceof Error && 'retryAfter' in err && err.retryAfter instanceof Date ? err.retryAfter : undefined;
    await status
      .update((s) => ({
        ...s,
        lastFailureTime: ctx.clock().toISOString(),
        failedIssuanceAttempts: (s.failedIssuanceAttempts ?? 0) + 1,
        lastFailureReason: due.reason,
        lastFailureMessage: message,
        failedSpecHash: input.desiredHash,
        ...(retryAfter ? { notBefore: retryAfter.toISOString() } : {}),
      }))
      .catch((e: Error) => emit('Failed', `could not record the failure: ${e.message}`, 'warning'));
    const timing = leafNow ? { notAfter: leafNow.notAfter.toISOString() } : {};
    return { ...base, ...timing, action: 'failed', reason: due.reason, message: due.message, error: message, location: stored?.location };
  }
}

/**
 * rotationPolicy Never keeps a stored key that still fits the spec, unless its certificate was
 * revoked for keyCompromise; otherwise a new key, generated off the main thread.
 */
function keyFor(spec: { algorithm: string; size: number; rotationPolicy: string }, input: PolicyInput, emit: Emit): Promise<KeyObject> {
  const compromised = input.revoked?.reason === 'keyCompromise';
  if (compromised && spec.rotationPolicy === 'Never') emit('KeyCompromised', 'not reusing the stored private key despite rotationPolicy: Never: its certificate was revoked for keyCompromise');
  if (!compromised && spec.rotationPolicy === 'Never' && input.key && input.key.algorithm === spec.algorithm && (spec.algorithm === 'Ed25519' || input.key.size === spec.size)) {
    emit('Reused', `reusing the stored ${spec.algorithm} private key (rotationPolicy: Never)`);
    return Promise.resolve(input.key.key);
  }
  return generatePrivateKey({ algorithm: spec.algorithm as 'RSA' | 'ECDSA' | 'Ed25519', size: spec.size }).then((key) => {
    const d = describeKey(key);
    emit('Generated', `generated a new ${d.algorithm}${d.algorithm === 'Ed25519' ? '' : ` ${d.size}`} private key`);
    return key;
  });
}
