/**
 * PKCS#10 certificate signing requests (RFC 2986), e.g. for ACME finalize.
 */
import type { KeyObject } from 'node:crypto';
import { bitString, implicit, int, oid, seq, set } from './der.js';
import { basicConstraintsExt, extKeyUsageExt, keyUsageExt, subjectAltNameExt } from './extensions.js';
import { publicKeyDer } from './keys.js';
import { encodeName } from './names.js';
import type { SubjectSpec } from './names.js';
import { OID_EXTENSION_REQUEST } from './oids.js';
import { toPem } from './pem.js';
import { algorithmIdentifier, chooseSignatureAlgorithm, signData } from './signature.js';
import type { SignatureAlgorithmName } from './signature.js';
import { splitUsages } from './usages.js';

/** What a CSR asks for. */
export interface CsrRequest {
  subject: SubjectSpec;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  emailAddresses?: string[];
  /** When given, keyUsage/extKeyUsage/basicConstraints are requested (cert-manager's `encodeUsagesInRequest`). */
  usages?: string[];
  isCA?: boolean;
  /** Default chosen from the key, as for certificates. */
  signatureAlgorithm?: SignatureAlgorithmName;
}

/**
 * Builds a CSR signed by `privateKey` (RSA, ECDSA or Ed25519); returns PEM
 * (`CERTIFICATE REQUEST`). The extensionRequest attribute carries the SAN (critical when the
 * subject is empty) and, when `usages` is given, keyUsage, extKeyUsage and basicConstraints;
 * basicConstraints CA:TRUE is also requested whenever `isCA` is true.
 */
export function buildCsr(req: CsrRequest, privateKey: KeyObject): string {
  if (privateKey.type !== 'private') throw new Error('buildCsr: need a private key');
  const algorithm = chooseSignatureAlgorithm(privateKey, req.signatureAlgorithm);
  const subject = encodeName(req.subject);
  const isCA = req.isCA ?? false;
  const extensions: (Buffer | undefined)[] = [];
  if (req.usages !== undefined || isCA) extensions.push(basicConstraintsExt(isCA));
  if (req.usages !== undefined) {
    const { keyUsage, extKeyUsage } = splitUsages(req.usages, { isCA });
    extensions.push(keyUsageExt(keyUsage), extKeyUsageExt(extKeyUsage));
  }
  extensions.push(subjectAltNameExt(req, subject.length === 2));
  const present = extensions.filter((e): e is Buffer => e !== undefined);

  const attributes = present.length > 0 ? [seq(oid(OID_EXTENSION_REQUEST), set(seq(...present)))] : [];
  const info = seq(
    int(0),
    subject,
    publicKeyDer(privateKey),
    // [0] IMPLICIT SET OF Attribute: re-tag a SET so its elements get DER's SET OF ordering.
    implicit(0, set(...attributes), true),
  );
  const signature = signData(algorithm, privateKey, info);
  return toPem('CERTIFICATE REQUEST', seq(info, algorithmIdentifier(algorithm), bitString(signature)));
}
