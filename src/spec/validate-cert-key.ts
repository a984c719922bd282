import { KEY_USAGES } from '../pki/usages.js';
/**
 * Certificate `privateKey`, `usages` and `signatureAlgorithm`: the parts that decide what key is
 * generated and what goes into the CSR.
 */
import { fail, readEnum, report } from './cursor.js';
import type { MapReader } from './cursor.js';
import type { KeyAlgorithm, PrivateKeySpec } from './types.js';

const ALGORITHMS: readonly KeyAlgorithm[] = ['RSA', 'ECDSA', 'Ed25519'];

/** `privateKey` with cert-manager's defaults: RSA 2048, PKCS1, rotationPolicy Always (v1.18+). */
export function readPrivateKey(spec: MapReader): PrivateKeySpec {
  const out: PrivateKeySpec = { algorithm: 'RSA', encoding: 'PKCS1', size: 2048, rotationPolicy: 'Always' };
  const m = spec.map('privateKey', ['algorithm', 'encoding', 'size', 'rotationPolicy']);
  if (!m) return out;
  out.algorithm = m.enumOf('algorithm', ALGORITHMS) ?? 'RSA';
  out.encoding = m.enumOf('encoding', ['PKCS1', 'PKCS8'] as const) ?? 'PKCS1';
  out.rotationPolicy = m.enumOf('rotationPolicy', ['Always', 'Never'] as const) ?? 'Always';
  const sizeCur = m.get('size');
  const size = m.int('size') ?? 0;
  if (out.algorithm === 'RSA') {
    // The webhook's rule: any size in [2048, 8192]; zero or negative means the default.
    if (size > 0 && (size < 2048 || size > 8192) && sizeCur) fail(sizeCur, `RSA key size must be between 2048 and 8192, got ${size}`);
    out.size = size > 0 ? size : 2048;
  } else if (out.algorithm === 'ECDSA') {
    if (size !== 0 && size !== 256 && size !== 384 && size !== 521 && sizeCur) {
      fail(sizeCur, `ECDSA key size must be 256, 384 or 521, got ${size}`);
    }
    out.size = size === 0 ? 256 : size;
  } else {
    out.size = 0; // cert-manager ignores size for Ed25519
  }
  return out;
}

/** cert-manager's `KeyUsage` enum, one list for validation and certificate building. */
export { KEY_USAGES };

/** `usages`; an absent or empty list means cert-manager's default. */
export function readUsages(spec: MapReader): string[] {
  const items = spec.list('usages');
  const out: string[] = [];
  for (const item of items ?? []) {
    const u = readEnum(item, KEY_USAGES);
    if (u !== undefined) out.push(u);
  }
  return out.length > 0 ? out : ['digital signature', 'key encipherment'];
}

const SIG_ALGS = ['SHA256WithRSA', 'SHA384WithRSA', 'SHA512WithRSA', 'ECDSAWithSHA256', 'ECDSAWithSHA384', 'ECDSAWithSHA512', 'PureEd25519'] as const;

/** What Go's x509 (and so cert-manager) picks when `signatureAlgorithm` is not set. */
function defaultSignatureAlgorithm(key: PrivateKeySpec): string {
  if (key.algorithm === 'RSA') return 'SHA256WithRSA';
  if (key.algorithm === 'Ed25519') return 'PureEd25519';
  return key.size === 384 ? 'ECDSAWithSHA384' : key.size === 521 ? 'ECDSAWithSHA512' : 'ECDSAWithSHA256';
}

/**
 * `signatureAlgorithm`: must fit the key algorithm (the webhook's rule). certctl always signs with
 * the default for the key, so an explicit value is accepted only when it *is* that default;
 * anything else is "not supported yet" rather than silently ignored.
 */
export function checkSignatureAlgorithm(spec: MapReader, key: PrivateKeySpec): void {
  const c = spec.get('signatureAlgorithm');
  const alg = c && readEnum(c, SIG_ALGS);
  if (!c || alg === undefined) return;
  const family = alg.endsWith('WithRSA') ? 'RSA' : alg.startsWith('ECDSA') ? 'ECDSA' : 'Ed25519';
  if (family !== key.algorithm) {
    fail(c, `signature algorithm ${alg} cannot be used with an ${key.algorithm} key`);
    return;
  }
  const wanted = defaultSignatureAlgorithm(key);
  if (alg !== wanted) {
    report(c, c.keyPos, 'not supported yet', `certctl signs with ${wanted} for this key; remove the field or set it to ${wanted}`);
  }
}
