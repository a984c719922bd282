/**
 * Tells whether a stored JKS file still holds what we would write now: it must open with the
 * password and hold exactly the key entry (alias, key, chain) and the CA entries, in any
 * order. Creation times are ignored, so a no-op run keeps the file it has.
 */
import { createPrivateKey } from 'node:crypto';
import { readJks } from './jks-format.js';
import type { JksEntry } from './jks-format.js';
import { DEFAULT_JKS_ALIAS, jksCaAlias } from './jks.js';
import type { JksKeystoreInput, JksTruststoreInput } from './jks.js';
import { recoverJksKey } from './jks-key-protector.js';
import { jksPassword } from './passwords.js';

function sameDers(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  return a.length === b.length && a.every((der, i) => der.equals(b[i]!));
}

function trustedMatch(entries: JksEntry[], caDer: readonly Buffer[]): boolean {
  const trusted = entries.filter((e) => e.kind === 'trustedCert');
  return (
    trusted.length === caDer.length &&
    caDer.every((der, i) => trusted.some((e) => e.kind === 'trustedCert' && e.alias === jksCaAlias(i) && e.cert.der.equals(der)))
  );
}

/** True when `stored` opens with the password and carries exactly these entries. */
export function jksKeystoreMatches(stored: Buffer, input: Omit<JksKeystoreInput, 'now' | 'random'>): boolean {
  try {
    const password = jksPassword(input.password);
    const entries = readJks(stored, password);
    const keys = entries.filter((e) => e.kind === 'privateKey');
    const key = keys[0];
    if (keys.length !== 1 || !key || key.kind !== 'privateKey') return false;
    if (key.alias !== (input.alias ?? DEFAULT_JKS_ALIAS).toLowerCase()) return false;
    if (!sameDers(key.chain.map((c) => c.der), input.chainDer)) return false;
    const pkcs8 = recoverJksKey(key.protectedKey, password);
    // Compare through one re-encoding so equivalent PKCS#8 encodings of the same key agree.
    const storedKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs8' });
    if (!storedKey.equals(input.privateKey.export({ format: 'der', type: 'pkcs8' }))) return false;
    return trustedMatch(entries, input.caDer ?? []);
  } catch {
    return false;
  }
}

/** True when `stored` opens with the password and holds exactly these CA entries. */
export function jksTruststoreMatches(stored: Buffer, input: Omit<JksTruststoreInput, 'now'>): boolean {
  try {
    const entries = readJks(stored, jksPassword(input.password));
    return entries.every((e) => e.kind === 'trustedCert') && trustedMatch(entries, input.caDer);
  } catch {
    return false;
  }
}
