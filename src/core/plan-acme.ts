import type { SpecIssue } from '../spec/errors.js';
import type { CertificateResource, FieldRef, IssuerResource, SecretKeySelector } from '../spec/types.js';
import { selectSolver } from '../issuers/acme/solver-selection.js';
import { acmeIdentifiers } from '../issuers/acme/identifiers.js';

/** Answers whether a Secret exists in the inputs, is produced in this run, or is in the store. */
export type SecretExists = (namespace: string, name: string) => Promise<boolean>;

/**
 * What can be known about an ACME Certificate before spending an order: every name has a dns01
 * solver certctl implements, and every Secret those solvers and the account need exists.
 */
export async function checkAcmeCertificate(
  cert: CertificateResource,
  issuer: IssuerResource,
  secretNamespace: string,
  exists: SecretExists,
  hintFor: (name: string, namespace: string) => { hint?: string } = () => ({}),
): Promise<SpecIssue[]> {
  if (issuer.spec.type !== 'acme') return [];
  const acme = issuer.spec.acme;
  const issues: SpecIssue[] = [];
  const at = (ref: FieldRef, message: string): void => void issues.push({ pos: ref.pos, path: ref.path, message });
  const field = (path: string): FieldRef => ({ pos: cert.pos, path });
  const refs: SecretKeySelector[] = [];

  if (cert.spec.ipAddresses.length > 0) at(field('spec.ipAddresses'), 'IP addresses cannot be validated with DNS-01, the only challenge certctl solves');
  const cn = cert.spec.commonName;
  if (cn && !cert.spec.dnsNames.includes(cn.toLowerCase()) && !cert.spec.ipAddresses.includes(cn)) {
    at(field('spec.commonName'), `an ACME certificate's commonName must also be one of its dnsNames (add "${cn}" to spec.dnsNames)`);
  }
  for (const id of acmeIdentifiers(cert.spec).filter((i) => i.type === 'dns')) {
    const solver = selectSolver(acme.solvers, id.value, cert.metadata.labels);
    const where = `${issuer.kind} ${issuer.metadata.name}`;
    const name = cert.refs.dnsNames.get(id.value) ?? field('spec.dnsNames');
    if (!solver) {
      at(name, `no solver of ${where} matches ${id.value} (check the solvers' selectors)`);
    } else if (!solver.dns01) {
      at(name, `${id.value} selects ${solver.path} of ${where}, an http01 solver: not supported yet (certctl solves dns01)`);
    } else if (solver.dns01.provider.kind === 'unsupported') {
      at(name, `${id.value} selects ${solver.path} of ${where}: ${solver.dns01.provider.message}`);
    } else {
      refs.push(...solver.dns01.provider.secretRefs);
    }
  }
  if (acme.externalAccountBinding) refs.push(acme.externalAccountBinding.keySecretRef);
  if (acme.disableAccountKeyGeneration) refs.push(acme.privateKeySecretRef);

  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    if (!(await exists(secretNamespace, ref.name))) {
      issues.push({
        pos: ref.pos,
        path: ref.path,
        message: `Secret ${secretNamespace}/${ref.name} not found in the inputs or the store (referenced by ${issuer.kind} ${issuer.metadata.name}, needed by Certificate ${cert.metadata.namespace}/${cert.metadata.name})`,
        ...hintFor(ref.name, secretNamespace),
      });
    }
  }
  return issues;
}
