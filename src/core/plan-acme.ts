import type { SpecIssue } from '../spec/errors.js';
import type { CertificateResource, FieldRef, Http01Method, IssuerResource, SecretKeySelector } from '../spec/types.js';
import { predictedChallengeTypes, selectSolver } from '../issuers/acme/solver-selection.js';
import { acmeIdentifiers } from '../issuers/acme/identifiers.js';
import { describeHttp01Method, http01MethodFor } from '../issuers/acme/http01/http01-method.js';
import type { PlannedChallenge } from './events.js';

/** Answers whether a Secret exists in the inputs, is produced in this run, or is in the store. */
export type SecretExists = (namespace: string, name: string) => Promise<boolean>;

/** What planning knows about an ACME Certificate: its problems, and how each name would be validated. */
export interface AcmeCertificateCheck {
  issues: SpecIssue[];
  challenges: PlannedChallenge[];
}

/**
 * What can be known about an ACME Certificate before spending an order: every name has a solver
 * certctl implements, of a type the CA can offer for it (a wildcard needs dns01, an IP address
 * http01), an http01 solver has a way to be answered (the command line or an annotation), and
 * every Secret the solvers and the account need exists.
 */
export async function checkAcmeCertificate(
  cert: CertificateResource,
  issuer: IssuerResource,
  secretNamespace: string,
  exists: SecretExists,
  hintFor: (name: string, namespace: string) => { hint?: string } = () => ({}),
  http01: { method?: Http01Method; required: boolean } = { required: false },
): Promise<AcmeCertificateCheck> {
  if (issuer.spec.type !== 'acme') return { issues: [], challenges: [] };
  const acme = issuer.spec.acme;
  const issues: SpecIssue[] = [];
  const challenges: PlannedChallenge[] = [];
  const at = (ref: FieldRef, message: string, hint?: string): void => void issues.push({ pos: ref.pos, path: ref.path, message, ...(hint ? { hint } : {}) });
  const field = (path: string): FieldRef => ({ pos: cert.pos, path });
  const refs: SecretKeySelector[] = [];
  const where = `${issuer.kind} ${issuer.metadata.name}`;
  const method = http01MethodFor(cert, issuer, http01.method);

  const cn = cert.spec.commonName;
  if (cn && !cert.spec.dnsNames.includes(cn.toLowerCase()) && !cert.spec.ipAddresses.includes(cn)) {
    at(field('spec.commonName'), `an ACME certificate's commonName must also be one of its dnsNames (add "${cn}" to spec.dnsNames)`);
  }
  for (const id of acmeIdentifiers(cert.spec)) {
    const name = (id.type === 'ip' ? cert.refs.ipAddresses?.get(id.value) : cert.refs.dnsNames.get(id.value)) ?? field(id.type === 'ip' ? 'spec.ipAddresses' : 'spec.dnsNames');
    const solver = selectSolver(acme.solvers, id.value, cert.metadata.labels, predictedChallengeTypes(id));
    if (!solver) {
      // Matched, but only by a solver of a type the CA will not offer for this name.
      const other = selectSolver(acme.solvers, id.value, cert.metadata.labels);
      if (!other) at(name, `no solver of ${where} matches ${id.value} (check the solvers' selectors)`);
      else if (id.type === 'ip') at(name, `${id.value}: an IP address can only be validated with HTTP-01 (RFC 8738), but it matches only the dns01 solver ${other.path} of ${where}`, 'add an http01 solver that matches it');
      else at(name, `${id.value}: a wildcard name can only be validated with DNS-01, but it matches only the http01 solver ${other.path} of ${where}`, `add a dns01 solver whose selector matches ${id.value}, or remove the name`);
      continue;
    }
    if (solver.http01) {
      if (!method && http01.required) {
        at(
          { pos: solver.pos, path: solver.path },
          `http01 solver of ${where}: certctl answers HTTP-01 challenges itself and has not been told how`,
          'pass --http01-webroot DIR (a directory your web server serves on port 80) or --http01-standalone (certctl listens on :80; --http01-listen ADDR for another address), or annotate the Issuer or the Certificate with certctl.io/http01-webroot: /var/www/html or certctl.io/http01-listen: ":80"',
        );
      }
      challenges.push({ identifier: id.value, type: 'http-01', solver: solver.path, ...(method ? { via: describeHttp01Method(method.method) } : {}) });
    } else if (solver.dns01?.provider.kind === 'unsupported') {
      at(name, `${id.value} selects ${solver.path} of ${where}: ${solver.dns01.provider.message}`);
    } else if (solver.dns01) {
      refs.push(...solver.dns01.provider.secretRefs);
      challenges.push({ identifier: id.value, type: 'dns-01', solver: solver.path, via: solver.dns01.provider.provider });
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
  return { issues, challenges };
}
