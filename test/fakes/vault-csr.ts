/**
 * PKCS#10 parsing for the fake Vault: what Go's x509.ParseCertificateRequest gives Vault's PKI
 * backend (subject, public key, requested SANs) and CheckSignature, using certctl's own DER reader.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readDer } from '../../src/pki/der.js';
import type { DerNode } from '../../src/pki/der.js';
import { readBitString, readOid, sequenceOf } from '../../src/pki/der-values.js';
import { parseExtensions } from '../../src/pki/extensions.js';
import { parseName } from '../../src/pki/names.js';
import type { SubjectSpec } from '../../src/pki/names.js';
import { splitPem } from '../../src/pki/pem.js';

export interface ParsedCsr {
  subject: SubjectSpec;
  subjectDer: Buffer;
  publicKey: KeyObject;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
}

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Parses and verifies a PEM CSR; throws with the message Vault's PKI backend would give. */
export function parseCsr(pem: string): ParsedCsr {
  const block = splitPem(pem)[0];
  if (!block) throw new Error('csr contains no data');
  let root: DerNode;
  try {
    root = readDer(Buffer.from(block.der));
  } catch (err) {
    throw new Error(`certificate request could not be parsed: ${(err as Error).message}`);
  }
  const [info, sigAlg, sig] = sequenceOf(root, 'CertificationRequest');
  const [, subjectNode, spkiNode, attrs] = sequenceOf(info, 'CertificationRequestInfo');
  const publicKey = createPublicKey({ key: spkiNode!.raw, format: 'der', type: 'spki' });
  const alg = readOid(sequenceOf(sigAlg, 'signatureAlgorithm')[0], 'algorithm');
  if (!(alg in HASHES)) throw new Error(`certificate request could not be parsed: unsupported signature algorithm ${alg}`);
  const signature = readBitString(sig, 'signature').bytes;
  const ok = verify(HASHES[alg]!, info!.raw, publicKey.asymmetricKeyType === 'ec' ? { key: publicKey, dsaEncoding: 'der' } : publicKey, signature);
  if (!ok) throw new Error('request signature invalid');
  let extensions: DerNode | undefined;
  for (const attr of attrs?.children ?? []) {
    const [id, values] = sequenceOf(attr, 'Attribute');
    if (readOid(id, 'attribute') === EXTENSION_REQUEST) extensions = values!.children?.[0];
  }
  const ext = parseExtensions(extensions);
  return {
    subject: parseName(subjectNode!).subject,
    subjectDer: Buffer.from(subjectNode!.raw),
    publicKey,
    dnsNames: ext.dnsNames,
    ipAddresses: ext.ipAddresses,
    uris: ext.uris,
    emailAddresses: ext.emailAddresses,
  };
}
