/**
 * When a stored certificate renews and whether it is due now, decided by the same checks
 * `renew` runs (src/renewal). With the Certificate from the manifests every check runs (the
 * trigger chain); with the Secret alone, only those that need no spec, with the renewal time
 * the record kept from issuance.
 */
import { gatherPolicyInput, revocationOf } from '../../core/gather.js';
import { describeKey, parsePrivateKey } from '../../pki/keys.js';
import { parseCertificate, splitPem, type ParsedCertificate } from '../../pki/parse.js';
import * as checks from '../../renewal/checks.js';
import { evaluate, triggerChain } from '../../renewal/chains.js';
import type { PolicyInput } from '../../renewal/policy-input.js';
import { renewalTime } from '../../renewal/renewal-time.js';
import type { CertificateResource } from '../../spec/types.js';
import type { IssuedSpec } from '../../stores/records.js';
import type { StoredCertificate } from '../../stores/store.js';

/** The renewal part of an inspection (JSON-ready). */
export interface RenewalVerdict {
  /** When renew renews it; absent when renewal is disabled or there is no readable certificate. */
  renewalTime?: string;
  /** Where the time comes from: the CA's ARI window, the Certificate's spec, the record written at issuance, or the default (2/3 of the lifetime). */
  basis: 'ari' | 'manifest' | 'record' | 'lifetime' | 'disabled' | 'none';
  /** renew would issue now. */
  due: boolean;
  /** `UpToDate`, or the renew reason (Renewing, Expired, InvalidKeyPair, RequestChanged, …). */
  reason: string;
  message: string;
}

/** The checks that can run without the Certificate's spec, in trigger-chain order. */
const STORED_ONLY_CHAIN: readonly checks.Check[] = [
  checks.secretMissingData, // certificate or key missing
  checks.invalidKeyPair, // unreadable, or key and certificate do not belong together
  checks.revoked, // certctl revoke revoked it
  checks.expired, // past notAfter
  checks.nearingExpiry, // past the renewal time
];

/** Decides for `stored` at `now`; `certificate` (from -f) enables the checks against the spec. */
export function renewalVerdict(stored: StoredCertificate, now: Date, certificate?: CertificateResource): RenewalVerdict {
  const input = certificate ? gatherPolicyInput(certificate, stored, now, false) : gatherStored(stored, now);
  const leaf = input.cert && !input.certError ? input.cert : undefined;
  const ari = stored.status?.issuer?.acme?.ari;
  if (leaf && ari?.chosen && ari.serial === leaf.serialHex) {
    // A one-shot run renews once the moment chosen in the CA's window has come (RFC 9773 §4.2).
    input.ari = { at: new Date(ari.chosen), renewBy: now };
  }
  const v = evaluate(certificate ? triggerChain : STORED_ONLY_CHAIN, input);
  const verdict = { due: Boolean(v), reason: v?.reason ?? 'UpToDate', message: v?.message ?? 'up to date: renew would leave it alone' };
  if (!leaf) return { ...verdict, basis: 'none' };
  if (input.renewalDisabled) return { ...verdict, basis: 'disabled' };
  if (input.ari) return { ...verdict, basis: 'ari', renewalTime: input.ari.at.toISOString() };
  const at = renewalTime(leaf.notBefore, leaf.notAfter, input);
  const basis = certificate ? 'manifest' : input.renewBeforeMs !== undefined ? 'record' : 'lifetime';
  return { ...verdict, basis, renewalTime: at.toISOString() };
}

/**
 * The renewal input from the Secret alone. The record's renewal time stands in for the spec's
 * renewBefore (it was computed from it at issuance); a record without one means renewal is
 * disabled. Without a spec, `desired` is what the record says the certificate was issued for,
 * else what the certificate itself holds; none of the checks run here compares against it.
 */
function gatherStored(stored: StoredCertificate, now: Date): PolicyInput {
  const record = stored.record;
  const input: PolicyInput = {
    now,
    forced: false,
    certificateName: record?.certificateName ?? stored.annotations?.['cert-manager.io/certificate-name'] ?? '',
    desired: record?.spec ?? noSpec(),
    desiredHash: '',
    renewalWindows: [],
    renewalDisabled: Boolean(record && !record.renewalTime),
    missing: !stored.data.tlsCrt && !stored.data.tlsKey,
    certificatePem: stored.data.tlsCrt,
    keyPem: stored.data.tlsKey,
    record,
    secretAnnotations: stored.annotations,
  };
  if (input.certificatePem) {
    try {
      input.cert = leafOf(input.certificatePem);
    } catch (err) {
      input.certError = (err as Error).message;
    }
  }
  if (input.keyPem) {
    try {
      const parsed = parsePrivateKey(input.keyPem);
      input.key = { ...parsed, ...describeKey(parsed.key) };
    } catch (err) {
      input.keyError = (err as Error).message;
    }
  }
  const revoked = revocationOf(stored, input.cert);
  if (revoked) input.revoked = revoked;
  if (!record && input.cert) input.desired = specOfCertificate(input.cert);
  if (input.cert && record?.renewalTime) {
    const before = input.cert.notAfter.getTime() - Date.parse(record.renewalTime);
    if (before > 0) input.renewBeforeMs = before;
  }
  return input;
}

/** An empty spec: nothing known about what was asked for. */
function noSpec(): IssuedSpec {
  return {
    dnsNames: [],
    ipAddresses: [],
    uris: [],
    emailAddresses: [],
    subject: {},
    usages: [],
    isCA: false,
    durationMs: 0,
    privateKey: { algorithm: '', size: 0, encoding: '' },
    issuerRef: { name: '', kind: '', group: '' },
  };
}

/** What an issued certificate says about the spec it was issued for (names, usages, lifetime). */
function specOfCertificate(cert: ParsedCertificate): IssuedSpec {
  return {
    ...noSpec(),
    ...(cert.commonName ? { commonName: cert.commonName } : {}),
    dnsNames: cert.dnsNames,
    ipAddresses: cert.ipAddresses,
    uris: cert.uris,
    emailAddresses: cert.emailAddresses,
    usages: cert.usages,
    isCA: cert.isCA,
    durationMs: cert.notAfter.getTime() - cert.notBefore.getTime(),
  };
}

function leafOf(pem: string): ParsedCertificate {
  const blocks = splitPem(pem);
  const odd = blocks.find((b) => b.type !== 'CERTIFICATE');
  if (odd) throw new Error(`tls.crt holds a ${odd.type} block`);
  if (blocks.length === 0) throw new Error('no certificate in tls.crt');
  return parseCertificate(blocks[0]!.der);
}
