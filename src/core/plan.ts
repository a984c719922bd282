import { SpecError, type SpecIssue } from '../spec/errors.js';
import { issuerKey, type CertificateResource, type IssuerResource, type Manifests } from '../spec/types.js';
import type { CertificateStore } from '../stores/store.js';
import { secretNamespaceOf } from './issuer-namespace.js';
import { checkAcmeCertificate } from './plan-acme.js';

export interface PlannedCertificate {
  certificate: CertificateResource;
  issuer: IssuerResource;
  /** Certificates in this run whose Secret this one's issuer needs (a CA issued first). */
  dependsOn: CertificateResource[];
}

export interface PlanOptions {
  clusterResourceNamespace: string;
  /** Only these Certificate names (empty: all). */
  names?: string[];
}

/**
 * Orders the Certificates so that a CA is issued before the leaves its `ca` issuer signs, and
 * checks, before any key is generated, that every issuer can be used and every Secret it needs
 * exists somewhere: in the inputs, produced by a Certificate of this run, or in the store.
 */
export async function planIssuance(manifests: Manifests, store: CertificateStore, opts: PlanOptions): Promise<PlannedCertificate[]> {
  const issues: SpecIssue[] = [];
  const producers = new Map<string, CertificateResource>();
  for (const c of manifests.certificates) producers.set(`${c.metadata.namespace}/${c.spec.secretName}`, c);

  let selected = manifests.certificates;
  if (opts.names && opts.names.length > 0) {
    const wanted = new Set(opts.names);
    selected = manifests.certificates.filter((c) => wanted.has(c.metadata.name));
    const found = new Set(selected.map((c) => c.metadata.name));
    const missing = [...wanted].filter((n) => !found.has(n));
    if (missing.length > 0) {
      throw new SpecError([{ pos: { file: '<command line>', line: 1, col: 1 }, path: '', message: `no Certificate named ${missing.join(', ')} in the inputs (have: ${manifests.certificates.map((c) => c.metadata.name).join(', ') || 'none'})` }]);
    }
  }

  const planned = new Map<CertificateResource, PlannedCertificate>();
  const queue = [...selected];
  while (queue.length > 0) {
    const cert = queue.shift()!;
    if (planned.has(cert)) continue;
    const ref = cert.spec.issuerRef;
    const issuer = manifests.issuers.get(issuerKey(ref.kind, cert.metadata.namespace, ref.name));
    if (!issuer) continue; // spec/ already reported unknown issuers
    const entry: PlannedCertificate = { certificate: cert, issuer, dependsOn: [] };
    planned.set(cert, entry);
    const where = { pos: cert.pos, path: 'spec.issuerRef' };
    const spec = issuer.spec;
    if (spec.type === 'unsupported') {
      issues.push({ ...where, message: `${issuer.kind} ${issuer.metadata.name} is a ${spec.name} issuer: not supported yet: spec.${spec.name} (certctl supports acme, ca and selfSigned)` });
    } else if (spec.type === 'acme') {
      const ns = secretNamespaceOf(issuer, opts.clusterResourceNamespace);
      const exists = async (namespace: string, name: string): Promise<boolean> =>
        manifests.secrets.has(`${namespace}/${name}`) || producers.has(`${namespace}/${name}`) || Boolean(await store.readSecretData({ namespace, secretName: name }));
      issues.push(...(await checkAcmeCertificate(cert, issuer, ns, exists)));
    } else if (spec.type === 'ca') {
      const ns = secretNamespaceOf(issuer, opts.clusterResourceNamespace);
      const producer = producers.get(`${ns}/${spec.ca.secretName}`);
      if (manifests.secrets.has(`${ns}/${spec.ca.secretName}`)) continue;
      if (producer) {
        if (producer === cert) {
          issues.push({ ...where, message: `Certificate ${cert.metadata.name} is signed by ${issuer.kind} ${issuer.metadata.name}, whose CA Secret ${ns}/${spec.ca.secretName} is this Certificate's own Secret` });
        } else {
          entry.dependsOn.push(producer);
          queue.push(producer);
        }
      } else if (!(await store.readSecretData({ namespace: ns, secretName: spec.ca.secretName }))) {
        issues.push({
          pos: spec.ca.pos,
          path: spec.ca.path,
          message: `Secret ${ns}/${spec.ca.secretName} not found: not in the inputs, not produced by any Certificate in them, and not in ${store.description} (referenced by ${issuer.kind} ${issuer.metadata.name}, used by Certificate ${cert.metadata.namespace}/${cert.metadata.name})`,
        });
      }
    }
  }
  if (issues.length > 0) throw new SpecError(issues);
  return orderByDependencies([...planned.values()]);
}

/** Topological order (stable: input order among independent certificates); a cycle is an input error. */
function orderByDependencies(entries: PlannedCertificate[]): PlannedCertificate[] {
  const byCert = new Map(entries.map((e) => [e.certificate, e]));
  const state = new Map<PlannedCertificate, 'visiting' | 'done'>();
  const out: PlannedCertificate[] = [];
  const visit = (e: PlannedCertificate, trail: PlannedCertificate[]): void => {
    const s = state.get(e);
    if (s === 'done') return;
    if (s === 'visiting') {
      const names = [...trail.slice(trail.indexOf(e)), e].map((x) => x.certificate.metadata.name).join(' -> ');
      throw new SpecError([{ pos: e.certificate.pos, path: 'spec.issuerRef', message: `CA dependency cycle: ${names}` }]);
    }
    state.set(e, 'visiting');
    for (const dep of e.dependsOn) {
      const d = byCert.get(dep);
      if (d) visit(d, [...trail, e]);
    }
    state.set(e, 'done');
    out.push(e);
  };
  for (const e of entries) visit(e, []);
  return out;
}
