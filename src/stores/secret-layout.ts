/**
 * How certctl lays out a certificate Secret, as pure functions over Secret objects: which keys,
 * labels and annotations certctl owns, what it may overwrite, and what it must leave alone. The
 * Kubernetes store and `--store none` (the memory store) both build Secrets here, so a Secret
 * printed by `issue --store none` is one a later `--store kubernetes` run recognises as its own.
 *
 * Owned by certctl: data `tls.crt`, `tls.key`, `ca.crt` (the latter only once certctl wrote it,
 * tracked in `certctl.io/data-keys`); the labels/annotations of the last record's `secret` (cert-
 * manager's annotations and the secretTemplate, so keys dropped from the template are removed as
 * cert-manager does); cert-manager's certificate-detail annotations; `certctl.io/*`. Everything
 * else on the Secret belongs to someone else and is carried over untouched.
 */
import { StoreError } from './store-error.js';
import type { SecretTarget, StoredCertificate, TlsData } from './store.js';
import { normalizeStatus } from './records.js';
import type { CertificateRecord, CertificateStatus } from './records.js';
import { OPAQUE_SECRET_TYPE, TLS_SECRET_TYPE } from './kubernetes/types.js';
import type { Secret } from './kubernetes/types.js';

/**
 * Marks Secrets certctl created (or adopted). Not `app.kubernetes.io/managed-by`: Helm and other
 * tools own that label (Helm refuses to upgrade a release whose objects say otherwise), and a
 * secretTemplate may set it.
 */
export const MANAGED_BY_LABEL = 'certctl.io/managed-by';
export const MANAGED_BY_VALUE = 'certctl';
/** The CertificateRecord, JSON (what the file store keeps in `certctl.json`). */
export const RECORD_ANNOTATION = 'certctl.io/record';
/** The CertificateStatus, JSON (failures, backoff, journaled DNS-01 challenges). */
export const STATUS_ANNOTATION = 'certctl.io/status';
/** Comma-separated data keys certctl wrote last, so a stale `ca.crt` is dropped only if it is ours. */
export const DATA_KEYS_ANNOTATION = 'certctl.io/data-keys';

/** Annotations cert-manager derives from the issued certificate; stale ones describe an old certificate. */
export const CERT_MANAGER_DETAIL_ANNOTATIONS = [
  'cert-manager.io/certificate-name', 'cert-manager.io/issuer-name', 'cert-manager.io/issuer-kind', 'cert-manager.io/issuer-group',
  'cert-manager.io/common-name', 'cert-manager.io/alt-names', 'cert-manager.io/ip-sans', 'cert-manager.io/uri-sans',
  'cert-manager.io/email-sans', 'cert-manager.io/subject-organizations', 'cert-manager.io/subject-organizationalunits',
  'cert-manager.io/subject-countries', 'cert-manager.io/subject-provinces', 'cert-manager.io/subject-localities',
  'cert-manager.io/subject-postalcodes', 'cert-manager.io/subject-streetaddresses', 'cert-manager.io/subject-serialnumber',
];

/** Data keys certctl writes with a certificate: the pair, the CA, keystores and extra output formats. */
const CERT_KEYS = ['tls.crt', 'tls.key', 'ca.crt', 'keystore.p12', 'truststore.p12', 'keystore.jks', 'truststore.jks', 'key.der', 'tls-combined.pem'];
/** The API server rejects Secrets whose data exceeds 1 MiB and objects whose annotations exceed 256 KiB. */
const MAX_DATA_BYTES = 1024 * 1024;
const MAX_ANNOTATION_BYTES = 256 * 1024;

/** `namespace/name`, for messages. */
export function ref(t: SecretTarget): string {
  return `${t.namespace}/${t.secretName}`;
}

/** True when certctl created or adopted the Secret. */
export function isManaged(s: Secret): boolean {
  return s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/**
 * Throws unless certctl may write `s`: it must be mutable, of the right type for certificates,
 * and certctl's own unless `adopt`.
 */
export function assertWritable(s: Secret, t: SecretTarget, opts: { adopt: boolean; tls: boolean }): void {
  const name = `Secret ${ref(t)}`;
  const del = `kubectl delete secret -n ${t.namespace} ${t.secretName}`;
  if (s.immutable === true) {
    throw new StoreError(`${name} is immutable (immutable: true), so certctl cannot update it; delete it (${del}) and run again, or use another secretName`);
  }
  const type = s.type ?? OPAQUE_SECRET_TYPE;
  if (opts.tls && type !== TLS_SECRET_TYPE) {
    throw new StoreError(
      `${name} has type ${type}, but a certificate Secret must be ${TLS_SECRET_TYPE} and a Secret's type cannot be changed; ` +
        `delete it (${del}) and run again so certctl creates it with the right type`,
    );
  }
  if (isManaged(s) || opts.adopt) return;
  const cmName = s.metadata.annotations?.['cert-manager.io/certificate-name'];
  if (cmName) {
    throw new StoreError(
      `${name} was written by cert-manager (Certificate "${cmName}"), not by certctl. To move it to certctl: stop cert-manager from ` +
        `managing it (kubectl delete certificate -n ${t.namespace} ${cmName}; the Secret stays), then run certctl once with --adopt. ` +
        'Its data, labels and annotations are kept; certctl replaces only the certificate, key and its own annotations.',
    );
  }
  throw new StoreError(
    `${name} exists but was not created by certctl (no label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}); certctl does not overwrite it. ` +
      `Use another secretName, delete it (${del}), or run with --adopt to let certctl take it over (its other keys, labels and annotations are kept).`,
  );
}

/** Data keys decoded from base64. */
export function decodeData(s: Secret): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

/** A JSON annotation, or undefined when absent; a damaged one is an error with the way out. */
export function jsonAnnotation<T>(s: Secret, key: string, t: SecretTarget): T | undefined {
  const raw = s.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new StoreError(
      `annotation ${key} of Secret ${ref(t)} is not valid JSON (damaged); remove it ` +
        `(kubectl annotate secret -n ${t.namespace} ${t.secretName} ${key}-) to let certctl start over`,
    );
  }
}

/** The certificate material of a Secret; empty values (a placeholder) count as absent. */
export function tlsDataOf(s: Secret): Partial<TlsData> {
  const d = decodeData(s);
  const text = (k: string): string | undefined => (d[k] && d[k].length > 0 ? d[k].toString('utf8') : undefined);
  const out: Partial<TlsData> = {};
  const crt = text('tls.crt');
  const key = text('tls.key');
  const ca = text('ca.crt');
  if (crt !== undefined) out.tlsCrt = crt;
  if (key !== undefined) out.tlsKey = key;
  if (ca !== undefined) out.caCrt = ca;
  // Only the extra keys certctl wrote: others' keys on the Secret are theirs.
  const ours = (s.metadata.annotations?.[DATA_KEYS_ANNOTATION] ?? '').split(',').filter((k) => CERT_KEYS.slice(3).includes(k) && d[k]);
  if (ours.length > 0) out.extra = Object.fromEntries(ours.map((k) => [k, d[k]]));
  return out;
}

/** A new Secret object with only certctl's marker. */
export function emptySecret(t: SecretTarget, type: string): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: t.secretName, namespace: t.namespace, labels: {}, annotations: {} }, type, data: {} };
}

/**
 * `existing` (or a new Secret) with the certificate, key and record switched in; everything certctl
 * does not own is kept as it is.
 */
export function withCertificate(existing: Secret | undefined, t: SecretTarget, data: TlsData, record: CertificateRecord): Secret {
  const s = structuredClone(existing ?? emptySecret(t, TLS_SECRET_TYPE));
  const previous = safeRecord(s);
  const labels = { ...s.metadata.labels };
  const annotations = { ...s.metadata.annotations };
  const keep = (k: string, set: Record<string, string>): boolean => k in set;
  for (const k of Object.keys(previous?.secret.labels ?? {})) if (!keep(k, record.secret.labels)) delete labels[k];
  for (const k of [...Object.keys(previous?.secret.annotations ?? {}), ...CERT_MANAGER_DETAIL_ANNOTATIONS]) {
    if (!keep(k, record.secret.annotations)) delete annotations[k];
  }
  Object.assign(labels, record.secret.labels, { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE });
  Object.assign(annotations, record.secret.annotations);

  const values: Record<string, Buffer> = { 'tls.crt': Buffer.from(data.tlsCrt, 'utf8'), 'tls.key': Buffer.from(data.tlsKey, 'utf8') };
  if (data.caCrt) values['ca.crt'] = Buffer.from(data.caCrt, 'utf8');
  for (const [k, v] of Object.entries(data.extra ?? {})) if (!(k in values)) values[k] = v;
  const out = { ...s.data };
  const wroteBefore = (annotations[DATA_KEYS_ANNOTATION] ?? '').split(',').filter((k) => CERT_KEYS.includes(k));
  for (const k of wroteBefore) if (!(k in values)) delete out[k];
  for (const [k, v] of Object.entries(values)) out[k] = v.toString('base64');
  annotations[RECORD_ANNOTATION] = JSON.stringify(record);
  annotations[DATA_KEYS_ANNOTATION] = Object.keys(values).join(',');
  s.metadata.labels = labels;
  s.metadata.annotations = annotations;
  s.data = out;
  return checkSize(s, t);
}

/**
 * `existing` with the status annotation replaced. Without an existing Secret this makes a
 * placeholder kubernetes.io/tls Secret with empty `tls.crt`/`tls.key`, because the status (failure
 * backoff, journaled DNS-01 TXT values) must survive a failed or killed first issuance, and a
 * certificate Secret's type cannot be changed later.
 */
export function withStatus(existing: Secret | undefined, t: SecretTarget, status: CertificateStatus): Secret {
  const s = structuredClone(existing ?? emptySecret(t, TLS_SECRET_TYPE));
  if (!existing) {
    s.data = { 'tls.crt': '', 'tls.key': '' };
    s.metadata.annotations = { [DATA_KEYS_ANNOTATION]: 'tls.crt,tls.key' };
  }
  s.metadata.labels = { ...s.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  s.metadata.annotations = { ...s.metadata.annotations, [STATUS_ANNOTATION]: JSON.stringify(status) };
  return checkSize(s, t);
}

/** `existing` (or a new Opaque Secret) with `data` keys set and `remove` keys dropped; other keys are kept. */
export function withOpaqueData(existing: Secret | undefined, t: SecretTarget, data: Record<string, Buffer>, remove: readonly string[] = []): Secret {
  const s = structuredClone(existing ?? emptySecret(t, OPAQUE_SECRET_TYPE));
  s.metadata.labels = { ...s.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  const out = { ...s.data };
  for (const [k, v] of Object.entries(data)) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) throw new StoreError(`invalid Secret data key ${JSON.stringify(k)}`);
    out[k] = v.toString('base64');
  }
  for (const k of remove) if (!(k in data)) delete out[k];
  s.data = out;
  return checkSize(s, t);
}

function safeRecord(s: Secret): CertificateRecord | undefined {
  try {
    const r = JSON.parse(s.metadata.annotations?.[RECORD_ANNOTATION] ?? '') as CertificateRecord;
    return r && typeof r === 'object' && r.secret && typeof r.secret === 'object' ? r : undefined;
  } catch {
    // A damaged record only means stale template keys cannot be identified; they are kept.
    return undefined;
  }
}

function checkSize(s: Secret, t: SecretTarget): Secret {
  const data = Object.values(s.data ?? {}).reduce((n, v) => n + Math.floor((v.length * 3) / 4), 0);
  if (data > MAX_DATA_BYTES) throw new StoreError(`Secret ${ref(t)} would hold ${data} bytes of data, more than Kubernetes allows (1 MiB)`);
  const ann = Object.entries(s.metadata.annotations ?? {}).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  if (ann > MAX_ANNOTATION_BYTES) throw new StoreError(`Secret ${ref(t)} would carry ${ann} bytes of annotations, more than Kubernetes allows (256 KiB)`);
  return s;
}

/** What a certificate Secret holds, as a store returns it. */
export function storedFrom(s: Secret, t: SecretTarget, location: string): StoredCertificate {
  return {
    data: tlsDataOf(s),
    record: jsonAnnotation<CertificateRecord>(s, RECORD_ANNOTATION, t),
    status: normalizeStatus(jsonAnnotation<CertificateStatus>(s, STATUS_ANNOTATION, t)),
    location,
    annotations: s.metadata.annotations ?? {},
  };
}
