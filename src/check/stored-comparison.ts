/**
 * Served versus stored: is the certificate a server presents the one certctl holds for it?
 * The usual way they differ is a renewal the server never loaded — the reload hook did not run,
 * nginx was not reloaded, an Istio gateway kept its old secret — which this names.
 */
import { parseCertificateChain, type ParsedCertificate } from '../pki/parse.js';

/** What the store holds (or why it could not be read). */
export interface StoredInput {
  /** `namespace/name` of the Secret. */
  secret: string;
  /** Where it was read (a directory, `Secret ns/name`), for messages. */
  location?: string;
  /** The Certificate that writes the Secret, when known from manifests. */
  certificate?: string;
  tlsCrt?: string;
  /** The store could not be read; the message says why. */
  error?: string;
}

/** How the served leaf relates to the stored one. */
export type StoredRelation = 'same' | 'served-older' | 'served-newer' | 'different' | 'missing' | 'unreadable';

/** The comparison, for reports (JSON-ready). */
export interface StoredComparison {
  secret: string;
  certificate?: string;
  location?: string;
  relation: StoredRelation;
  match: boolean;
  stored?: { serial: string; notBefore: string; notAfter: string; fingerprintSha256: string };
  /** One sentence for people. */
  message: string;
}

/** Compares the served leaf with what the store holds. */
export function compareWithStored(served: ParsedCertificate, input: StoredInput): StoredComparison {
  const base = { secret: input.secret, ...(input.certificate ? { certificate: input.certificate } : {}), ...(input.location ? { location: input.location } : {}) };
  const where = `Secret ${input.secret}${input.location && input.location !== `Secret ${input.secret}` ? ` (${input.location})` : ''}`;
  if (input.error) return { ...base, relation: 'unreadable', match: false, message: `cannot read ${where}: ${input.error}` };
  if (!input.tlsCrt) return { ...base, relation: 'missing', match: false, message: `${where} holds no certificate to compare with` };
  let stored: ParsedCertificate;
  try {
    stored = parseCertificateChain(input.tlsCrt)[0]!;
  } catch (err) {
    return { ...base, relation: 'unreadable', match: false, message: `the tls.crt of ${where} is unreadable: ${(err as Error).message}` };
  }
  const storedInfo = { serial: stored.serialHex, notBefore: stored.notBefore.toISOString(), notAfter: stored.notAfter.toISOString(), fingerprintSha256: stored.fingerprintSha256 };
  if (stored.der.equals(served.der)) {
    return { ...base, relation: 'same', match: true, stored: storedInfo, message: `served certificate = stored certificate (${where}, serial ${stored.serialHex})` };
  }
  const servedText = `serial ${served.serialHex}, issued ${day(served.notBefore)}, valid until ${day(served.notAfter)}`;
  const storedText = `serial ${stored.serialHex}, issued ${day(stored.notBefore)}, valid until ${day(stored.notAfter)}`;
  if (served.notBefore.getTime() < stored.notBefore.getTime()) {
    return {
      ...base,
      relation: 'served-older',
      match: false,
      stored: storedInfo,
      message: `served ≠ stored: renewed but not reloaded — the server still presents the previous certificate (${servedText}) while ${where} holds a newer one (${storedText}); reload the server or check the deploy hook`,
    };
  }
  if (served.notBefore.getTime() > stored.notBefore.getTime()) {
    return { ...base, relation: 'served-newer', match: false, stored: storedInfo, message: `served ≠ stored: the server presents a newer certificate (${servedText}) than ${where} (${storedText}); it was issued elsewhere, or the store is stale` };
  }
  return { ...base, relation: 'different', match: false, stored: storedInfo, message: `served ≠ stored: the server presents ${servedText}, ${where} holds ${storedText}` };
}

function day(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
