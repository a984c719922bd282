/**
 * `certctl revoke`: revoke a certificate at its ACME CA, then mark the stored copy revoked so the
 * next `renew` replaces it at once (with a new key after keyCompromise, whatever rotationPolicy
 * says). Everything that can be checked is checked before the CA is contacted.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AccountAdminDeps } from '../issuers/acme/account-admin.js';
import type { RevocationSigner } from '../issuers/acme/revoke-at-ca.js';
import { parsePrivateKey, samePublicKey } from '../pki/keys.js';
import { parseCertificate, type ParsedCertificate } from '../pki/parse.js';
import { splitPem } from '../pki/pem.js';
import type { RevocationReason } from '../pki/revocation-reasons.js';
import type { CertificateStatus } from '../stores/records.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';

/** A request certctl refuses before sending anything (the CLI's exit 2). */
export class RevokeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevokeInputError';
  }
}

/** What to revoke, why, and who signs. */
export interface RevokeRequest {
  /** PEM; the first certificate is the one revoked (a chain may follow). */
  certificatePem: string;
  /** For messages: `Secret ns/name` or a file path. */
  source: string;
  /** The stored Secret holding it, marked revoked afterwards; absent for a PEM file. */
  mark?: SecretTarget;
  /** Absent: no reason is sent (RFC 5280 unspecified). */
  reason?: RevocationReason;
  signer: RevocationSigner;
}

/** What `certctl revoke -o json` prints (kind RevokeResult). */
export interface RevokeOutcome {
  certificate: { source: string; serial: string; subject: string; dnsNames: string[]; notAfter: string };
  reason: { name: string; code: number };
  server: string;
  signedWith: 'account' | 'certificate-key';
  accountUrl?: string;
  /** The CA said it was revoked before: nothing changed there. */
  alreadyRevoked: boolean;
  /** The stored Secret marked revoked (renew replaces it). */
  marked?: { secret: string; location: string };
}

/** What {@link revokeCertificate} needs: the account deps, the store to mark, a clock. */
export interface RevokeDeps extends AccountAdminDeps {
  store: CertificateStore;
  clock: () => Date;
}

/**
 * Checks a request without contacting anything: the first PEM block is a certificate, and with
 * the certificate's key, the key is a private key of that certificate. Returns the leaf.
 */
export function checkRevokeRequest(req: Pick<RevokeRequest, 'certificatePem' | 'source' | 'signer'>): ParsedCertificate {
  const blocks = splitPem(req.certificatePem);
  const first = blocks[0];
  if (!first) throw new RevokeInputError(`${req.source}: no PEM certificate in it`);
  if (first.type !== 'CERTIFICATE') throw new RevokeInputError(`${req.source}: the first PEM block is a ${first.type}, not a CERTIFICATE`);
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(first.der);
  } catch (err) {
    throw new RevokeInputError(`${req.source}: not a readable certificate: ${(err as Error).message}`);
  }
  if (req.signer.kind === 'certificate-key') {
    let key: KeyObject;
    try {
      key = parsePrivateKey(req.signer.keyPem).key;
    } catch (err) {
      throw new RevokeInputError(`the certificate's private key: ${(err as Error).message}`);
    }
    if (!samePublicKey(key, leaf.x509.publicKey)) throw new RevokeInputError(`the private key given does not belong to the certificate in ${req.source}`);
  }
  return leaf;
}

/**
 * Revokes at the CA, then marks the stored copy (when `mark` is given and the store still holds
 * that very certificate). An `alreadyRevoked` answer still marks it: it is revoked either way.
 */
export async function revokeCertificate(req: RevokeRequest, deps: RevokeDeps): Promise<RevokeOutcome> {
  const leaf = checkRevokeRequest(req);
  const { revokeAtCa } = await import('../issuers/acme/revoke-at-ca.js');
  const reason = req.reason ?? { name: 'unspecified', code: 0 };
  const ca = await revokeAtCa(leaf.der, req.reason?.code, req.signer, deps);
  deps.event?.(ca.alreadyRevoked ? 'AlreadyRevoked' : 'Revoked', `${ca.alreadyRevoked ? 'the CA had already revoked' : 'the CA revoked'} certificate ${leaf.serialHex} (${req.source})${ca.alreadyRevoked ? '' : `, reason ${reason.name}`}`);
  const outcome: RevokeOutcome = {
    certificate: { source: req.source, serial: leaf.serialHex, subject: leaf.subjectText, dnsNames: leaf.dnsNames, notAfter: leaf.notAfter.toISOString() },
    reason,
    server: ca.server,
    signedWith: req.signer.kind,
    ...(ca.accountUrl ? { accountUrl: ca.accountUrl } : {}),
    alreadyRevoked: ca.alreadyRevoked,
  };
  if (req.mark) {
    const marked = await markRevoked(req.mark, leaf, reason.name, deps);
    if (marked) outcome.marked = marked;
  }
  return outcome;
}

/**
 * Records the revocation in the Secret's status, keyed by serial. After keyCompromise an order in
 * flight for the same key (rotationPolicy Never) is forgotten too: resuming it would certify the
 * compromised key again.
 */
async function markRevoked(target: SecretTarget, leaf: ParsedCertificate, reason: string, deps: RevokeDeps): Promise<RevokeOutcome['marked']> {
  const stored = await deps.store.read(target);
  const crt = stored?.data.tlsCrt;
  const storedLeaf = crt ? splitPem(crt)[0] : undefined;
  if (!stored || !storedLeaf || !storedLeaf.der.equals(leaf.der)) {
    deps.event?.('NotMarked', `the store no longer holds certificate ${leaf.serialHex} in Secret ${target.namespace}/${target.secretName}: nothing to mark`);
    return undefined;
  }
  let status: CertificateStatus = { ...(stored.status ?? { version: 1 }), revoked: { serial: leaf.serialHex, reason, revokedAt: deps.clock().toISOString() } };
  const pending = status.issuer?.acme?.pendingOrder;
  if (reason === 'keyCompromise' && pending && samePublicKey(createPublicKey(pending.keyPem), leaf.x509.publicKey)) {
    const { pendingOrder: _dropped, ...acme } = status.issuer!.acme!;
    status = { ...status, issuer: { ...status.issuer, acme } };
  }
  await deps.store.writeStatus(target, status);
  deps.event?.('Marked', `marked Secret ${target.namespace}/${target.secretName} revoked: the next renew replaces it${reason === 'keyCompromise' ? ' with a new private key' : ''}`);
  return { secret: `${target.namespace}/${target.secretName}`, location: stored.location };
}
