/**
 * What a Certificate's Secret holds besides the pair, and its metadata: keystores and extra
 * output formats (cert-manager's `keystores`, `additionalOutputFormats`) and the annotations and
 * labels (`secretTemplate`). These follow the spec without a new certificate, as cert-manager's
 * post-issuance policies do: a changed password, alias, profile or template rewrites the Secret
 * with the same certificate and key; anything unchanged keeps its bytes.
 */
import { parseCertificate, type ParsedCertificate } from '../pki/parse.js';
import type { CertificateResource, KeystorePassword } from '../spec/types.js';
import type { CertificateRecord } from '../stores/records.js';
import type { StoredCertificate, TlsData } from '../stores/store.js';
import { secretMetadataFor } from './secret-annotations.js';

/** Reads a keystore password's Secret (the Certificate's namespace); undefined when absent. */
export type PasswordLookup = (namespace: string, name: string, key: string) => Promise<string | undefined>;

async function resolve(p: KeystorePassword | undefined, namespace: string, lookup: PasswordLookup, field: string): Promise<string | undefined> {
  if (!p) return undefined;
  if ('literal' in p) return p.literal;
  const v = await lookup(namespace, p.ref.name, p.ref.key!);
  if (v === undefined || v === '') throw new Error(`${field}.passwordSecretRef: Secret ${namespace}/${p.ref.name} has no data for key ${p.ref.key}`);
  return v;
}

/** The extra data keys the spec asks for, reusing `previous` bytes that still fit. */
export async function extrasFor(cert: CertificateResource, data: Pick<TlsData, 'tlsCrt' | 'tlsKey' | 'caCrt'>, now: Date, lookup: PasswordLookup, previous?: Record<string, Buffer>): Promise<Record<string, Buffer>> {
  const ks = cert.spec.keystores;
  if (!ks.pkcs12 && !ks.jks && cert.spec.additionalOutputFormats.length === 0) return {};
  const ns = cert.metadata.namespace;
  const [pkcs12, jks] = await Promise.all([resolve(ks.pkcs12?.password, ns, lookup, 'spec.keystores.pkcs12'), resolve(ks.jks?.password, ns, lookup, 'spec.keystores.jks')]);
  const { keystoreOutputs } = await import('../pki/keystores/index.js');
  return keystoreOutputs(
    {
      keystores: {
        ...(ks.pkcs12 ? { pkcs12: { create: true, ...(ks.pkcs12.profile ? { profile: ks.pkcs12.profile } : {}) } } : {}),
        ...(ks.jks ? { jks: { create: true, ...(ks.jks.alias ? { alias: ks.jks.alias } : {}) } } : {}),
      },
      additionalOutputFormats: cert.spec.additionalOutputFormats.map((type) => ({ type })),
    },
    { privateKeyPem: data.tlsKey, certificatePem: data.tlsCrt, ...(data.caCrt ? { caPem: data.caCrt } : {}) },
    { ...(pkcs12 !== undefined ? { pkcs12 } : {}), ...(jks !== undefined ? { jks } : {}) },
    { now, previous },
  );
}

function sameExtras(a: Record<string, Buffer> | undefined, b: Record<string, Buffer>): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k].equals(b[k]));
}

/**
 * For an up-to-date certificate: the Secret to write when its extras or metadata no longer match
 * the spec, with what changed; undefined when nothing did. Only Secrets certctl wrote (a record).
 */
export async function staleSecret(
  cert: CertificateResource,
  stored: StoredCertificate | undefined,
  now: Date,
  lookup: PasswordLookup,
  /** The stored leaf, when the caller parsed it already (renew parses every stored certificate once). */
  leaf?: ParsedCertificate,
): Promise<{ data: TlsData; record: CertificateRecord; why: string[] } | undefined> {
  const record = stored?.record;
  const { tlsCrt, tlsKey, caCrt } = stored?.data ?? {};
  if (!record || !tlsCrt || !tlsKey) return undefined;
  const extra = await extrasFor(cert, { tlsCrt, tlsKey, caCrt }, now, lookup, stored?.data.extra);
  const secret = secretMetadataFor(cert, leaf ?? parseCertificate(tlsCrt.slice(0, tlsCrt.indexOf('-----END CERTIFICATE-----') + 25)));
  const why: string[] = [];
  if (!sameExtras(stored?.data.extra, extra)) {
    const was = Object.keys(stored?.data.extra ?? {});
    const now = Object.keys(extra);
    const added = now.filter((k) => !was.includes(k));
    const removed = was.filter((k) => !now.includes(k));
    const changed = now.filter((k) => was.includes(k) && !stored!.data.extra![k].equals(extra[k]));
    if (added.length) why.push(`added ${added.join(', ')}`);
    if (changed.length) why.push(`re-created ${changed.join(', ')}`);
    if (removed.length) why.push(`removed ${removed.join(', ')}`);
  }
  if (JSON.stringify(secret) !== JSON.stringify(record.secret)) why.push('updated the labels and annotations (secretTemplate)');
  if (why.length === 0) return undefined;
  return { data: { tlsCrt, tlsKey, ...(caCrt ? { caCrt } : {}), extra }, record: { ...record, secret }, why };
}
