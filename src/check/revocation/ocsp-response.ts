/**
 * OCSP responses (RFC 6960 §4.2.1): the outer status, and the BasicOCSPResponse with its
 * responder, times, single responses and the certificates it carries. Parsing only; what the
 * response proves is decided in ocsp-verify.ts.
 */
import { readDer, type DerNode } from '../../pki/der.js';
import { expectTag, readBitString, readOctetString, readOid, readSmallInt, readTime, sequenceOf } from '../../pki/der-values.js';
import { parseCertificate, type ParsedCertificate } from '../../pki/parse.js';
import { CRL_REASONS, OCSP_BASIC } from '../x509/check-oids.js';

/** OCSPResponseStatus values (RFC 6960 §4.2.1). */
const RESPONSE_STATUS: Readonly<Record<number, string>> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

/** CertID: which certificate a single response is about. */
export interface CertId {
  hashOid: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Serial INTEGER content bytes as encoded. */
  serial: Buffer;
}

/** One SingleResponse. */
export interface SingleResponse {
  certId: CertId;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  revocationReason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** A BasicOCSPResponse. */
export interface BasicOcspResponse {
  /** ResponseData DER, what the signature covers. */
  tbs: Buffer;
  signatureAlgorithm: DerNode;
  signature: Buffer;
  responderId: { byName?: Buffer; byKeyHash?: Buffer };
  producedAt: Date;
  responses: SingleResponse[];
  /** Certificates included to help verify the signature (a delegated responder's). */
  certs: ParsedCertificate[];
}

/** A parsed OCSPResponse. */
export interface OcspResponse {
  /** `successful`, or the error status a responder answered with. */
  responseStatus: string;
  basic?: BasicOcspResponse;
}

/** Parses a DER OCSPResponse; throws with the part that is malformed. */
export function parseOcspResponse(der: Buffer): OcspResponse {
  const [statusNode, bytesNode] = sequenceOf(readDer(der), 'OCSPResponse');
  const statusValue = expectTag(statusNode, 10, 'responseStatus').value;
  const code = statusValue.length === 1 ? statusValue[0]! : -1;
  const responseStatus = RESPONSE_STATUS[code] ?? `status ${code}`;
  if (responseStatus !== 'successful') return { responseStatus };
  if (!bytesNode || bytesNode.cls !== 'context' || bytesNode.tag !== 0) throw new Error('successful OCSPResponse without responseBytes');
  const [typeNode, responseNode] = sequenceOf(bytesNode.children?.[0], 'ResponseBytes');
  const type = readOid(typeNode, 'responseType');
  if (type !== OCSP_BASIC) throw new Error(`unsupported OCSP response type ${type}`);
  return { responseStatus, basic: parseBasic(readOctetString(responseNode, 'response')) };
}

function parseBasic(der: Buffer): BasicOcspResponse {
  const [tbsNode, sigAlg, sigValue, certsNode] = sequenceOf(readDer(der), 'BasicOCSPResponse');
  const fields = sequenceOf(tbsNode, 'ResponseData');
  let i = 0;
  if (fields[0]?.cls === 'context' && fields[0].tag === 0) {
    const version = readSmallInt(fields[0].children?.[0], 'version');
    if (version !== 0) throw new Error(`unsupported ResponseData version ${version + 1}`);
    i++;
  }
  const responder = fields[i++];
  const responderId: BasicOcspResponse['responderId'] = {};
  if (responder?.cls === 'context' && responder.tag === 1) responderId.byName = Buffer.from(responder.children?.[0]?.raw ?? Buffer.alloc(0));
  else if (responder?.cls === 'context' && responder.tag === 2) responderId.byKeyHash = Buffer.from(readOctetString(responder.children?.[0], 'responderID byKey'));
  else throw new Error('malformed responderID');
  const producedAt = readTime(fields[i++], 'producedAt');
  const responses = sequenceOf(fields[i++], 'responses').map(parseSingle);
  const certs = certsNode?.cls === 'context' && certsNode.tag === 0 ? sequenceOf(certsNode.children?.[0], 'certs').map((c) => parseCertificate(Buffer.from(c.raw))) : [];
  return {
    tbs: Buffer.from(tbsNode!.raw),
    signatureAlgorithm: sigAlg!,
    signature: Buffer.from(readBitString(sigValue, 'signature').bytes),
    responderId,
    producedAt,
    responses,
    certs,
  };
}

function parseSingle(node: DerNode): SingleResponse {
  const [certIdNode, statusNode, thisUpdateNode, ...rest] = sequenceOf(node, 'SingleResponse');
  const [alg, nameHash, keyHash, serial] = sequenceOf(certIdNode, 'CertID');
  const certId: CertId = {
    hashOid: readOid(sequenceOf(alg, 'hashAlgorithm')[0], 'hashAlgorithm'),
    issuerNameHash: Buffer.from(readOctetString(nameHash, 'issuerNameHash')),
    issuerKeyHash: Buffer.from(readOctetString(keyHash, 'issuerKeyHash')),
    serial: Buffer.from(expectTag(serial, 2, 'serialNumber').value),
  };
  if (statusNode?.cls !== 'context') throw new Error('malformed certStatus');
  const out: SingleResponse = { certId, status: 'unknown', thisUpdate: readTime(thisUpdateNode, 'thisUpdate') };
  if (statusNode.tag === 0) out.status = 'good';
  else if (statusNode.tag === 1) {
    out.status = 'revoked';
    const [time, reason] = statusNode.children ?? [];
    out.revokedAt = readTime(time, 'revocationTime');
    if (reason?.cls === 'context' && reason.tag === 0) {
      const v = expectTag(reason.children?.[0], 10, 'revocationReason').value;
      out.revocationReason = CRL_REASONS[v[0] ?? -1] ?? `reason ${v[0]}`;
    }
  } else if (statusNode.tag !== 2) throw new Error(`unknown certStatus [${statusNode.tag}]`);
  const next = rest.find((n) => n.cls === 'context' && n.tag === 0);
  if (next) out.nextUpdate = readTime(next.children?.[0], 'nextUpdate');
  return out;
}
