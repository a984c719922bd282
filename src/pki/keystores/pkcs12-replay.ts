/**
 * Tells whether a stored PKCS#12 file is exactly what we would write now for the same inputs,
 * without rewriting it: the salts and IVs are read back from the file and fed to the encoder
 * in the order it draws random bytes. Equal bytes prove the same key, certificates, password,
 * profile and layout; anything else (including a file we cannot read) means "re-encode".
 */
import { readDer } from '../der.js';
import type { DerNode } from '../der.js';
import { childrenOf, readOctetString, readOid, sequenceOf } from '../der-values.js';
import { BAG, CONTENT, PBE } from './oids.js';
import { encodePkcs12Keystore, encodePkcs12Truststore } from './pkcs12.js';
import type { Pkcs12KeystoreInput, Pkcs12TruststoreInput } from './pkcs12.js';
import type { RandomBytes } from './pkcs12-pbe.js';

function explicitContent(node: DerNode | undefined, what: string): DerNode {
  if (!node || node.cls !== 'context' || node.tag !== 0) throw new Error(`${what}: expected [0]`);
  const [inner] = childrenOf(node, what);
  return inner!;
}

/** Salt, then the PBES2 IV, from an encryption AlgorithmIdentifier. */
function pbeRandom(algorithm: DerNode): Buffer[] {
  const [algOid, params] = sequenceOf(algorithm, 'encryption algorithm');
  if (readOid(algOid, 'encryption algorithm') !== PBE.pbes2) return [readOctetString(sequenceOf(params, 'PBE parameters')[0], 'PBE salt')];
  const [kdf, enc] = sequenceOf(params, 'PBES2 parameters');
  const salt = readOctetString(sequenceOf(sequenceOf(kdf, 'PBES2 KDF')[1], 'PBKDF2 parameters')[0], 'PBKDF2 salt');
  return [salt, readOctetString(sequenceOf(enc, 'PBES2 cipher')[1], 'PBES2 IV')];
}

function macRandom(macData: DerNode): Buffer {
  const [digestInfo, salt] = sequenceOf(macData, 'MacData');
  const [algorithm] = sequenceOf(digestInfo, 'MAC digest');
  const [algOid, params] = sequenceOf(algorithm, 'MAC algorithm');
  if (readOid(algOid, 'MAC algorithm') !== PBE.pbmac1) return readOctetString(salt, 'MAC salt');
  const [kdf] = sequenceOf(params, 'PBMAC1 parameters');
  return readOctetString(sequenceOf(sequenceOf(kdf, 'PBMAC1 KDF')[1], 'PBKDF2 parameters')[0], 'PBKDF2 salt');
}

/** The random inputs of a PFX, in the order go-pkcs12 (and our encoder) draws them. */
export function pkcs12RandomInputs(pfx: Buffer): Buffer[] {
  const [, authSafeInfo, macData] = sequenceOf(readDer(pfx, { maxDepth: 16 }), 'PFX');
  if (!macData) throw new Error('PFX has no MAC');
  const authSafe = readDer(readOctetString(explicitContent(sequenceOf(authSafeInfo, 'authSafe')[1], 'authSafe'), 'authSafe'), { maxDepth: 16 });
  const keyRandom: Buffer[] = [];
  const certRandom: Buffer[] = [];
  for (const info of sequenceOf(authSafe, 'AuthenticatedSafe')) {
    const [type, content] = sequenceOf(info, 'ContentInfo');
    const body = explicitContent(content, 'ContentInfo');
    if (readOid(type, 'ContentInfo type') === CONTENT.encryptedData) {
      certRandom.push(...pbeRandom(sequenceOf(sequenceOf(body, 'EncryptedData')[1], 'EncryptedContentInfo')[1]!));
      continue;
    }
    for (const bag of sequenceOf(readDer(readOctetString(body, 'SafeContents'), { maxDepth: 16 }), 'SafeContents')) {
      const [bagType, value] = sequenceOf(bag, 'SafeBag');
      if (readOid(bagType, 'SafeBag type') === BAG.shroudedKey) keyRandom.push(...pbeRandom(sequenceOf(explicitContent(value, 'SafeBag'), 'EncryptedPrivateKeyInfo')[0]!));
    }
  }
  return [...keyRandom, ...certRandom, macRandom(macData)];
}

function replay(values: Buffer[]): { random: RandomBytes; exhausted: () => boolean } {
  const queue = [...values];
  return {
    random: (n) => {
      const next = queue.shift();
      if (!next || next.length !== n) throw new Error('stored file draws different random inputs');
      return Buffer.from(next);
    },
    exhausted: () => queue.length === 0,
  };
}

function matches(stored: Buffer, encode: (random: RandomBytes) => Buffer): boolean {
  try {
    const r = replay(pkcs12RandomInputs(stored));
    return encode(r.random).equals(stored) && r.exhausted();
  } catch {
    return false;
  }
}

/** True when `stored` is byte for byte the keystore.p12 these inputs give (see file comment). */
export function pkcs12KeystoreMatches(stored: Buffer, input: Omit<Pkcs12KeystoreInput, 'random'>): boolean {
  return matches(stored, (random) => encodePkcs12Keystore({ ...input, random }));
}

/** True when `stored` is byte for byte the truststore.p12 these inputs give. */
export function pkcs12TruststoreMatches(stored: Buffer, input: Omit<Pkcs12TruststoreInput, 'random'>): boolean {
  return matches(stored, (random) => encodePkcs12Truststore({ ...input, random }));
}
