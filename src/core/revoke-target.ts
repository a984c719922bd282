/**
 * What `certctl revoke` revokes and who signs, from its arguments: a Certificate of the manifests
 * (its Secret in the store, its Issuer's account), a Secret in the store (signed by its own key,
 * at the CA `--server` names), or a PEM file. Reads only the manifests and the store; every
 * problem is a {@link RevokeInputError}, before any request.
 */
import type { AcmeAccountRef } from '../issuers/acme/account-admin.js';
import { parseNamespacedName } from '../spec/names.js';
import type { RevocationSigner } from '../issuers/acme/revoke-at-ca.js';
import { secretNamespaceOf } from '../issuers/registry.js';
import type { RevocationReason } from '../pki/revocation-reasons.js';
import { issuerKey, type IssuerResource, type Manifests } from '../spec/types.js';
import { StoreError } from '../stores/store-error.js';
import type { CertificateStore, SecretTarget } from '../stores/store.js';
import { RevokeInputError, type RevokeRequest } from './revoke.js';
import { describeIssuer, selectIssuers } from './select-issuer.js';

/** The arguments of `certctl revoke`, read but not yet interpreted. */
export interface RevokeArguments {
  /** The positional argument: a Certificate name (with manifests) or a Secret `NAMESPACE/NAME`. */
  target?: string;
  manifests?: Manifests;
  /** `-n`. */
  namespace?: string;
  clusterResourceNamespace: string;
  /** `--cert-file`, read. */
  certFile?: { path: string; pem: string };
  /** `--key-file`, read. */
  keyFile?: { path: string; pem: string };
  /** `--issuer`: whose account or server, for a PEM file or a Secret. */
  issuer?: string;
  /** `--server` (and `--ca-file`): the CA, without manifests. */
  server?: { url: string; caBundle?: string };
  withCertificateKey: boolean;
  reason?: RevocationReason;
}

/** A resolved request, plus what the CLI reports about it. */
export interface ResolvedRevocation {
  request: RevokeRequest;
  /**
   * Secrets the command may write, under the store's lock: the one to mark, and the account key
   * Secret (only to store a rollover a crash interrupted).
   */
  writes: SecretTarget[];
  /** Of those, the ones it writes for sure (the Secret to mark): RBAC must allow them before anything is sent. */
  mustWrite: SecretTarget[];
  /** Why the stored copy will not be marked, when it will not. */
  notMarked?: string;
}

/** Resolves the arguments; see the module comment for the three forms. */
export async function resolveRevocation(args: RevokeArguments, store: CertificateStore): Promise<ResolvedRevocation> {
  if (args.certFile && args.target) throw new RevokeInputError(`give either a Certificate or Secret (${args.target}) or --cert-file, not both`);
  if (!args.certFile && !args.target) throw new RevokeInputError('name what to revoke: a Certificate (with -f), a Secret NAMESPACE/NAME in the store, or --cert-file PATH');
  if (args.keyFile && !args.withCertificateKey) throw new RevokeInputError('--key-file is the certificate\'s key for --with-certificate-key; add --with-certificate-key');
  if (args.server && args.manifests) throw new RevokeInputError('--server is for revoking without manifests; with -f the Issuer names the CA');

  if (args.certFile) {
    const keyPem = args.keyFile?.pem;
    if (args.withCertificateKey && !keyPem) throw new RevokeInputError('--with-certificate-key with --cert-file needs the certificate\'s key: --key-file PATH');
    const signer = signerFor(args, keyPem);
    return { request: { certificatePem: args.certFile.pem, source: args.certFile.path, reason: args.reason, signer: signer.signer }, writes: signer.writes, mustWrite: [], notMarked: 'a PEM file is not in the store' };
  }

  const named = parseNamespacedName(args.target!);
  if (!named) throw new RevokeInputError(`${JSON.stringify(args.target)} is not a name (NAME or NAMESPACE/NAME)`);
  const name = named.name;

  if (args.manifests) {
    if (args.issuer) throw new RevokeInputError('--issuer is for --cert-file and Secrets; a Certificate names its Issuer');
    // NAME alone finds the Certificate in whatever namespace the manifests put it, if only one has it.
    const explicit = named.namespace ?? args.namespace;
    const matches = args.manifests.certificates.filter((c) => c.metadata.name === name && (explicit === undefined || c.metadata.namespace === explicit));
    const known = args.manifests.certificates.map((c) => `${c.metadata.namespace}/${c.metadata.name}`);
    if (matches.length !== 1) {
      throw new RevokeInputError(
        matches.length === 0
          ? `no Certificate ${explicit ? `${explicit}/` : ''}${name} in the manifests${known.length ? ` (they have ${known.join(', ')})` : ''}`
          : `Certificate ${name} is in several namespaces (${matches.map((c) => c.metadata.namespace).join(', ')}): say NAMESPACE/${name} or -n`,
      );
    }
    const cert = matches[0];
    const namespace = cert.metadata.namespace;
    const ref = cert.spec.issuerRef;
    const issuer = args.manifests.issuers.get(issuerKey(ref.kind, namespace, ref.name));
    if (!issuer) throw new RevokeInputError(`Certificate ${namespace}/${name}: its ${ref.kind} ${ref.name} is not in the manifests`);
    const target = { namespace, secretName: cert.spec.secretName };
    const stored = await readStored(store, target);
    const keyPem = args.keyFile?.pem ?? (args.withCertificateKey ? stored.keyPem : undefined);
    if (args.withCertificateKey && !keyPem) throw new RevokeInputError(`Secret ${namespace}/${cert.spec.secretName} has no tls.key to sign with; give --key-file PATH`);
    const signer = signerFor({ ...args, issuer: undefined }, keyPem, issuer);
    return withMark({ certificatePem: stored.certificatePem, source: `Secret ${namespace}/${cert.spec.secretName} (Certificate ${name})`, reason: args.reason, signer: signer.signer }, target, stored, signer.writes);
  }

  if (!args.withCertificateKey || !args.server) {
    throw new RevokeInputError('without -f manifests certctl does not know the Issuer, its account or its CA: give -f with the Certificate\'s manifests (then name the Certificate), or sign with the certificate\'s own key at the CA\'s directory: --with-certificate-key --server DIRECTORY_URL');
  }
  const namespace = named.namespace ?? args.namespace ?? 'default';
  const target = { namespace, secretName: name };
  const stored = await readStored(store, target);
  const keyPem = args.keyFile?.pem ?? stored.keyPem;
  if (!keyPem) throw new RevokeInputError(`Secret ${namespace}/${name} has no tls.key to sign with; give --key-file PATH`);
  const signer = signerFor(args, keyPem);
  return withMark({ certificatePem: stored.certificatePem, source: `Secret ${namespace}/${name}`, reason: args.reason, signer: signer.signer }, target, stored, signer.writes);
}

interface StoredPem {
  certificatePem: string;
  keyPem?: string;
  /** The store may write its status (certctl's Secret, or adopted). */
  markable: boolean;
  why?: string;
}

/** The Secret's certificate and key; a Secret certctl may not write (cert-manager's) is still revoked, just not marked. */
async function readStored(store: CertificateStore, target: SecretTarget): Promise<StoredPem> {
  const ref = `Secret ${target.namespace}/${target.secretName}`;
  let markable = true;
  let why: string | undefined;
  let data: { tlsCrt?: string; tlsKey?: string } | undefined;
  try {
    data = (await store.read(target))?.data;
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    const raw = await store.readSecretData(target);
    if (!raw) throw err;
    markable = false;
    why = `${err.message.split('; ')[0].split('. ')[0]}: certctl does not write it, so the next renew will not replace it (delete the Secret, or adopt it with --adopt)`;
    data = { tlsCrt: raw['tls.crt']?.toString('utf8'), tlsKey: raw['tls.key']?.toString('utf8') };
  }
  if (!data?.tlsCrt) throw new RevokeInputError(`${ref} not found in ${store.description}, or it holds no tls.crt`);
  return { certificatePem: data.tlsCrt, ...(data.tlsKey ? { keyPem: data.tlsKey } : {}), markable, ...(why ? { why } : {}) };
}

function withMark(request: RevokeRequest, target: SecretTarget, stored: StoredPem, writes: SecretTarget[]): ResolvedRevocation {
  if (!stored.markable) return { request, writes, mustWrite: [], notMarked: stored.why };
  return { request: { ...request, mark: target }, writes: [target, ...writes], mustWrite: [target] };
}

/**
 * The signer: the certificate's key at the Issuer's (or `--server`'s) CA, or the Issuer's
 * account. `issuer` is the Certificate's; otherwise `--issuer` or the only ACME issuer.
 */
function signerFor(args: RevokeArguments, keyPem: string | undefined, issuer?: IssuerResource): { signer: RevocationSigner; writes: SecretTarget[] } {
  if (keyPem && args.server) {
    return { signer: { kind: 'certificate-key', keyPem, server: { server: args.server.url, ...(args.server.caBundle ? { caBundle: args.server.caBundle } : {}), skipTLSVerify: false } }, writes: [] };
  }
  const account = accountOf(args, issuer);
  if (keyPem) return { signer: { kind: 'certificate-key', keyPem, server: account.spec }, writes: [] };
  const ref = account.spec.privateKeySecretRef;
  return { signer: { kind: 'account', account }, writes: [{ namespace: account.secretNamespace, secretName: ref.name }] };
}

function accountOf(args: RevokeArguments, issuer?: IssuerResource): AcmeAccountRef {
  if (!args.manifests) throw new RevokeInputError('which CA? give --server DIRECTORY_URL, or -f with the Issuer');
  let chosen = issuer;
  if (!chosen) {
    const acme = [...args.manifests.issuers.values()].filter((i) => i.spec.type === 'acme');
    const candidates = args.issuer ? selectIssuers(args.manifests, args.issuer, args.namespace) : acme;
    if (candidates.length !== 1) {
      const list = acme.map(describeIssuer).join(', ') || 'none';
      throw new RevokeInputError(
        args.issuer
          ? `--issuer ${args.issuer}: ${candidates.length === 0 ? 'no such Issuer or ClusterIssuer in the manifests' : `names ${candidates.map(describeIssuer).join(' and ')}; say issuer/NAME or clusterissuer/NAME`} (ACME issuers: ${list})`
          : `say whose account signs: --issuer NAME (ACME issuers in the manifests: ${list})`,
      );
    }
    chosen = candidates[0];
  }
  if (chosen.spec.type !== 'acme') {
    throw new RevokeInputError(`${describeIssuer(chosen)} is a ${chosen.spec.type === 'unsupported' ? chosen.spec.name : chosen.spec.type} issuer: certctl revokes ACME certificates only (a private CA publishes its own CRL)`);
  }
  return { issuer: chosen, spec: chosen.spec.acme, secretNamespace: secretNamespaceOf(chosen, args.clusterResourceNamespace) };
}
