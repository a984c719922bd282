/**
 * Certificate revocation lists (RFC 5280 §5): parsing, and the verdict for one certificate —
 * signed by its issuer, current, complete (not a delta or a CRL for another distribution
 * point), and whether the serial is listed.
 */
import { readDer, type DerNode } from '../../pki/der.js';
import { expectTag, readBitString, readBoolean, readOctetString, readOid, readTime, sequenceOf } from '../../pki/der-values.js';
import { splitPem } from '../../pki/pem.js';
import type { ParsedCertificate } from '../../pki/parse.js';
import { CRL_EXT, CRL_REASONS } from '../x509/check-oids.js';
import { verifySignature } from '../x509/signature-verify.js';
import { serialMagnitude } from './issuer-hashes.js';

/** A parsed CRL. Revoked serials are keyed by their hex magnitude. */
export interface ParsedCrl {
  tbs: Buffer;
  signatureAlgorithm: DerNode;
  signature: Buffer;
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: Map<string, { revokedAt: Date; reason?: string }>;
  /** The URIs of an issuingDistributionPoint extension (a partitioned CRL's scope). */
  scopeUrls?: string[];
  /** A delta CRL lists only changes; alone it cannot prove a certificate good. */
  delta: boolean;
  /** A critical extension this reader does not know (RFC 5280 §5.2: then the CRL must not be used). */
  unknownCritical?: string;
}

/** Parses a CRL from DER or PEM (`X509 CRL`); throws when malformed. */
export function parseCrl(data: Buffer): ParsedCrl {
  const head = data.subarray(0, 64).toString('latin1');
  const der = head.includes('-----BEGIN') ? pemCrl(data.toString('latin1')) : data;
  const [tbsNode, sigAlg, sigValue] = sequenceOf(readDer(der, { maxDepth: 16 }), 'CertificateList');
  const fields = sequenceOf(tbsNode, 'TBSCertList');
  let i = 0;
  if (fields[i]?.tag === 2 && fields[i]?.cls === 'universal') i++; // version v2
  i++; // signature AlgorithmIdentifier (must equal the outer one; the outer one is checked)
  const issuerDer = Buffer.from(expectTag(fields[i++], 16, 'issuer').raw);
  const thisUpdate = readTime(fields[i++], 'thisUpdate');
  const crl: ParsedCrl = { tbs: Buffer.from(tbsNode!.raw), signatureAlgorithm: sigAlg!, signature: Buffer.from(readBitString(sigValue, 'signature').bytes), issuerDer, thisUpdate, revoked: new Map(), delta: false };
  const maybeNext = fields[i];
  if (maybeNext?.cls === 'universal' && (maybeNext.tag === 23 || maybeNext.tag === 24)) {
    crl.nextUpdate = readTime(maybeNext, 'nextUpdate');
    i++;
  }
  if (fields[i]?.cls === 'universal' && fields[i]?.tag === 16) {
    for (const entry of sequenceOf(fields[i++], 'revokedCertificates')) addEntry(crl, entry);
  }
  const extField = fields[i];
  if (extField?.cls === 'context' && extField.tag === 0) readCrlExtensions(crl, extField.children?.[0]);
  return crl;
}

function pemCrl(text: string): Buffer {
  const block = splitPem(text).find((b) => b.type === 'X509 CRL');
  if (!block) throw new Error('no X509 CRL PEM block');
  return block.der;
}

function addEntry(crl: ParsedCrl, entry: DerNode): void {
  const [serial, date, exts] = sequenceOf(entry, 'revokedCertificate');
  const key = serialMagnitude(expectTag(serial, 2, 'userCertificate').value).toString('hex');
  let reason: string | undefined;
  for (const ext of exts ? sequenceOf(exts, 'crlEntryExtensions') : []) {
    const parts = sequenceOf(ext, 'Extension');
    if (readOid(parts[0], 'extnID') !== CRL_EXT.reasonCode) continue;
    const v = expectTag(readDer(readOctetString(parts[parts.length - 1], 'reasonCode')), 10, 'CRLReason').value;
    reason = CRL_REASONS[v[0] ?? -1] ?? `reason ${v[0]}`;
  }
  crl.revoked.set(key, { revokedAt: readTime(date, 'revocationDate'), ...(reason ? { reason } : {}) });
}

const KNOWN_CRL_EXTENSIONS = new Set<string>([CRL_EXT.crlNumber, CRL_EXT.authorityKeyIdentifier, CRL_EXT.issuingDistributionPoint, CRL_EXT.deltaCrlIndicator]);

function readCrlExtensions(crl: ParsedCrl, node: DerNode | undefined): void {
  for (const ext of node ? sequenceOf(node, 'crlExtensions') : []) {
    const parts = sequenceOf(ext, 'Extension');
    const id = readOid(parts[0], 'extnID');
    const critical = parts.length === 3 && readBoolean(parts[1], 'critical');
    const value = readOctetString(parts[parts.length - 1], 'extnValue');
    if (id === CRL_EXT.deltaCrlIndicator) crl.delta = true;
    else if (id === CRL_EXT.issuingDistributionPoint) crl.scopeUrls = scopeUrls(value);
    else if (critical && !KNOWN_CRL_EXTENSIONS.has(id)) crl.unknownCritical ??= id;
  }
}

/** The fullName URIs of an IssuingDistributionPoint (RFC 5280 §5.2.5). */
function scopeUrls(value: Buffer): string[] {
  const [first] = sequenceOf(readDer(value), 'IssuingDistributionPoint');
  if (first?.cls !== 'context' || first.tag !== 0) return [];
  const fullName = first.children?.find((c) => c.cls === 'context' && c.tag === 0);
  return (fullName?.children ?? []).filter((g) => g.cls === 'context' && g.tag === 6).map((g) => g.value.toString('latin1'));
}

/** The verdict for one certificate (JSON-ready). */
export interface CrlVerdict {
  url: string;
  status?: 'good' | 'revoked';
  revokedAt?: string;
  revocationReason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** Revoked entries in the list. */
  entries?: number;
  /** Empty when the CRL is valid for the certificate. */
  problems: { code: 'Malformed' | 'WrongIssuer' | 'BadSignature' | 'Stale' | 'NotYetValid' | 'Unusable'; message: string }[];
}

/** Checks a fetched CRL for `cert`, issued by `issuer`, at `now`. */
export function checkCrl(data: Buffer, url: string, cert: ParsedCertificate, issuer: ParsedCertificate, now: Date): CrlVerdict {
  const verdict: CrlVerdict = { url, problems: [] };
  let crl: ParsedCrl;
  try {
    crl = parseCrl(data);
  } catch (err) {
    verdict.problems.push({ code: 'Malformed', message: `the CRL at ${url} is malformed: ${(err as Error).message}` });
    return verdict;
  }
  verdict.thisUpdate = crl.thisUpdate.toISOString();
  if (crl.nextUpdate) verdict.nextUpdate = crl.nextUpdate.toISOString();
  verdict.entries = crl.revoked.size;
  if (!crl.issuerDer.equals(cert.issuerDer)) verdict.problems.push({ code: 'WrongIssuer', message: `the CRL at ${url} is issued by another CA than the certificate's issuer (${cert.issuerText})` });
  let signed = false;
  try {
    signed = verifySignature(crl.signatureAlgorithm, crl.tbs, crl.signature, issuer.publicKey);
  } catch (err) {
    verdict.problems.push({ code: 'Unusable', message: `the CRL at ${url}: ${(err as Error).message}` });
  }
  if (!signed && verdict.problems.length === 0) verdict.problems.push({ code: 'BadSignature', message: `the CRL at ${url} is not signed by ${issuer.subjectText}` });
  if (crl.delta) verdict.problems.push({ code: 'Unusable', message: `the CRL at ${url} is a delta CRL, not a complete list` });
  if (crl.unknownCritical) verdict.problems.push({ code: 'Unusable', message: `the CRL at ${url} has a critical extension ${crl.unknownCritical} certctl does not understand` });
  if (crl.scopeUrls && crl.scopeUrls.length > 0 && !crl.scopeUrls.includes(url)) {
    verdict.problems.push({ code: 'Unusable', message: `the CRL at ${url} covers another distribution point (${crl.scopeUrls.join(', ')})` });
  }
  if (crl.thisUpdate.getTime() > now.getTime() + 5 * 60_000) verdict.problems.push({ code: 'NotYetValid', message: `the CRL at ${url} is from the future (thisUpdate ${verdict.thisUpdate})` });
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) verdict.problems.push({ code: 'Stale', message: `the CRL at ${url} is stale: its nextUpdate ${verdict.nextUpdate} has passed` });
  const entry = crl.revoked.get(serialMagnitude(cert.serialBytes).toString('hex'));
  verdict.status = entry ? 'revoked' : 'good';
  if (entry) {
    verdict.revokedAt = entry.revokedAt.toISOString();
    if (entry.reason) verdict.revocationReason = entry.reason;
  }
  return verdict;
}
