import { SpecError, type SpecIssue } from '../spec/errors.js';
import { issuerKey, type CertificateResource, type Http01Method, type IssuerResource, type Manifests } from '../spec/types.js';
import type { PlannedChallenge } from './events.js';
import { secretNamespaceOf } from '../issuers/registry.js';
import type { CertificateStore } from '../stores/store.js';
import { checkAcmeCertificate } from './plan-acme.js';
import { vaultSecretRefs } from '../issuers/vault/secret-refs.js';
import { firstAndMore } from '../shared/first-and-more.js';

export interface PlannedCertificate {
  certificate: CertificateResource;
  issuer: IssuerResource;
  /** Certificates in this run whose Secret this one's issuer needs (a CA issued first). */
  dependsOn: CertificateResource[];
  /** `--force` applies to it: it was named, or no names were given. A CA pulled in for a named leaf is not forced. */
  forced: boolean;
  /** ACME: the challenge each name would be validated with. */
  challenges?: PlannedChallenge[];
}

export interface PlanOptions {
  clusterResourceNamespace: string;
  /** Only these Certificate names (empty: all), plus the CAs they need. */
  names?: string[];
  /** And only Certificates whose labels match (`-l`). */
  selector?: (labels: Record<string, string>) => boolean;
  force?: boolean;
  /**
   * `--http01-*`: the method given on the command line, and whether an http01 solver needs one
   * (false for `status`, which presents nothing).
   */
  http01?: { method?: Http01Method; required: boolean };
}

/**
 * Orders the Certificates so that a CA is issued before the leaves its `ca` issuer signs, and
 * checks, before any key is generated, that every issuer can be used and every Secret it needs
 * exists somewhere: in the inputs, produced by a Certificate of this run, or in the store.
 */
export async function planIssuance(manifests: Manifests, store: CertificateStore, opts: PlanOptions): Promise<PlannedCertificate[]> {
  const issues: SpecIssue[] = [];
  const producers = producersOf(manifests);

  const matches = opts.selector ?? (() => true);
  let selected = manifests.certificates.filter((c) => matches(c.metadata.labels));
  const named = opts.names && opts.names.length > 0 ? new Set(opts.names) : undefined;
  if (named) {
    selected = selected.filter((c) => named.has(c.metadata.name));
    const found = new Set(selected.map((c) => c.metadata.name));
    const missing = [...named].filter((n) => !found.has(n));
    if (missing.length > 0) {
      const have = manifests.certificates.filter((c) => matches(c.metadata.labels)).map((c) => c.metadata.name);
      const where = opts.selector ? 'matching the selector ' : '';
      throw new SpecError([{ pos: { file: '<command line>', line: 1, col: 1 }, path: '', message: `no Certificate named ${missing.join(', ')} ${where}in the inputs (have: ${have.join(', ') || 'none'})` }]);
    }
  }

  const planned = new Map<CertificateResource, PlannedCertificate>();
  const chosenSet = new Set(selected);
  // A Secret missing for many Certificates (one CA Secret for a whole fleet) is one error, not one per Certificate.
  const missing = new Map<string, { issue: SpecIssue; users: CertificateResource[] }>();
  const reportMissing = (key: string, cert: CertificateResource, issue: () => SpecIssue): void => {
    const seen = missing.get(key);
    if (seen) seen.users.push(cert);
    else missing.set(key, { issue: issue(), users: [cert] });
  };
  // A fleet's Certificates share a few issuer Secrets: each is looked up in the store once.
  const found = new Map<string, Promise<boolean>>();
  const inStore = (namespace: string, secretName: string): Promise<boolean> => {
    const id = `${namespace}/${secretName}`;
    let known = found.get(id);
    if (!known) found.set(id, (known = store.readSecretData({ namespace, secretName }).then(Boolean)));
    return known;
  };
  const queue = [...selected];
  for (let next = 0; next < queue.length; next++) {
    const cert = queue[next]!;
    if (planned.has(cert)) continue;
    const ref = cert.spec.issuerRef;
    const issuer = manifests.issuers.get(issuerKey(ref.kind, cert.metadata.namespace, ref.name));
    if (!issuer) continue; // spec/ already reported unknown issuers
    const chosen = chosenSet.has(cert);
    const entry: PlannedCertificate = { certificate: cert, issuer, dependsOn: [], forced: Boolean(opts.force) && chosen };
    planned.set(cert, entry);
    const where = { pos: cert.refs.issuerRef.pos, path: cert.refs.issuerRef.path };
    const spec = issuer.spec;
    if (spec.type === 'unsupported') {
      issues.push({ ...where, message: `${issuer.kind} ${issuer.metadata.name} is a ${spec.name} issuer: not supported yet: spec.${spec.name} (certctl supports acme, ca, selfSigned and vault)` });
    } else if (spec.type === 'acme') {
      const ns = secretNamespaceOf(issuer, opts.clusterResourceNamespace);
      const exists = async (namespace: string, name: string): Promise<boolean> =>
        manifests.secrets.has(`${namespace}/${name}`) || producers.has(`${namespace}/${name}`) || (await inStore(namespace, name));
      const checked = await checkAcmeCertificate(cert, issuer, ns, exists, (name, expected) => wrongNamespaceHint(manifests, name, expected), opts.http01);
      issues.push(...checked.issues);
      entry.challenges = checked.challenges;
    } else if (spec.type === 'vault') {
      const ns = secretNamespaceOf(issuer, opts.clusterResourceNamespace);
      const seen = new Set<string>();
      for (const ref of vaultSecretRefs(spec.vault)) {
        const id = `${ns}/${ref.name}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const producer = producers.get(id);
        if (producer === cert) {
          issues.push({ ...where, message: `Certificate ${cert.metadata.name} is signed by ${issuer.kind} ${issuer.metadata.name}, which reads its own Secret ${id} (${ref.path})` });
          continue;
        }
        if (producer && !manifests.secrets.has(id)) {
          // A client certificate for Vault issued in this run (by another issuer) comes first.
          entry.dependsOn.push(producer);
          queue.push(producer);
          continue;
        }
        if (manifests.secrets.has(id) || (await inStore(ns, ref.name))) continue;
        reportMissing(`${issuer.kind}/${issuer.metadata.namespace}/${issuer.metadata.name}|${ref.path}|${id}`, cert, () => ({
          pos: ref.pos,
          path: ref.path,
          message: `Secret ${id} not found in the inputs or the store (referenced by ${issuer.kind} ${issuer.metadata.name}, needed by`,
          ...wrongNamespaceHint(manifests, ref.name, ns),
        }));
      }
    } else if (spec.type === 'ca') {
      const ns = secretNamespaceOf(issuer, opts.clusterResourceNamespace);
      const producer = producers.get(`${ns}/${spec.ca.secretName}`);
      if (manifests.secrets.has(`${ns}/${spec.ca.secretName}`)) continue;
      if (producer) {
        if (producer === cert) {
          issues.push({ ...where, message: `Certificate ${cert.metadata.name} is signed by ${issuer.kind} ${issuer.metadata.name}, whose CA Secret ${ns}/${spec.ca.secretName} is this Certificate's own Secret` });
        } else if (!producer.spec.isCA) {
          issues.push({
            pos: producer.refs.secretName.pos,
            path: 'spec.isCA',
            message: `Certificate ${producer.metadata.namespace}/${producer.metadata.name} writes Secret ${ns}/${spec.ca.secretName}, the CA of ${issuer.kind} ${issuer.metadata.name}, but is not a CA`,
            hint: 'set spec.isCA: true (and usages cert sign) on it',
          });
        } else {
          entry.dependsOn.push(producer);
          queue.push(producer);
        }
      } else if (!(await inStore(ns, spec.ca.secretName))) {
        reportMissing(`${issuer.kind}/${issuer.metadata.namespace}/${issuer.metadata.name}|${spec.ca.path}|${ns}/${spec.ca.secretName}`, cert, () => ({
          pos: spec.ca.pos,
          path: spec.ca.path,
          message: `Secret ${ns}/${spec.ca.secretName} not found: not in the inputs, not produced by any Certificate in them, and not in ${store.description} (referenced by ${issuer.kind} ${issuer.metadata.name}, used by`,
          ...wrongNamespaceHint(manifests, spec.ca.secretName, ns),
        }));
      }
    }
  }
  for (const { issue, users } of missing.values()) issues.push({ ...issue, message: `${issue.message} ${certificateList(users)})` });
  // One problem of an issuer shared by many Certificates (an http01 solver with no method) is said once.
  if (issues.length > 0) throw new SpecError([...new Map(issues.map((i) => [JSON.stringify([i.pos, i.path, i.message]), i])).values()]);
  // A CA chosen by name brings the leaves it signs: if it is re-issued, they no longer verify
  // against it and are re-issued in the same run (they are decided like any other, never forced).
  if (selected.length < manifests.certificates.length) {
    // Only for Certificates chosen (or brought in this way), not for CAs a chosen leaf needs.
    const leads = new Set<CertificateResource>(selected);
    for (let added = true; added; ) {
      added = false;
      for (const cert of manifests.certificates) {
        if (planned.has(cert)) continue;
        const issuer = manifests.issuers.get(issuerKey(cert.spec.issuerRef.kind, cert.metadata.namespace, cert.spec.issuerRef.name));
        if (issuer?.spec.type !== 'ca') continue;
        const producer = producers.get(`${secretNamespaceOf(issuer, opts.clusterResourceNamespace)}/${issuer.spec.ca.secretName}`);
        if (!producer || producer === cert || !leads.has(producer)) continue;
        planned.set(cert, { certificate: cert, issuer, dependsOn: [producer], forced: false });
        leads.add(cert);
        added = true;
      }
    }
  }
  return orderByDependencies([...planned.values()]);
}

/** `Certificate ns/a`, or `Certificates ns/a, ns/b, ns/c and 9,997 more`: an error stays one line for a fleet. */
function certificateList(certs: CertificateResource[]): string {
  return `Certificate${certs.length === 1 ? '' : 's'} ${firstAndMore(certs.map((c) => `${c.metadata.namespace}/${c.metadata.name}`), 3)}`;
}

/** The Certificate of the inputs that writes each Secret (`namespace/name`). */
export function producersOf(manifests: Manifests): Map<string, CertificateResource> {
  const producers = new Map<string, CertificateResource>();
  for (const c of manifests.certificates) producers.set(`${c.metadata.namespace}/${c.spec.secretName}`, c);
  return producers;
}

/**
 * The most common mistake with ClusterIssuers: the Secret is there, in another namespace than the
 * one cert-manager (and certctl) reads a ClusterIssuer's Secrets from.
 */
export function wrongNamespaceHint(manifests: Manifests, name: string, expected: string): { hint?: string } {
  const elsewhere = [...manifests.secrets.values(), ...manifests.certificates.map((c) => ({ metadata: { name: c.spec.secretName, namespace: c.metadata.namespace } }))]
    .filter((s) => s.metadata.name === name && s.metadata.namespace !== expected)
    .map((s) => s.metadata.namespace);
  if (elsewhere.length === 0) return {};
  const ns = [...new Set(elsewhere)].join(', ');
  return { hint: `a Secret ${name} exists in namespace ${ns}; a ClusterIssuer reads its Secrets from --cluster-resource-namespace (now ${expected}), an Issuer from its own namespace` };
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
      throw new SpecError([{ pos: e.certificate.refs.issuerRef.pos, path: 'spec.issuerRef', message: `CA dependency cycle: ${names}` }]);
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
