/**
 * Builds the path from a leaf to a trust anchor out of the certificates a server served (or a
 * Secret holds) and the trust store, and says what is wrong with the served chain: its order,
 * a missing intermediate, extra certificates, a served root. Signatures are checked with
 * OpenSSL (X509Certificate.verify); names are matched bytewise, as Go and OpenSSL match them.
 */
import type { ParsedCertificate } from '../../pki/parse.js';

/** Trust anchors and where they came from, for messages. */
export interface TrustStore {
  anchors: readonly ParsedCertificate[];
  /** `system roots`, or the --ca-file path. */
  label: string;
}

/** Why a path does not reach a trust anchor. */
export type PathProblemCode = 'MissingIntermediate' | 'UnknownIssuer' | 'UntrustedRoot' | 'SelfSigned' | 'BadSignature' | 'IssuerNotCA' | 'PathTooLong';

/** The outcome of {@link analyzeChain}. */
export interface ChainAnalysis {
  /** Indices into the served list, from the leaf (0) upwards, of the certificates the path uses. */
  path: number[];
  /** Trust-store certificates the path needed that are not trust anchors (intermediates not served). */
  fromStore: ParsedCertificate[];
  /** The trust anchor the path ends at. */
  anchor?: ParsedCertificate;
  trusted: boolean;
  problem?: { code: PathProblemCode; message: string };
  /** The served certificates on the path come in issuing order, right after the leaf. */
  inOrder: boolean;
  /** Served certificates that are the trust anchor (or another certificate for the same root name and key). */
  anchorServed: number[];
  /** Served certificates that belong nowhere on the path. */
  extra: number[];
}

const MAX_DEPTH = 10;

function issuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (!child.issuerDer.equals(parent.subjectDer)) return false;
  try {
    return child.x509.verify(parent.publicKey);
  } catch {
    return false;
  }
}

function sameEntity(a: ParsedCertificate, b: ParsedCertificate): boolean {
  return a.subjectDer.equals(b.subjectDer) && a.publicKeyDer.equals(b.publicKeyDer);
}

function name(c: ParsedCertificate): string {
  return c.subjectText || '<empty subject>';
}

/**
 * Analyzes `served` (leaf first, in the order given) against `store`. The path prefers a
 * trust anchor over a served certificate at each step, as verifiers do, so a served root or
 * cross-signed root does not lengthen it.
 */
export function analyzeChain(served: readonly ParsedCertificate[], store: TrustStore): ChainAnalysis {
  const leaf = served[0];
  if (!leaf) throw new Error('no certificate to analyze');
  const path = [0];
  const fromStore: ParsedCertificate[] = [];
  let anchor: ParsedCertificate | undefined;
  let problem: ChainAnalysis['problem'];
  const selfAnchor = store.anchors.find((a) => sameEntity(a, leaf));
  let current = leaf;
  if (selfAnchor) anchor = selfAnchor;
  for (let depth = 0; !anchor && !problem; depth++) {
    if (depth >= MAX_DEPTH) {
      problem = { code: 'PathTooLong', message: `no trust anchor within ${MAX_DEPTH} certificates` };
      break;
    }
    const fromAnchors = store.anchors.find((a) => issuedBy(current, a));
    if (fromAnchors) {
      if (fromAnchors.selfSigned || fromAnchors.subjectDer.equals(fromAnchors.issuerDer)) {
        anchor = fromAnchors;
      } else {
        fromStore.push(fromAnchors);
        current = fromAnchors;
      }
      continue;
    }
    const next = nextServed(served, path, current);
    if (next !== undefined) {
      path.push(next);
      current = served[next]!;
      continue;
    }
    problem = deadEnd(current, current === leaf, served, store);
  }
  const trusted = Boolean(anchor) && !problem;
  const caProblem = trusted ? notCaIssuer(served, path, fromStore) : undefined;
  const onPath = new Set(path);
  const anchorServed: number[] = [];
  const extra: number[] = [];
  served.forEach((c, i) => {
    if (onPath.has(i)) return;
    if (store.anchors.some((a) => sameEntity(a, c)) || (anchor && sameEntity(anchor, c))) anchorServed.push(i);
    else extra.push(i);
  });
  return {
    path,
    fromStore,
    ...(anchor ? { anchor } : {}),
    trusted: trusted && !caProblem,
    ...(problem || caProblem ? { problem: problem ?? caProblem } : {}),
    inOrder: path.every((index, position) => index === position),
    anchorServed,
    extra,
  };
}

/** The served certificate that issued `current`, preferring the one right after the path so far. */
function nextServed(served: readonly ParsedCertificate[], path: number[], current: ParsedCertificate): number | undefined {
  const used = new Set(path);
  const preferred = path[path.length - 1]! + 1;
  if (preferred < served.length && !used.has(preferred) && issuedBy(current, served[preferred]!)) return preferred;
  const i = served.findIndex((c, index) => !used.has(index) && issuedBy(current, c));
  return i >= 0 ? i : undefined;
}

function deadEnd(current: ParsedCertificate, isLeaf: boolean, served: readonly ParsedCertificate[], store: TrustStore): NonNullable<ChainAnalysis['problem']> {
  if (current.selfSigned) {
    return isLeaf
      ? { code: 'SelfSigned', message: `the certificate is self-signed and not in the trust store (${store.label})` }
      : { code: 'UntrustedRoot', message: `the chain ends at ${name(current)}, a root that is not in the trust store (${store.label})` };
  }
  const byName = [...served, ...store.anchors].find((c) => c !== current && c.subjectDer.equals(current.issuerDer));
  if (byName) {
    return { code: 'BadSignature', message: `${name(current)} names ${current.issuerText} as its issuer, but that certificate's key did not sign it` };
  }
  // A leaf is practically never signed by a root directly, so an unknown issuer of the leaf is a
  // missing intermediate; an unknown issuer of a CA is more likely a root the store lacks.
  if (!current.isCA) {
    return { code: 'MissingIntermediate', message: `the issuer of ${name(current)} (${current.issuerText || '<empty>'}) is neither served nor in the trust store (${store.label}): the server does not send the intermediate certificate` };
  }
  return {
    code: 'UnknownIssuer',
    message: `the issuer of ${name(current)} (${current.issuerText || '<empty>'}) is not in the trust store (${store.label})${store.label === 'system roots' ? '; for a private CA, pass its root with --ca-file' : ''}`,
  };
}

function notCaIssuer(served: readonly ParsedCertificate[], path: number[], fromStore: ParsedCertificate[]): ChainAnalysis['problem'] {
  const issuers = [...path.slice(1).map((i) => served[i]!), ...fromStore];
  const bad = issuers.find((c) => !c.isCA);
  return bad ? { code: 'IssuerNotCA', message: `${name(bad)} issued a certificate on the path but is not a CA (basicConstraints CA:FALSE or absent)` } : undefined;
}

/** The certificate that issued the leaf: the next one on the path, from the store, or the anchor. */
export function issuerOf(certs: readonly ParsedCertificate[], a: ChainAnalysis): ParsedCertificate | undefined {
  if (a.path.length > 1) return certs[a.path[1]!];
  if (a.fromStore.length > 0) return a.fromStore[0];
  return a.anchor && !a.anchor.publicKeyDer.equals(certs[0]!.publicKeyDer) ? a.anchor : undefined;
}
