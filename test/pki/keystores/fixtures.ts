// PKI material for the keystore tests: a root CA, an intermediate and a leaf for 127.0.0.1 and
// localhost, built with certctl's own certificate code and checked by the tests with openssl.
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../../src/pki/certificate.js';
import { generatePrivateKey, encodePrivateKey } from '../../../src/pki/keys.js';
import type { KeySpec } from '../../../src/pki/keys.js';
import { parseCertificate } from '../../../src/pki/parse.js';
import { validity } from '../helpers.js';

/** Issued material for one leaf key type. */
export interface KeystoreMaterial {
  label: string;
  key: KeyObject;
  /** tls.key as PKCS#8 PEM. */
  keyPem: string;
  /** Leaf, intermediate. */
  chainDer: Buffer[];
  chainPem: string;
  /** Root. */
  caDer: Buffer[];
  caPem: string;
}

/** The leaf key types the keystores must carry. */
export const LEAF_KEYS: readonly (KeySpec & { label: string })[] = [
  { algorithm: 'RSA', size: 2048, label: 'RSA-2048' },
  { algorithm: 'ECDSA', size: 256, label: 'P-256' },
  { algorithm: 'ECDSA', size: 384, label: 'P-384' },
  { algorithm: 'ECDSA', size: 521, label: 'P-521' },
  { algorithm: 'Ed25519', label: 'Ed25519' },
];

/** A root and an intermediate CA shared by all leaves, to keep RSA key generation cheap. */
export async function makeCa(): Promise<{ rootKey: KeyObject; rootPem: string; interKey: KeyObject; interPem: string }> {
  const [rootKey, interKey] = await Promise.all([generatePrivateKey({ algorithm: 'ECDSA', size: 384 }), generatePrivateKey({ algorithm: 'ECDSA', size: 256 })]);
  const { notBefore, notAfter } = validity(365);
  const rootPem = buildCertificate({ subject: { commonName: 'certctl keystore test root', organizations: ['certctl, tests'] }, notBefore, notAfter, isCA: true, usages: ['cert sign', 'crl sign'], publicKey: rootKey }, { privateKey: rootKey });
  const interPem = buildCertificate(
    { subject: { commonName: 'certctl keystore test intermediate' }, notBefore, notAfter, isCA: true, usages: ['cert sign', 'crl sign'], publicKey: interKey },
    { privateKey: rootKey, certificate: parseCertificate(rootPem) },
  );
  return { rootKey, rootPem, interKey, interPem };
}

/** A leaf of key type `spec` issued by the intermediate of `ca` (for `key` when given: a renewal). */
export async function makeLeaf(ca: Awaited<ReturnType<typeof makeCa>>, spec: KeySpec & { label: string }, existingKey?: KeyObject): Promise<KeystoreMaterial> {
  const key = existingKey ?? (await generatePrivateKey(spec));
  const { notBefore, notAfter } = validity(30);
  const leafPem = buildCertificate(
    { subject: { commonName: `leaf ${spec.label}` }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore, notAfter, isCA: false, usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'], publicKey: key },
    { privateKey: ca.interKey, certificate: parseCertificate(ca.interPem) },
  );
  const leafDer = parseCertificate(leafPem).der;
  const interDer = parseCertificate(ca.interPem).der;
  const rootDer = parseCertificate(ca.rootPem).der;
  return {
    label: spec.label,
    key,
    keyPem: encodePrivateKey(key, 'PKCS8'),
    chainDer: [leafDer, interDer],
    chainPem: leafPem + ca.interPem,
    caDer: [rootDer],
    caPem: ca.rootPem,
  };
}
