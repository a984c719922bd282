import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../pki/certificate.js';
import { certificateMatchesKey } from '../pki/chain.js';
import { isEncryptedKeyPem, parsePrivateKey } from '../pki/keys.js';
import { parseCertificateChain } from '../pki/parse.js';
import type { ParsedCertificate } from '../pki/parse.js';
import { allowsCertSign } from '../pki/usages.js';
import type { CaIssuerSpec } from '../spec/types.js';
import type { Issuer, SignRequest, SignedBundle } from './issuer.js';
import { templateFromSpec } from './template.js';

export interface CaKeyPair {
  /** The CA Secret's `tls.crt` chain followed by its `ca.crt`, parsed; [0] is the signing CA. */
  chain: ParsedCertificate[];
  key: KeyObject;
  /** Where the key pair came from, for messages (`Secret cert-manager/root-ca`). */
  source: string;
}

/** A CA Secret that cannot sign, with the data key at fault. */
export class CaSecretError extends Error {
  constructor(
    message: string,
    readonly dataKey?: string,
  ) {
    super(message);
    this.name = 'CaSecretError';
  }
}

/**
 * Reads and checks a CA key pair from a Secret's data, so that a broken CA is an input error
 * before anything is generated or written: both keys present and parseable (an encrypted key is
 * refused with the way out), the key matching the certificate, a CA certificate
 * (basicConstraints CA:TRUE) allowed to sign certificates (keyCertSign), valid at `now`.
 */
export function loadCaKeyPair(data: Record<string, Buffer>, source: string, now: Date): CaKeyPair {
  const crt = data['tls.crt']?.toString('utf8');
  const keyPem = data['tls.key']?.toString('utf8');
  if (!crt?.trim()) throw new CaSecretError(`${source} has no tls.crt (a CA Secret holds tls.crt and tls.key)`, 'tls.crt');
  if (!keyPem?.trim()) throw new CaSecretError(`${source} has no tls.key (a CA Secret holds tls.crt and tls.key)`, 'tls.key');
  let chain: ParsedCertificate[];
  try {
    chain = parseCertificateChain(crt);
    const extra = data['ca.crt']?.toString('utf8');
    if (extra?.trim()) chain = dedupe([...chain, ...parseCertificateChain(extra)]);
  } catch (err) {
    throw new CaSecretError(`${source}: tls.crt or ca.crt is not a PEM certificate chain: ${(err as Error).message}`, 'tls.crt');
  }
  if (isEncryptedKeyPem(keyPem)) {
    throw new CaSecretError(`${source}: tls.key is encrypted; cert-manager and certctl need it unencrypted (openssl pkey -in key.pem -out plain.pem)`, 'tls.key');
  }
  let key: KeyObject;
  try {
    key = parsePrivateKey(keyPem).key;
  } catch (err) {
    throw new CaSecretError(`${source}: tls.key is not a private key: ${(err as Error).message}`, 'tls.key');
  }
  const problem = caProblem({ chain, key, source }, now);
  if (problem) throw new CaSecretError(problem.message, problem.dataKey);
  return { chain, key, source };
}

/** Why a key pair cannot sign certificates at `now`, or undefined. */
export function caProblem(pair: CaKeyPair, now: Date): { message: string; dataKey: string } | undefined {
  const ca = pair.chain[0];
  const at = (message: string, dataKey = 'tls.crt') => ({ message: `${pair.source}: ${message}`, dataKey });
  if (!ca) return at('tls.crt holds no certificate');
  const name = ca.subjectText || 'the certificate in tls.crt';
  if (!ca.isCA) return at(`${name} is not a CA (basicConstraints CA:FALSE or absent), so it cannot sign certificates`);
  if (!allowsCertSign(ca)) return at(`${name} lacks the keyCertSign key usage, so verifiers reject what it signs`);
  if (!certificateMatchesKey(ca, pair.key)) return at('tls.key does not match the certificate in tls.crt', 'tls.key');
  if (ca.notAfter <= now) return at(`the CA certificate ${name} expired at ${ca.notAfter.toISOString()}`);
  if (ca.notBefore > now) return at(`the CA certificate ${name} is not valid before ${ca.notBefore.toISOString()}`);
  return undefined;
}

/**
 * cert-manager's `ca` issuer: signs with the key pair in a Secret. `tls.crt` gets the leaf and the
 * CA chain without any self-signed root; `ca.crt` gets the root when the chain reaches one, else
 * the topmost certificate.
 */
export function createCaIssuer(pair: CaKeyPair, spec: Pick<CaIssuerSpec, 'crlDistributionPoints' | 'ocspServers' | 'issuingCertificateURLs'>): Issuer {
  const [ca] = pair.chain;
  return {
    currentCa: { sha256: ca.fingerprintSha256, subjectKeyId: ca.subjectKeyId?.toString('hex'), publicKey: ca.publicKey, source: pair.source },
    async sign(req: SignRequest): Promise<SignedBundle> {
      const template = templateFromSpec(req.certificate.spec, await req.privateKey, req.now, ca.notAfter);
      template.crlDistributionPoints = spec.crlDistributionPoints;
      template.ocspServers = spec.ocspServers;
      template.issuingCertificateURLs = spec.issuingCertificateURLs;
      const leaf = buildCertificate(template, { privateKey: pair.key, certificate: ca });
      req.event('Requested', `signing with the CA in ${pair.source} (${ca.commonName || 'no common name'})`);
      const intermediates = pair.chain.filter((c) => !c.selfSigned).map((c) => c.pem);
      const top = pair.chain[pair.chain.length - 1];
      return { chainPem: [leaf, ...intermediates].map(ensureNewline).join(''), caPem: ensureNewline(top.pem), issuerCaSha256: ca.fingerprintSha256 };
    },
  };
}

/** The CA's ca.crt usually repeats the top of tls.crt (a root's tls.crt and ca.crt are the same certificate). */
function dedupe(chain: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return chain.filter((c) => {
    if (seen.has(c.fingerprintSha256)) return false;
    seen.add(c.fingerprintSha256);
    return true;
  });
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
