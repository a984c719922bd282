import type { SpecIssue } from '../spec/errors.js';
import type { CertificateResource, Dns01Provider, IssuerResource, SecretKeySelector } from '../spec/types.js';
import { selectSolver } from '../issuers/acme/solver-selection.js';
import { acmeIdentifiers } from '../issuers/acme/identifiers.js';
import { unsupportedWebhook, WEBHOOK_SOLVERS } from '../providers/registry.js';

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
): Promise<SpecIssue[]> {
  if (issuer.spec.type !== 'acme') return [];
  const acme = issuer.spec.acme;
  const issues: SpecIssue[] = [];
  const at = (path: string, message: string): void => void issues.push({ pos: cert.pos, path, message });
  const refs: SecretKeySelector[] = [];

  if (cert.spec.ipAddresses.length > 0) at('spec.ipAddresses', 'IP addresses cannot be validated with DNS-01, the only challenge certctl solves');
  const cn = cert.spec.commonName;
  if (cn && !cert.spec.dnsNames.includes(cn.toLowerCase()) && !cert.spec.ipAddresses.includes(cn)) {
    at('spec.commonName', `an ACME certificate's commonName must also be one of its dnsNames (add "${cn}" to spec.dnsNames)`);
  }
  for (const id of acmeIdentifiers(cert.spec).filter((i) => i.type === 'dns')) {
    const solver = selectSolver(acme.solvers, id.value, cert.metadata.labels);
    const where = `${issuer.kind} ${issuer.metadata.name}`;
    if (!solver) {
      at('spec.dnsNames', `no solver of ${where} matches ${id.value} (check the solvers' selectors)`);
    } else if (!solver.dns01) {
      at('spec.dnsNames', `${id.value} selects ${solver.path} of ${where}, an http01 solver: not supported yet (certctl solves dns01)`);
    } else {
      const problem = providerProblem(solver.dns01.provider);
      if (problem) at('spec.dnsNames', `${id.value} selects ${solver.path} of ${where}: ${problem}`);
      try {
        refs.push(...(await providerRefs(solver.dns01.provider)));
      } catch (err) {
        at(solver.path, (err as Error).message);
      }
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
      });
    }
  }
  return issues;
}

function providerProblem(p: Dns01Provider): string | undefined {
  if (p.kind === 'unsupported') return `dns01.${p.name}: not supported yet (certctl supports rfc2136, route53, and webhook with solverName ${WEBHOOK_SOLVERS.join(', ')})`;
  if (p.kind === 'webhook' && !(WEBHOOK_SOLVERS as readonly string[]).includes(p.solverName)) return unsupportedWebhook(p.solverName);
  return undefined;
}

async function providerRefs(p: Dns01Provider): Promise<SecretKeySelector[]> {
  switch (p.kind) {
    case 'rfc2136':
      return p.tsigSecretSecretRef ? [p.tsigSecretSecretRef] : [];
    case 'route53':
      return [p.accessKeyIDSecretRef, p.secretAccessKeySecretRef].filter((r): r is SecretKeySelector => Boolean(r));
    case 'webhook':
      if (p.solverName === 'alidns-solver' || p.solverName === 'alidns') {
        const { aliDnsSecretRefs } = await import('../providers/alidns.js');
        return aliDnsSecretRefs(p);
      }
      return [];
    default:
      return [];
  }
}
