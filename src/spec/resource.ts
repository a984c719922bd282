/**
 * One document (or List item) → a typed resource, a note for kinds certctl does not read, or
 * issues. apiVersion and kind decide which fields are known at the top level.
 */
import { isMap, isScalar } from 'yaml';
import type { ParsedNode, YAMLMap } from 'yaml';
import { childPath, fail, keyString, nodePos, readMap, typeError } from './cursor.js';
import type { Cur } from './cursor.js';
import { CERTIFICATE_FIELDS, readCertificateSpec } from './validate-certificate.js';
import { readHttp01Annotations } from './validate-http01-annotations.js';
import { readIssuerSpec } from './validate-issuer.js';
import { editDistance } from './suggest.js';
import { readMetadata } from './validate-meta.js';
import { readSecretBody, SECRET_FIELDS } from './validate-secret.js';
import type { CertificateResource, IssuerResource, SecretResource } from './types.js';

/** What loading found, each resource with whether its document loaded without issues. */
export interface Collected {
  certificates: Array<{ resource: CertificateResource; clean: boolean }>;
  issuers: Array<{ resource: IssuerResource; clean: boolean }>;
  secrets: Array<{ resource: SecretResource; clean: boolean }>;
  notes: string[];
}

export interface ResourceOptions {
  namespaceOverride?: string;
}

const CM_KINDS = ['Certificate', 'Issuer', 'ClusterIssuer'];
// cert-manager kinds certctl has no use for; listed so that a typo of a real kind is still an error.
const CM_OTHER_KINDS = ['CertificateRequest'];
const OLD_CM_VERSIONS = /^(cert-manager\.io\/(v1alpha[0-9]+|v1beta[0-9]+)|certmanager\.k8s\.io\/.*)$/;

/** A raw top-level lookup, before the known-field set is known. */
function rawGet(cur: Cur, key: string): Cur | undefined {
  const map = cur.node as YAMLMap.Parsed;
  const pair = map.items.find((p) => keyString(p.key) === key);
  if (!pair) return undefined;
  const node = pair.value as ParsedNode | null;
  const keyPos = nodePos(cur.ctx, pair.key as ParsedNode, cur.pos);
  return { ctx: cur.ctx, node, path: childPath(cur.path, key), pos: nodePos(cur.ctx, node, keyPos), keyPos };
}

function rawString(cur: Cur | undefined): string | undefined {
  return cur && isScalar(cur.node) && typeof cur.node.value === 'string' ? cur.node.value : undefined;
}

function note(out: Collected, root: Cur, apiVersion: string, kind: string): void {
  const meta = rawGet(root, 'metadata');
  const name = (meta && isMap(meta.node) ? rawString(rawGet(meta, 'name')) : undefined) ?? '<unnamed>';
  out.notes.push(`${root.pos.file}:${root.pos.line}:${root.pos.col}: ignoring ${apiVersion} ${kind} ${name}`);
}

/** Loads one resource document into `out`. */
export function loadResource(root: Cur, out: Collected, opts: ResourceOptions): void {
  const ctx = root.ctx;
  const before = ctx.issues.length;
  const clean = (): boolean => ctx.issues.length === before;
  const avCur = rawGet(root, 'apiVersion');
  const kindCur = rawGet(root, 'kind');
  if (!avCur || !kindCur) {
    fail(root, `missing ${!avCur ? 'apiVersion' : 'kind'}`, 'every document needs apiVersion and kind, e.g. apiVersion: cert-manager.io/v1, kind: Certificate');
    return;
  }
  const apiVersion = rawString(avCur);
  const kind = rawString(kindCur);
  if (apiVersion === undefined) return typeError(avCur, 'a string');
  if (kind === undefined) return typeError(kindCur, 'a string');

  if (OLD_CM_VERSIONS.test(apiVersion)) {
    fail(avCur, `${apiVersion} is no longer served by cert-manager`, 'change apiVersion to cert-manager.io/v1; cmctl convert can rewrite old manifests');
    return;
  }
  if (apiVersion === 'cert-manager.io/v1' && !CM_KINDS.includes(kind)) {
    if (CM_OTHER_KINDS.includes(kind)) return note(out, root, apiVersion, kind);
    const near = [...CM_KINDS, ...CM_OTHER_KINDS].find((k) => k.toLowerCase() === kind.toLowerCase());
    fail(kindCur, `unknown kind ${JSON.stringify(kind)} in cert-manager.io/v1`, near ? `did you mean "${near}"?` : `certctl reads ${CM_KINDS.join(', ')}`);
    return;
  }
  if (apiVersion === 'v1' && kind !== 'Secret' && kind !== 'List' && kind.toLowerCase() === 'secret') {
    fail(kindCur, `unknown kind ${JSON.stringify(kind)}`, 'did you mean "Secret"?');
    return;
  }
  if (apiVersion === 'v1' && kind === 'List') {
    const m = readMap(root, ['apiVersion', 'kind', 'metadata', 'items']);
    for (const item of (m && m.list('items')) ?? []) {
      if (isMap(item.node)) loadResource(item, out, opts);
      else typeError(item, 'a mapping (a resource)');
    }
    return;
  }
  if (apiVersion === 'v1' && kind === 'Secret') {
    const m = readMap(root, ['apiVersion', 'kind', 'metadata', ...SECRET_FIELDS]);
    if (!m) return;
    const metadata = readMetadata(m, { namespaced: true, namespaceOverride: opts.namespaceOverride });
    const body = readSecretBody(m);
    out.secrets.push({ resource: { kind: 'Secret', metadata, ...body, pos: root.pos }, clean: clean() });
    return;
  }
  if (apiVersion !== 'cert-manager.io/v1') {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    // A near miss of cert-manager.io would otherwise be silently ignored as someone else's kind.
    // The core group has no Certificate or Issuer kinds, so `v1 Certificate` is a mistake too.
    if ((group !== '' && editDistance(group, 'cert-manager.io') <= 2) || (group === '' && CM_KINDS.includes(kind))) {
      fail(avCur, `unknown apiVersion ${JSON.stringify(apiVersion)}`, 'did you mean "cert-manager.io/v1"?');
      return;
    }
    return note(out, root, apiVersion, kind);
  }

  // status is what a cluster reported; it says nothing about what to issue.
  const m = readMap(root, ['apiVersion', 'kind', 'metadata', 'spec'], ['status']);
  if (!m) return;
  const namespaced = kind !== 'ClusterIssuer';
  const metadata = readMetadata(m, { namespaced, namespaceOverride: opts.namespaceOverride });
  const specCur = m.required('spec', 'a mapping');
  if (kind === 'Certificate') {
    const spec = specCur && readMap(specCur, CERTIFICATE_FIELDS);
    if (!spec) return;
    const { spec: certSpec, refs } = readCertificateSpec(spec, out.notes);
    const http01 = readHttp01Annotations(m.get('metadata'));
    out.certificates.push({ resource: { kind: 'Certificate', metadata, spec: certSpec, pos: root.pos, refs, ...(http01 ? { http01 } : {}) }, clean: clean() });
    return;
  }
  const config = specCur && readIssuerSpec(specCur);
  const http01 = readHttp01Annotations(m.get('metadata'));
  if (!config) return;
  out.issuers.push({ resource: { kind: kind as IssuerResource['kind'], metadata, spec: config, pos: root.pos, ...(http01 ? { http01 } : {}) }, clean: clean() });
}
