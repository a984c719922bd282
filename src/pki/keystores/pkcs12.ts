/**
 * PKCS#12 (RFC 7292) keystores and truststores laid out exactly as cert-manager writes
 * `keystore.p12` and `truststore.p12` (go-pkcs12's Encode and EncodeTrustStore).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { explicit, int, octetString, oid, readDer, seq, set, tlv, TAG } from '../der.js';
import { parseCertificate } from '../parse.js';
import { goNameString } from './go-name-string.js';
import { ANY_EXTENDED_KEY_USAGE, ATTRIBUTE, BAG, CERT_TYPE_X509, CONTENT } from './oids.js';
import { KeystorePasswordError } from './passwords.js';
import { encodeMacData } from './pkcs12-mac.js';
import { pbeEncrypt } from './pkcs12-pbe.js';
import type { PbeSchemeName, RandomBytes } from './pkcs12-pbe.js';
import { PKCS12_PROFILE_PARAMETERS } from './pkcs12-profiles.js';
import type { Pkcs12Profile, Pkcs12ProfileParameters } from './pkcs12-profiles.js';

export type { RandomBytes } from './pkcs12-pbe.js';

/** Input of {@link encodePkcs12Keystore}. */
export interface Pkcs12KeystoreInput {
  privateKey: KeyObject;
  /** The issued chain as in `tls.crt`, leaf first. */
  chainDer: readonly Buffer[];
  /** The CA certificates as in `ca.crt`, if the issuer returned any. */
  caDer?: readonly Buffer[];
  password: string;
  /** Default LegacyRC2, like cert-manager. */
  profile?: Pkcs12Profile;
  /** Default: `crypto.randomBytes`. */
  random?: RandomBytes;
}

/** Input of {@link encodePkcs12Truststore}. */
export interface Pkcs12TruststoreInput {
  caDer: readonly Buffer[];
  password: string;
  profile?: Pkcs12Profile;
  random?: RandomBytes;
}

function checkPassword(password: string): void {
  // cert-manager refuses an empty keystore password before it encodes anything.
  if (password.length === 0) throw new KeystorePasswordError('PKCS#12 keystore password must not be empty');
}

function attribute(type: string, value: Buffer): Buffer {
  return seq(oid(type), set(value));
}

function safeBag(type: string, value: Buffer, attributes: Buffer[]): Buffer {
  return seq(oid(type), explicit(0, value), set(...attributes));
}

function certBag(certDer: Buffer, attributes: Buffer[]): Buffer {
  return safeBag(BAG.cert, seq(oid(CERT_TYPE_X509), explicit(0, octetString(certDer))), attributes);
}

function dataContentInfo(content: Buffer): Buffer {
  return seq(oid(CONTENT.data), explicit(0, octetString(content)));
}

function encryptedContentInfo(scheme: PbeSchemeName, p: Pkcs12ProfileParameters, password: string, content: Buffer, random: RandomBytes): Buffer {
  const { algorithm, ciphertext } = pbeEncrypt(scheme, p.encryptionIterations, p.saltLength, password, content, random);
  const encrypted = seq(int(0), seq(oid(CONTENT.data), algorithm, tlv(0, ciphertext, 'context', false)));
  return seq(oid(CONTENT.encryptedData), explicit(0, encrypted));
}

function pfx(safes: Buffer[], p: Pkcs12ProfileParameters, password: string, random: RandomBytes): Buffer {
  const authSafe = seq(...safes);
  const macData = encodeMacData(p.mac, p.macIterations, p.saltLength, password, authSafe, random);
  return seq(int(3), dataContentInfo(authSafe), macData);
}

function assertCertificates(ders: readonly Buffer[], what: string): void {
  ders.forEach((der, i) => {
    try {
      readDer(der, { shallow: true });
    } catch (err) {
      throw new Error(`${what} ${i + 1} is not DER: ${(err as Error).message}`);
    }
  });
}

/**
 * `keystore.p12`: one PKCS#8 shrouded key bag and the certificates, as go-pkcs12's Encode
 * lays them out: an encrypted SafeContents with the leaf (localKeyId = SHA-1 of the leaf) then
 * the rest of the chain and the CAs (no attributes), and a plain SafeContents with the key
 * (same localKeyId). No friendly names, as cert-manager writes none.
 */
export function encodePkcs12Keystore(input: Pkcs12KeystoreInput): Buffer {
  checkPassword(input.password);
  if (input.chainDer.length === 0) throw new Error('PKCS#12 keystore: the certificate chain is empty');
  assertCertificates(input.chainDer, 'PKCS#12 keystore: chain certificate');
  assertCertificates(input.caDer ?? [], 'PKCS#12 keystore: CA certificate');
  const p = PKCS12_PROFILE_PARAMETERS[input.profile ?? 'LegacyRC2'];
  if (!p) throw new Error(`PKCS#12 keystore: unknown profile "${String(input.profile)}"`);
  const random = input.random ?? randomBytes;
  const [leaf, ...rest] = input.chainDer;
  const localKeyId = attribute(ATTRIBUTE.localKeyId, octetString(createHash('sha1').update(leaf!).digest()));
  const pkcs8 = input.privateKey.export({ format: 'der', type: 'pkcs8' });
  // The key is encrypted first: go-pkcs12 draws its salt and IV before the certificates'.
  const shrouded = pbeEncrypt(p.key, p.encryptionIterations, p.saltLength, input.password, pkcs8, random);
  const keyBag = safeBag(BAG.shroudedKey, seq(shrouded.algorithm, octetString(shrouded.ciphertext)), [localKeyId]);
  const certBags = [certBag(leaf!, [localKeyId]), ...[...rest, ...(input.caDer ?? [])].map((der) => certBag(der, []))];
  const certSafe = encryptedContentInfo(p.certificates, p, input.password, seq(...certBags), random);
  return pfx([certSafe, dataContentInfo(seq(keyBag))], p, input.password, random);
}

function bmpString(s: string, what: string): Buffer {
  for (const ch of s) {
    if (ch.codePointAt(0)! > 0xffff) throw new Error(`${what} "${s}" has a character a BMPString cannot hold`);
  }
  return tlv(TAG.BMP_STRING, Buffer.from(s, 'utf16le').swap16());
}

/**
 * `truststore.p12`: the CA certificates, each a cert bag marked trusted for any purpose with
 * Oracle's attribute (which Java's PKCS12 keystore reads as a trusted certificate entry) and
 * named by its subject as Go prints it, all in one encrypted SafeContents.
 */
export function encodePkcs12Truststore(input: Pkcs12TruststoreInput): Buffer {
  checkPassword(input.password);
  if (input.caDer.length === 0) throw new Error('PKCS#12 truststore: no CA certificates');
  assertCertificates(input.caDer, 'PKCS#12 truststore: CA certificate');
  const p = PKCS12_PROFILE_PARAMETERS[input.profile ?? 'LegacyRC2'];
  if (!p) throw new Error(`PKCS#12 truststore: unknown profile "${String(input.profile)}"`);
  const random = input.random ?? randomBytes;
  const trusted = attribute(ATTRIBUTE.javaTrustedKeyUsage, oid(ANY_EXTENDED_KEY_USAGE));
  const bags = input.caDer.map((der) => {
    const name = goNameString(parseCertificate(der).subjectDer);
    return certBag(der, [trusted, attribute(ATTRIBUTE.friendlyName, bmpString(name, 'CA subject'))]);
  });
  const certSafe = encryptedContentInfo(p.certificates, p, input.password, seq(...bags), random);
  return pfx([certSafe], p, input.password, random);
}
