/**
 * Certificate parsing: our DER reader for the fields Node 20's X509Certificate does not expose
 * (raw names, serial bytes, SKI/AKI, usages, dates as Date), X509Certificate for signatures.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readDer } from './der.js';
import { expectTag, readBitString, readOid, readSmallInt, readTime, sequenceOf } from './der-values.js';
import { parseExtensions } from './extensions.js';
import type { RawExtension } from './extensions.js';
import { parseName } from './names.js';
import type { SubjectSpec } from './names.js';
import { SIGNATURE_ALGORITHM_NAMES } from './oids.js';
import { splitPem, toPem } from './pem.js';
import { usagesFromCertificate } from './usages.js';

export { splitPem } from './pem.js';
export type { PemBlock } from './pem.js';

/** Everything certctl needs from a certificate. */
export interface ParsedCertificate {
  der: Buffer;
  /** Canonical PEM re-encoded from `der` (64-column lines, trailing newline). */
  pem: string;
  /** Node's view of the same certificate, for `verify`, `checkIssued`, `checkHost`… */
  x509: X509Certificate;
  /** 1 for v1, 3 for v3. */
  version: number;
  /** Subject Name DER exactly as in the certificate (what a child's issuer must equal). */
  subjectDer: Buffer;
  issuerDer: Buffer;
  subject: SubjectSpec;
  issuer: SubjectSpec;
  /** RFC 4514 forms for messages, e.g. `CN=example.com,O=Acme`. */
  subjectText: string;
  issuerText: string;
  /** Subject CN, '' when absent (Go's `cert.Subject.CommonName`, cert-manager's annotation). */
  commonName: string;
  dnsNames: string[];
  /** Normalised like Go's `ip.String()`. */
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
  /** Content bytes of the serial INTEGER as encoded, including a leading 0x00 (ARI needs these). */
  serialBytes: Buffer;
  /** Lowercase hex of the serial without the 0x00 sign pad (what Node's `serialNumber` shows). */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  pathLength?: number;
  /** Bit i = RFC 5280 keyUsage bit i (Go's x509.KeyUsage layout). */
  keyUsageBits: number;
  extKeyUsageOids: string[];
  /** cert-manager usage names (see `usagesFromCertificate`). */
  usages: string[];
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
  extensions: RawExtension[];
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER as found in the certificate. */
  publicKeyDer: Buffer;
  /** cert-manager name (`SHA256WithRSA`, `ECDSAWithSHA384`, `PureEd25519`…) or the dotted OID. */
  signatureAlgorithm: string;
  /** subject == issuer (bytewise) and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprintSha256: string;
}

function toDer(input: string | Buffer): Buffer {
  const text = typeof input === 'string' ? input : input.subarray(0, 64).toString('latin1').includes('-----BEGIN') ? input.toString('latin1') : undefined;
  if (text === undefined) return input as Buffer;
  const blocks = splitPem(text);
  if (blocks.length !== 1) {
    throw new Error(`expected exactly one PEM block, found ${blocks.length} (use parseCertificateChain for bundles)`);
  }
  if (blocks[0]!.type !== 'CERTIFICATE') throw new Error(`expected a CERTIFICATE PEM block, found "${blocks[0]!.type}"`);
  return blocks[0]!.der;
}

/** Parses one certificate from PEM (exactly one CERTIFICATE block) or DER. Throws if malformed. */
export function parseCertificate(pemOrDer: string | Buffer): ParsedCertificate {
  const der = Buffer.from(toDer(pemOrDer));
  try {
    return parseDer(der);
  } catch (err) {
    throw new Error(`invalid certificate: ${(err as Error).message}`);
  }
}

function parseDer(der: Buffer): ParsedCertificate {
  const [tbs, sigAlg, sigValue] = sequenceOf(readDer(der), 'Certificate');
  readBitString(sigValue, 'signatureValue');
  const signatureOid = readOid(sequenceOf(sigAlg, 'signatureAlgorithm')[0], 'signatureAlgorithm');
  const fields = sequenceOf(tbs, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (fields[0]?.cls === 'context' && fields[0].tag === 0) {
    version = readSmallInt(fields[0].children?.[0], 'version') + 1;
    i++;
  }
  const serial = expectTag(fields[i++], 2, 'serialNumber').value;
  if (serial.length === 0) throw new Error('empty serialNumber');
  i++; // TBS signature algorithm: X509Certificate.verify compares it with the outer one.
  const issuerNode = fields[i++]!;
  const issuer = parseName(issuerNode);
  const [nb, na] = sequenceOf(fields[i++], 'validity');
  const subjectNode = fields[i++]!;
  const subject = parseName(subjectNode);
  const spki = expectTag(fields[i++], 16, 'subjectPublicKeyInfo').raw;
  const extField = fields.slice(i).find((f) => f.cls === 'context' && f.tag === 3);
  const ext = parseExtensions(extField?.children?.[0]);
  if (extField && version !== 3) throw new Error('extensions present in a non-v3 certificate');

  const subjectDer = Buffer.from(subjectNode.raw);
  const issuerDer = Buffer.from(issuerNode.raw);
  // The costly parts (OpenSSL parses, key objects, hashes) are built on first use: renew parses
  // every stored certificate on every run and needs few of them.
  const lazy: { x509?: X509Certificate; publicKey?: KeyObject; selfSigned?: boolean; pem?: string; fingerprint?: string } = {};
  const stripped = serial.length > 1 && serial[0] === 0 ? serial.subarray(1) : serial;
  return {
    der,
    get pem() {
      return (lazy.pem ??= toPem('CERTIFICATE', der));
    },
    get x509() {
      return (lazy.x509 ??= new X509Certificate(der));
    },
    version,
    subjectDer,
    issuerDer,
    subject: subject.subject,
    issuer: issuer.subject,
    subjectText: subject.text,
    issuerText: issuer.text,
    commonName: subject.subject.commonName ?? '',
    dnsNames: ext.dnsNames,
    ipAddresses: ext.ipAddresses,
    uris: ext.uris,
    emailAddresses: ext.emailAddresses,
    serialBytes: Buffer.from(serial),
    serialHex: stripped.toString('hex'),
    notBefore: readTime(nb, 'notBefore'),
    notAfter: readTime(na, 'notAfter'),
    isCA: ext.isCA,
    ...(ext.pathLength !== undefined ? { pathLength: ext.pathLength } : {}),
    keyUsageBits: ext.keyUsageBits,
    extKeyUsageOids: ext.extKeyUsageOids,
    usages: usagesFromCertificate(ext),
    ...(ext.subjectKeyId ? { subjectKeyId: ext.subjectKeyId } : {}),
    ...(ext.authorityKeyId ? { authorityKeyId: ext.authorityKeyId } : {}),
    extensions: ext.list.map((e) => ({ ...e, value: Buffer.from(e.value) })),
    get publicKey() {
      return (lazy.publicKey ??= createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
    },
    publicKeyDer: Buffer.from(spki),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[signatureOid] ?? signatureOid,
    get selfSigned() {
      if (lazy.selfSigned === undefined) {
        lazy.selfSigned = false;
        if (subjectDer.equals(issuerDer)) {
          try {
            lazy.selfSigned = this.x509.verify(this.publicKey);
          } catch {
            lazy.selfSigned = false;
          }
        }
      }
      return lazy.selfSigned;
    },
    get fingerprintSha256() {
      return (lazy.fingerprint ??= createHash('sha256').update(der).digest('hex'));
    },
  };
}

/**
 * Parses a PEM bundle (e.g. `tls.crt`, leaf first) into certificates, in order. Throws if there
 * is no block, if any block is not a CERTIFICATE (naming its position), or if one is malformed.
 */
export function parseCertificateChain(pem: string): ParsedCertificate[] {
  const blocks = splitPem(pem);
  if (blocks.length === 0) throw new Error('no PEM certificate found');
  return blocks.map((b, i) => {
    if (b.type !== 'CERTIFICATE') throw new Error(`PEM block ${i + 1} is "${b.type}", expected CERTIFICATE`);
    try {
      return parseDer(Buffer.from(b.der));
    } catch (err) {
      throw new Error(`invalid certificate at position ${i + 1}: ${(err as Error).message}`);
    }
  });
}
