/**
 * `Certificate.spec`: every cert-manager v1.21 field, its defaults and the webhook's rules
 * (ValidateCertificateSpec). Fields certctl cannot honour yet are errors, never ignored.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { fail, mapEntries, readMap, readString, report } from './cursor.js';
import type { Cur, MapReader } from './cursor.js';
import { checkSignatureAlgorithm, readPrivateKey, readUsages } from './validate-cert-key.js';
import { readLifetime } from './validate-lifetime.js';
import { optSecretRef, readAnnotations, readLabels, reqName } from './validate-meta.js';
import { checkEmail, checkUri, normalizeDnsName, normalizeIp } from './san.js';
import type { Checked } from './san.js';
import type { CertificateRefs, CertificateSpec, FieldRef, IssuerRef, KeystorePassword, KeystoresSpec, SecretTemplate, X509Subject } from './types.js';

export const CERTIFICATE_FIELDS = [
  'secretName',
  'secretTemplate',
  'commonName',
  'dnsNames',
  'ipAddresses',
  'uris',
  'emailAddresses',
  'otherNames',
  'subject',
  'literalSubject',
  'duration',
  'renewBefore',
  'renewBeforePercentage',
  'renewal',
  'isCA',
  'usages',
  'privateKey',
  'issuerRef',
  'keystores',
  'revisionHistoryLimit',
  'additionalOutputFormats',
  'encodeUsagesInRequest',
  'nameConstraints',
  'signatureAlgorithm',
];

const SUBJECT_LISTS = ['organizations', 'countries', 'organizationalUnits', 'localities', 'provinces', 'streetAddresses', 'postalCodes'] as const;

/** More duplicate notes would only bury the rest of the output. */
const MAX_DUPLICATE_NOTES = 20;

/** Reads a SAN list, normalised and de-duplicated (linear: a Set, not a list search), with each name's position. */
function readSans(spec: MapReader, field: string, check: (s: string) => Checked, notes: string[], where?: Map<string, FieldRef>): string[] {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const item of spec.list(field) ?? []) {
    const raw = readString(item);
    if (raw === undefined) continue;
    const r = check(raw);
    if (!r.ok) fail(item, r.message, r.hint);
    else if (seen.has(r.value)) {
      if (++duplicates <= MAX_DUPLICATE_NOTES) notes.push(`${item.pos.file}:${item.pos.line}:${item.pos.col}: ${item.path}: duplicate ${JSON.stringify(r.value)} removed`);
    } else {
      seen.add(r.value);
      where?.set(r.value, { pos: item.pos, path: item.path });
    }
  }
  if (duplicates > MAX_DUPLICATE_NOTES) notes.push(`${spec.path}.${field}: ${duplicates - MAX_DUPLICATE_NOTES} more duplicates removed`);
  return [...seen];
}

/** C0 and C1 control characters (NUL, newlines, escapes) have no place in a certificate subject. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkText(cur: Cur, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = CONTROL.exec(value);
  if (m) return fail(cur, `contains the control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, 'subject fields must be printable text');
  return value;
}

function readSubject(spec: MapReader): X509Subject {
  const m = spec.map('subject', [...SUBJECT_LISTS, 'serialNumber']);
  const subject: X509Subject = {
    organizations: [],
    countries: [],
    organizationalUnits: [],
    localities: [],
    provinces: [],
    streetAddresses: [],
    postalCodes: [],
  };
  if (!m) return subject;
  for (const f of SUBJECT_LISTS) {
    const items = m.list(f) ?? [];
    subject[f] = items.map((item) => checkText(item, readString(item))).filter((v): v is string => v !== undefined);
  }
  const serialCur = m.get('serialNumber');
  const serial = serialCur && checkText(serialCur, readString(serialCur));
  if (serial !== undefined) subject.serialNumber = serial;
  return subject;
}

const RESERVED_ANNOTATION = /^cert-manager\.io\//;
const ALLOWED_RESERVED = 'cert-manager.io/allow-direct-injection';

function readSecretTemplate(spec: MapReader): SecretTemplate {
  const out: SecretTemplate = { annotations: {}, labels: {} };
  const m = spec.map('secretTemplate', ['annotations', 'labels']);
  if (!m) return out;
  const labels = m.get('labels');
  if (labels) out.labels = readLabels(labels);
  const annotations = m.get('annotations');
  if (annotations) {
    out.annotations = readAnnotations(annotations);
    for (const [key, c] of mapEntries(annotations) ?? []) {
      if (!RESERVED_ANNOTATION.test(key) || key === ALLOWED_RESERVED) continue;
      report(c, c.keyPos, `annotation "${key}" is reserved: cert-manager.io/* annotations are set by certctl`, `only ${ALLOWED_RESERVED} may be set here`);
      delete out.annotations[key];
    }
  }
  return out;
}

function readIssuerRef(spec: MapReader): { ref: IssuerRef; cur?: Cur } {
  const ref: IssuerRef = { name: '', kind: 'Issuer', group: 'cert-manager.io', rawKind: '', rawGroup: '' };
  const cur = spec.get('issuerRef');
  const m = spec.reqMap('issuerRef', ['name', 'kind', 'group']);
  if (!m || !cur) return { ref, cur };
  ref.name = reqName(m, 'name') ?? '';
  ref.rawKind = m.str('kind') ?? '';
  ref.rawGroup = m.str('group') ?? '';
  ref.kind = ref.rawKind || 'Issuer';
  ref.group = ref.rawGroup || 'cert-manager.io';
  if (ref.group === 'cert-manager.io') {
    const kindCur = m.get('kind');
    if (kindCur && ref.kind !== 'Issuer' && ref.kind !== 'ClusterIssuer') {
      fail(kindCur, `invalid kind ${JSON.stringify(ref.kind)}: must be "Issuer" or "ClusterIssuer"`, ref.rawGroup === '' ? 'did you forget to set spec.issuerRef.group?' : undefined);
    }
  } else {
    const groupCur = m.get('group') as Cur;
    report(groupCur, groupCur.keyPos, 'not supported yet', `certctl implements only cert-manager.io Issuers and ClusterIssuers, not external issuer group ${JSON.stringify(ref.group)}`);
  }
  return { ref, cur };
}

/** True when an optional field carries something (a non-empty list, mapping or string, or `true`). */
function isSet(cur: Cur | undefined): cur is Cur {
  const node = cur?.node;
  if (!node) return false;
  if (isSeq(node) || isMap(node)) return node.items.length > 0;
  return isScalar(node) && node.value !== '' && node.value !== null && node.value !== false;
}

/** A keystore's password: exactly one of `password` (non-empty) and `passwordSecretRef`, as cert-manager's webhook says. */
function readKeystorePassword(cur: Cur, m: MapReader): KeystorePassword | undefined {
  const literalCur = m.get('password');
  const literal = m.str('password');
  const ref = optSecretRef(m, 'passwordSecretRef', { keyRequired: true });
  if (literalCur && m.get('passwordSecretRef')) {
    fail(literalCur, 'password and passwordSecretRef are mutually exclusive', 'set only one of them');
    return undefined;
  }
  if (literal !== undefined) {
    if (literal === '') return fail(literalCur!, 'must not be empty');
    return { literal };
  }
  if (ref) return { ref };
  report(cur, cur.pos, 'one of password or passwordSecretRef is required when create is true');
  return undefined;
}

function readKeystores(spec: MapReader): KeystoresSpec {
  const out: KeystoresSpec = {};
  const ks = spec.map('keystores', ['jks', 'pkcs12']);
  const p12Cur = ks?.get('pkcs12');
  const p12 = ks?.map('pkcs12', ['create', 'profile', 'passwordSecretRef', 'password']);
  if (p12Cur && p12 && (p12.required('create', 'a boolean'), p12.bool('create') === true)) {
    const password = readKeystorePassword(p12Cur, p12);
    const profile = p12.enumOf('profile', ['LegacyRC2', 'LegacyDES', 'Modern2023', 'Modern2026'] as const);
    if (password) out.pkcs12 = { password, ...(profile ? { profile } : {}) };
  }
  const jksCur = ks?.get('jks');
  const jks = ks?.map('jks', ['create', 'alias', 'passwordSecretRef', 'password']);
  if (jksCur && jks && (jks.required('create', 'a boolean'), jks.bool('create') === true)) {
    const password = readKeystorePassword(jksCur, jks);
    const aliasCur = jks.get('alias');
    const alias = jks.str('alias');
    if (aliasCur && alias === '') fail(aliasCur, 'must not be empty', 'leave it out for the default alias "certificate"');
    if (password) out.jks = { password, ...(alias ? { alias } : {}) };
  }
  return out;
}

function readOutputFormats(spec: MapReader): CertificateSpec['additionalOutputFormats'] {
  const out: CertificateSpec['additionalOutputFormats'] = [];
  for (const item of spec.list('additionalOutputFormats') ?? []) {
    const m = readMap(item, ['type']);
    const type = m && (m.required('type', 'a string'), m.enumOf('type', ['DER', 'CombinedPEM'] as const));
    if (!type) continue;
    if (out.includes(type)) fail(item, `duplicate output format ${type}`);
    else out.push(type);
  }
  return out;
}

function checkUnsupported(spec: MapReader): void {
  const unsupported = (cur: Cur, hint: string): void => report(cur, cur.keyPos, 'not supported yet', hint);
  const simple: Array<[string, string]> = [
    ['literalSubject', 'use commonName and subject instead'],
    ['otherNames', 'otherName SANs are not implemented'],
    ['nameConstraints', 'name constraints are not implemented'],
  ];
  for (const [field, hint] of simple) {
    const c = spec.get(field);
    if (isSet(c)) unsupported(c, hint);
  }
  const encode = spec.get('encodeUsagesInRequest');
  if (encode && spec.bool('encodeUsagesInRequest') === false) unsupported(encode, 'certctl always puts key usages in the CSR');
}

export interface CertificateResult {
  spec: CertificateSpec;
  refs: CertificateRefs;
}

/** Validates `spec` (a mapping) and applies cert-manager's defaults. `notes` receives de-duplication notes. */
export function readCertificateSpec(spec: MapReader, notes: string[]): CertificateResult {
  const secretNameCur = spec.get('secretName');
  const secretName = reqName(spec, 'secretName') ?? '';
  const commonNameCur = spec.get('commonName');
  const commonName = commonNameCur && checkText(commonNameCur, readString(commonNameCur));
  if (commonNameCur && commonName !== undefined && Buffer.byteLength(commonName) > 64) {
    // The webhook measures Go len(), i.e. bytes; X.509's ub-common-name is 64 as well.
    fail(commonNameCur, `must be at most 64 bytes long, got ${Buffer.byteLength(commonName)}`, 'put long names in dnsNames; the common name is optional');
  }
  const dnsNamePositions = new Map<string, FieldRef>();
  const dnsNames = readSans(spec, 'dnsNames', normalizeDnsName, notes, dnsNamePositions);
  const ipAddressPositions = new Map<string, FieldRef>();
  const ipAddresses = readSans(spec, 'ipAddresses', normalizeIp, notes, ipAddressPositions);
  const uris = readSans(spec, 'uris', checkUri, notes);
  const emailAddresses = readSans(spec, 'emailAddresses', checkEmail, notes);
  const hasIdentity = !!commonName || [dnsNames, ipAddresses, uris, emailAddresses].some((l) => l.length > 0);
  const hasSansElsewhere = isSet(spec.get('literalSubject')) || isSet(spec.get('otherNames'));
  const anyWritten = ['commonName', 'dnsNames', 'ipAddresses', 'uris', 'emailAddresses'].some((f) => isSet(spec.get(f)));
  if (!hasIdentity && !hasSansElsewhere && !anyWritten) {
    report(spec.cur, spec.cur.pos, 'at least one of commonName, dnsNames, ipAddresses, uris or emailAddresses must be set');
  }
  const privateKey = readPrivateKey(spec);
  checkSignatureAlgorithm(spec, privateKey);
  checkUnsupported(spec);
  const { ref: issuerRef, cur: issuerRefCur } = readIssuerRef(spec);
  const result: CertificateSpec = {
    secretName,
    secretTemplate: readSecretTemplate(spec),
    dnsNames,
    ipAddresses,
    uris,
    emailAddresses,
    subject: readSubject(spec),
    ...readLifetime(spec),
    isCA: spec.bool('isCA') ?? false,
    usages: readUsages(spec),
    privateKey,
    issuerRef,
    revisionHistoryLimit: spec.int('revisionHistoryLimit', { min: 1 }) ?? 1,
    keystores: readKeystores(spec),
    additionalOutputFormats: readOutputFormats(spec),
  };
  if (commonName) result.commonName = commonName;
  const refs: CertificateRefs = {
    issuerRef: { pos: issuerRefCur?.keyPos ?? spec.cur.pos, path: issuerRefCur?.path ?? `${spec.path}.issuerRef` },
    secretName: { pos: secretNameCur?.pos ?? spec.cur.pos, path: secretNameCur?.path ?? `${spec.path}.secretName` },
    dnsNames: dnsNamePositions,
    ipAddresses: ipAddressPositions,
  };
  return { spec: result, refs };
}
