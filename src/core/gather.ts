import type { KeyObject } from 'node:crypto';
import { describeKey, parsePrivateKey, type KeyEncoding } from '../pki/keys.js';
import { sha256, specHash } from './issued-spec.js';
import { parseCertificate, type ParsedCertificate } from '../pki/parse.js';
import { splitPem } from '../pki/pem.js';
import type { PolicyInput } from '../renewal/policy-input.js';
import type { CertificateResource } from '../spec/types.js';
import type { StoredCertificate } from '../stores/store.js';
import { issuedSpecOf } from './issued-spec.js';

/** Parses what the store holds into the pure input of the renewal checks. */
export function gatherPolicyInput(
  cert: CertificateResource,
  stored: StoredCertificate | undefined,
  now: Date,
  forced: boolean,
): PolicyInput {
  const spec = cert.spec;
  const desired = issuedSpecOf(spec);
  const input: PolicyInput = {
    now,
    forced,
    certificateName: cert.metadata.name,
    desired,
    desiredHash: specHash(desired),
    renewBeforeMs: spec.renewBeforeMs,
    renewBeforePercentage: spec.renewBeforePercentage,
    renewalDisabled: spec.renewalDisabled,
    renewalWindows: spec.renewalWindows,
    missing: !stored || (!stored.data.tlsCrt && !stored.data.tlsKey),
    certificatePem: stored?.data.tlsCrt,
    keyPem: stored?.data.tlsKey,
    record: stored?.record,
    secretAnnotations: stored?.annotations,
  };
  if (input.certificatePem) {
    try {
      // Only the leaf decides; parsing the rest of the chain on every run is wasted work.
      const blocks = splitPem(input.certificatePem);
      const odd = blocks.find((b) => b.type !== 'CERTIFICATE');
      if (odd) throw new Error(`tls.crt holds a ${odd.type} block`);
      if (blocks.length === 0) input.certError = 'no certificate in tls.crt';
      else input.cert = parseCertificate(blocks[0].der);
    } catch (err) {
      input.certError = (err as Error).message;
    }
  }
  const revoked = revocationOf(stored, input.cert);
  if (revoked) input.revoked = revoked;
  const fp = stored?.record?.tlsSha256;
  if (fp && input.keyPem && input.certificatePem && input.cert && fp.crt === sha256(input.certificatePem) && fp.key === sha256(input.keyPem)) {
    // Unchanged since certctl wrote and verified them: take the key's description from the
    // record and parse the key only if issuance needs it (rotationPolicy: Never).
    const keyPem = input.keyPem;
    const recorded = stored!.record!.spec.privateKey;
    let parsed: KeyObject | undefined;
    input.pairVerified = true;
    input.key = {
      get key() {
        return (parsed ??= parsePrivateKey(keyPem).key);
      },
      encoding: recorded.encoding as KeyEncoding,
      algorithm: recorded.algorithm,
      size: recorded.size,
    };
  } else if (input.keyPem) {
    try {
      const parsed = parsePrivateKey(input.keyPem);
      input.key = { ...parsed, ...describeKey(parsed.key) };
    } catch (err) {
      input.keyError = (err as Error).message;
    }
  }
  return input;
}

/** The revocation mark of the stored certificate, when it is for this very certificate (same serial). */
export function revocationOf(stored: StoredCertificate | undefined, cert: ParsedCertificate | undefined): PolicyInput['revoked'] {
  const mark = stored?.status?.revoked;
  if (!mark || !cert || mark.serial !== cert.serialHex) return undefined;
  return { reason: mark.reason, revokedAt: mark.revokedAt };
}
