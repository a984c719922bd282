/**
 * Object metadata and the small value types shared by all kinds: names, label and annotation
 * maps, Secret references.
 */
import { fail, mapEntries, readMap, readString, report } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { countPemCertificates, decodeBase64Strict } from './encoding.js';
import { checkDataKey, checkLabelName, checkLabelValue, checkQualifiedKey, checkSubdomain } from './names.js';
import type { ObjectMeta, SecretKeySelector } from './types.js';

const META_FIELDS = ['name', 'namespace', 'labels', 'annotations'];
// Fields `kubectl get -o yaml` prints; pasted output must load, and none of them means anything here.
const META_IGNORED = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'ownerReferences',
  'finalizers',
  'generateName',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** Checks that `value` (read from `cur`) is a DNS-1123 subdomain; returns it when valid. */
export function checkName(cur: Cur, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = checkSubdomain(value);
  return problem ? fail(cur, problem.message, problem.hint) : value;
}

/** A required name field (`secretName`, `issuerRef.name`...). */
export function reqName(m: MapReader, field: string): string | undefined {
  const c = m.required(field, 'a string');
  return c && checkName(c, readString(c));
}

/** `metadata.labels`, `secretTemplate.labels`, `selector.matchLabels`. */
export function readLabels(cur: Cur): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, c] of mapEntries(cur) ?? []) {
    const value = readString(c);
    const keyProblem = checkQualifiedKey(key);
    const valueProblem = value === undefined ? undefined : checkLabelValue(value);
    if (keyProblem) report(c, c.keyPos, keyProblem.message, keyProblem.hint);
    else if (valueProblem) report(c, c.pos, valueProblem.message, valueProblem.hint);
    else if (value !== undefined) out[key] = value;
  }
  return out;
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** `metadata.annotations`, `secretTemplate.annotations`: valid keys, total size ≤ 256 KiB. */
export function readAnnotations(cur: Cur): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 0;
  for (const [key, c] of mapEntries(cur) ?? []) {
    const value = readString(c);
    const problem = checkQualifiedKey(key);
    if (problem) report(c, c.keyPos, problem.message, problem.hint);
    else if (value !== undefined) out[key] = value;
    size += key.length + (value?.length ?? 0);
  }
  if (size > MAX_ANNOTATIONS_BYTES) fail(cur, 'annotations are larger than 256 KiB in total');
  return out;
}

export interface MetaOptions {
  /** ClusterIssuers have no namespace; a written one is ignored, as the API server does. */
  namespaced: boolean;
  /**
   * `--namespace`: the namespace of resources that name none. A resource that names another one is
   * an error, as with kubectl: silently moving it could write its Secret where nobody looks.
   */
  namespaceOverride?: string;
}

/** `metadata`: name (required), namespace (default `default`), labels, annotations; kubectl's read-only fields are ignored. */
export function readMetadata(root: MapReader, opts: MetaOptions): ObjectMeta {
  const meta: ObjectMeta = { name: '', namespace: '', labels: {}, annotations: {} };
  const c = root.required('metadata', 'a mapping');
  const m = c && readMap(c, META_FIELDS, META_IGNORED);
  if (!m) return meta;
  meta.name = reqName(m, 'name') ?? '';
  const nsCur = m.get('namespace');
  const ns = nsCur && readString(nsCur);
  if (nsCur && ns !== undefined && opts.namespaced) {
    const problem = checkLabelName(ns);
    if (problem) fail(nsCur, problem.message, problem.hint);
    else if (opts.namespaceOverride !== undefined && ns !== opts.namespaceOverride) {
      fail(nsCur, `the namespace ${JSON.stringify(ns)} does not match --namespace ${JSON.stringify(opts.namespaceOverride)}`, `pass --namespace ${ns}, or remove metadata.namespace to let --namespace choose`);
    }
  }
  if (opts.namespaced) meta.namespace = ns || opts.namespaceOverride || 'default';
  const labels = m.get('labels');
  if (labels) meta.labels = readLabels(labels);
  const annotations = m.get('annotations');
  if (annotations) meta.annotations = readAnnotations(annotations);
  return meta;
}

export interface RefOptions {
  /** The webhook requires `key` for most references (EAB, rfc2136, DNS credentials). */
  keyRequired?: boolean;
}

/** Reads a SecretKeySelector `{name, key?}`; its position is the key's, to name the referrer. */
export function readSecretRef(cur: Cur, m: MapReader, opts: RefOptions = {}): SecretKeySelector {
  const ref: SecretKeySelector = { name: reqName(m, 'name') ?? '', pos: cur.keyPos, path: cur.path };
  const keyCur = opts.keyRequired ? m.required('key', 'a string') : m.get('key');
  const key = keyCur && readString(keyCur);
  if (keyCur && key !== undefined) {
    const problem = checkDataKey(key);
    if (problem) fail(keyCur, problem.message, problem.hint);
    else ref.key = key;
  }
  return ref;
}

/** An optional SecretKeySelector field of `parent`. */
export function optSecretRef(parent: MapReader, field: string, opts?: RefOptions): SecretKeySelector | undefined {
  const c = parent.get(field);
  const m = c && parent.map(field, ['name', 'key']);
  return c && m ? readSecretRef(c, m, opts) : undefined;
}

/** A required SecretKeySelector field of `parent`. */
export function reqSecretRef(parent: MapReader, field: string, opts?: RefOptions): SecretKeySelector | undefined {
  if (!parent.get(field)) {
    parent.required(field, 'a mapping');
    return undefined;
  }
  return optSecretRef(parent, field, opts);
}

/**
 * `caBundle` of an issuer: base64 PEM with at least one certificate that parses (the webhook's
 * `AppendCertsFromPEM`); `noCertificate` is the issuer's own wording of the webhook's message.
 */
export function readCaBundle(m: MapReader, noCertificate: string): string | undefined {
  const c = m.get('caBundle');
  const text = c && readString(c);
  if (!c || text === undefined) return undefined;
  const bytes = decodeBase64Strict(text);
  if (!bytes) return fail(c, 'is not valid base64', 'caBundle is base64-encoded PEM: base64 -w0 ca.pem');
  const pem = bytes.toString('utf8');
  if (countPemCertificates(pem) === 0) return fail(c, noCertificate);
  return pem;
}
