/**
 * What an OCSP response proves about a certificate, checked as RFC 6960 §3.2 requires: it is
 * about this certificate (CertID), signed by the issuer or by a responder the issuer delegated
 * to (id-kp-OCSPSigning, issued by the issuer, valid now), and current (thisUpdate not in the
 * future, nextUpdate not past).
 */
import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../../pki/parse.js';
import { EKU_OCSP_SIGNING, HASH_OIDS } from '../x509/check-oids.js';
import { verifySignature } from '../x509/signature-verify.js';
import { issuerHashes, serialMagnitude, subjectPublicKeyBits } from './issuer-hashes.js';
import { parseOcspResponse, type BasicOcspResponse, type SingleResponse } from './ocsp-response.js';

/** Clocks disagree; a response a few minutes "from the future" is still accepted (as Go's and OpenSSL's default). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Why a response cannot be relied on. */
export type OcspProblemCode = 'ResponderError' | 'Malformed' | 'NoIssuer' | 'WrongCertificate' | 'BadSignature' | 'UnauthorizedSigner' | 'Expired' | 'NotYetValid';

/** The verdict on one OCSP response for one certificate (JSON-ready). */
export interface OcspVerdict {
  status?: SingleResponse['status'];
  producedAt?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  revokedAt?: string;
  revocationReason?: string;
  /** Who signed it: `issuer CN=…`, or `delegated responder CN=…`. */
  signer?: string;
  /** Empty when the response is valid; otherwise what a client would reject it for. */
  problems: { code: OcspProblemCode; message: string }[];
}

/** Parses and checks `der` (an OCSPResponse) for `leaf`, whose issuer is `issuer` (undefined when unknown). */
export function verifyOcspResponse(der: Buffer, leaf: ParsedCertificate, issuer: ParsedCertificate | undefined, now: Date): OcspVerdict {
  const verdict: OcspVerdict = { problems: [] };
  let basic: BasicOcspResponse | undefined;
  try {
    const parsed = parseOcspResponse(der);
    if (!parsed.basic) {
      verdict.problems.push({ code: 'ResponderError', message: `the OCSP responder answered "${parsed.responseStatus}" instead of a status` });
      return verdict;
    }
    basic = parsed.basic;
  } catch (err) {
    verdict.problems.push({ code: 'Malformed', message: `malformed OCSP response: ${(err as Error).message}` });
    return verdict;
  }
  verdict.producedAt = basic.producedAt.toISOString();
  const single = basic.responses.find((r) => serialMagnitude(r.certId.serial).equals(serialMagnitude(leaf.serialBytes)));
  if (!single) {
    verdict.problems.push({ code: 'WrongCertificate', message: `the OCSP response is about another certificate (serial ${basic.responses.map((r) => serialMagnitude(r.certId.serial).toString('hex')).join(', ') || 'none'}, not ${leaf.serialHex})` });
    return verdict;
  }
  Object.assign(verdict, {
    status: single.status,
    thisUpdate: single.thisUpdate.toISOString(),
    ...(single.nextUpdate ? { nextUpdate: single.nextUpdate.toISOString() } : {}),
    ...(single.revokedAt ? { revokedAt: single.revokedAt.toISOString() } : {}),
    ...(single.revocationReason ? { revocationReason: single.revocationReason } : {}),
  });
  if (!issuer) {
    verdict.problems.push({ code: 'NoIssuer', message: 'the issuer certificate is not known (not served, not in the trust store), so the response cannot be verified' });
    return verdict;
  }
  checkCertId(single, issuer, verdict);
  checkSignature(basic, issuer, now, verdict);
  checkTimes(single, now, verdict);
  return verdict;
}

function checkCertId(single: SingleResponse, issuer: ParsedCertificate, verdict: OcspVerdict): void {
  const hash = HASH_OIDS[single.certId.hashOid];
  if (!hash) {
    verdict.problems.push({ code: 'Malformed', message: `unsupported CertID hash algorithm ${single.certId.hashOid}` });
    return;
  }
  const { nameHash, keyHash } = issuerHashes(issuer, hash);
  if (!nameHash.equals(single.certId.issuerNameHash) || !keyHash.equals(single.certId.issuerKeyHash)) {
    verdict.problems.push({ code: 'WrongCertificate', message: `the OCSP response is about a certificate with this serial from another issuer than ${issuer.subjectText}` });
  }
}

function responderMatches(basic: BasicOcspResponse, cert: ParsedCertificate): boolean {
  if (basic.responderId.byName) return basic.responderId.byName.equals(cert.subjectDer);
  return Boolean(basic.responderId.byKeyHash?.equals(createHash('sha1').update(subjectPublicKeyBits(cert)).digest()));
}

function checkSignature(basic: BasicOcspResponse, issuer: ParsedCertificate, now: Date, verdict: OcspVerdict): void {
  const verifies = (key: ParsedCertificate): boolean => {
    try {
      return verifySignature(basic.signatureAlgorithm, basic.tbs, basic.signature, key.publicKey);
    } catch (err) {
      verdict.problems.push({ code: 'Malformed', message: (err as Error).message });
      return false;
    }
  };
  if (responderMatches(basic, issuer)) {
    verdict.signer = `issuer ${issuer.subjectText}`;
    if (!verifies(issuer)) verdict.problems.push({ code: 'BadSignature', message: `the OCSP response's signature does not verify with the issuer's key (${issuer.subjectText})` });
    return;
  }
  const responder = basic.certs.find((c) => responderMatches(basic, c));
  if (!responder) {
    verdict.problems.push({ code: 'UnauthorizedSigner', message: `the OCSP response is signed by a responder that is neither the issuer (${issuer.subjectText}) nor included with a certificate` });
    return;
  }
  verdict.signer = `delegated responder ${responder.subjectText}`;
  const why = delegationProblem(responder, issuer, now);
  if (why) verdict.problems.push({ code: 'UnauthorizedSigner', message: `the OCSP response is signed by ${responder.subjectText}, which ${why}` });
  else if (!verifies(responder)) verdict.problems.push({ code: 'BadSignature', message: `the OCSP response's signature does not verify with the key of ${responder.subjectText}` });
}

/** Why `responder` may not sign for `issuer` (RFC 6960 §4.2.2.2), or undefined when it may. */
function delegationProblem(responder: ParsedCertificate, issuer: ParsedCertificate, now: Date): string | undefined {
  let signed = false;
  try {
    signed = responder.issuerDer.equals(issuer.subjectDer) && responder.x509.verify(issuer.publicKey);
  } catch {
    signed = false;
  }
  if (!signed) return `was not issued by ${issuer.subjectText}`;
  if (!responder.extKeyUsageOids.includes(EKU_OCSP_SIGNING)) return 'lacks the OCSP signing extended key usage (id-kp-OCSPSigning)';
  if (responder.notAfter.getTime() < now.getTime()) return `expired at ${responder.notAfter.toISOString()}`;
  if (responder.notBefore.getTime() > now.getTime() + CLOCK_SKEW_MS) return `is not valid before ${responder.notBefore.toISOString()}`;
  return undefined;
}

function checkTimes(single: SingleResponse, now: Date, verdict: OcspVerdict): void {
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    verdict.problems.push({ code: 'NotYetValid', message: `the OCSP response is from the future (thisUpdate ${single.thisUpdate.toISOString()})` });
  }
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime()) {
    verdict.problems.push({ code: 'Expired', message: `the OCSP response expired at ${single.nextUpdate.toISOString()} (its nextUpdate)` });
  }
}
