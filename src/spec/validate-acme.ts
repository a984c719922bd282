/**
 * `spec.acme`: the ACME issuer (acme types_issuer.go `ACMEIssuer`) and its webhook rules.
 */
import { fail, readMap, readString, report } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { checkEmail } from './san.js';
import { readSolver } from './validate-solver.js';
import { readCaBundle, reqSecretRef } from './validate-meta.js';
import type { AcmeIssuerSpec } from './types.js';

const ACME_FIELDS = [
  'server',
  'email',
  'privateKeySecretRef',
  'skipTLSVerify',
  'caBundle',
  'externalAccountBinding',
  'preferredChain',
  'disableAccountKeyGeneration',
  'enableDurationFeature',
  'profile',
  'solvers',
];

/** An https:// URL without credentials. Plain http is refused even for loopback: Pebble is https. */
function readServer(m: MapReader): string {
  const c = m.required('server', 'a string');
  const s = c && readString(c);
  if (!c || s === undefined) return '';
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    fail(c, `invalid URL ${JSON.stringify(s.slice(0, 80))}`, 'the ACME directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory');
    return s;
  }
  if (url.protocol !== 'https:') fail(c, `must be an https:// URL, got ${url.protocol.slice(0, -1)}://`);
  else if (url.username || url.password) fail(c, 'must not contain a user name or password');
  return s;
}

function readEab(m: MapReader): AcmeIssuerSpec['externalAccountBinding'] {
  const e = m.map('externalAccountBinding', ['keyID', 'keySecretRef', 'keyAlgorithm']);
  if (!e) return undefined;
  const keyIDCur = e.required('keyID', 'a string');
  const keyID = keyIDCur && readString(keyIDCur);
  if (keyIDCur && keyID === '') fail(keyIDCur, 'must not be empty');
  const keySecretRef = reqSecretRef(e, 'keySecretRef', { keyRequired: true });
  // Deprecated and ignored by cert-manager (HS256 is always used); accepted for compatibility.
  const keyAlgorithm = e.enumOf('keyAlgorithm', ['HS256', 'HS384', 'HS512'] as const);
  if (!keyID || !keySecretRef) return undefined;
  return keyAlgorithm ? { keyID, keySecretRef, keyAlgorithm } : { keyID, keySecretRef };
}

/** Reads `spec.acme`; returns undefined only when it is not a mapping. */
export function readAcmeIssuer(cur: Cur): AcmeIssuerSpec | undefined {
  const m = readMap(cur, ACME_FIELDS);
  if (!m) return undefined;
  const server = readServer(m);
  const emailCur = m.get('email');
  const email = m.str('email');
  if (emailCur && email) {
    const r = checkEmail(email);
    if (!r.ok) fail(emailCur, r.message, r.hint);
  }
  const privateKeySecretRef = reqSecretRef(m, 'privateKeySecretRef') ?? { name: '', pos: cur.pos, path: `${cur.path}.privateKeySecretRef` };
  const skipTLSVerify = m.bool('skipTLSVerify') ?? false;
  const caBundle = readCaBundle(m, 'does not contain a valid PEM certificate');
  if (skipTLSVerify && m.get('caBundle')) {
    const c = m.get('caBundle') as Cur;
    report(c, c.keyPos, 'caBundle and skipTLSVerify are mutually exclusive', 'remove skipTLSVerify: the bundle is what makes the server trusted');
  }
  const preferredChainCur = m.get('preferredChain');
  const preferredChain = m.str('preferredChain');
  if (preferredChainCur && preferredChain !== undefined && preferredChain.length > 64) {
    fail(preferredChainCur, `must be at most 64 characters, got ${preferredChain.length}`);
  }
  const solvers = (m.list('solvers') ?? []).map((s, i) => readSolver(s, i));
  const out: AcmeIssuerSpec = {
    server,
    privateKeySecretRef,
    skipTLSVerify,
    disableAccountKeyGeneration: m.bool('disableAccountKeyGeneration') ?? false,
    enableDurationFeature: m.bool('enableDurationFeature') ?? false,
    solvers: solvers.filter((s) => s !== undefined),
  };
  if (email) out.email = email;
  if (caBundle !== undefined) out.caBundle = caBundle;
  const eab = readEab(m);
  if (eab) out.externalAccountBinding = eab;
  if (preferredChain) out.preferredChain = preferredChain;
  const profile = m.str('profile');
  if (profile) out.profile = profile;
  return out;
}
