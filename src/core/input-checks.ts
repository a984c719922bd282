/**
 * Every input is checked before anything is generated, written or contacted: what the manifests
 * refer to must also be usable, not only present. A CA Secret with a bad or encrypted key, a key
 * that does not match, a certificate that is not a CA; a TSIG key that is not base64; an EAB key
 * that does not decode; an account key that is not a key; a Secret that is both a Certificate's
 * output and an issuer's credentials. Each is exit 2, naming the file position or the Secret and key.
 */
import { SpecError } from '../spec/errors.js';
import type { SpecIssue } from '../spec/errors.js';
import type { AcmeIssuerSpec, FieldRef, IssuerResource, Manifests, SecretKeySelector, VaultIssuerSpec } from '../spec/types.js';
import { providerNamed } from '../providers/catalog.js';
import { CaSecretError } from '../issuers/ca.js';
import { secretNamespaceOf } from '../issuers/registry.js';
import type { IssuerRegistry } from '../issuers/registry.js';
import { parsePrivateKey } from '../pki/keys.js';
import { predictedChallengeTypes, selectSolver } from '../issuers/acme/solver-selection.js';
import { acmeIdentifiers } from '../issuers/acme/identifiers.js';
import { VAULT_SECRET_PURPOSE, vaultSecretRefs } from '../issuers/vault/secret-refs.js';
import type { VaultSecretRef } from '../issuers/vault/secret-refs.js';
import { caBundleProblem, keyPairProblem } from '../issuers/vault/secrets.js';
import type { PlannedCertificate } from './plan.js';
import { producersOf } from './plan.js';
import type { FoundSecret, SecretSource } from './secret-source.js';

export interface InputCheckContext {
  manifests: Manifests;
  registry: IssuerRegistry;
  secrets: SecretSource;
  clusterResourceNamespace: string;
}

/** Throws a SpecError listing every unusable input of the plan; resolves when all are fine. */
export async function checkInputValues(plan: PlannedCertificate[], ctx: InputCheckContext): Promise<void> {
  const issues: SpecIssue[] = [];
  const producers = producersOf(ctx.manifests);
  const issuers = new Map<IssuerResource, PlannedCertificate[]>();
  for (const p of plan) issuers.set(p.issuer, [...(issuers.get(p.issuer) ?? []), p]);

  for (const [issuer, certs] of issuers) {
    const ns = secretNamespaceOf(issuer, ctx.clusterResourceNamespace);
    const spec = issuer.spec;
    if (spec.type === 'ca' && !producers.has(`${ns}/${spec.ca.secretName}`)) {
      try {
        await ctx.registry.issuerFor(issuer);
      } catch (err) {
        const found = await ctx.secrets.get(ns, spec.ca.secretName);
        const key = err instanceof CaSecretError ? err.dataKey : undefined;
        issues.push(secretIssue(found, key, (err as Error).message, { pos: spec.ca.pos, path: spec.ca.path }));
      }
    }
    if (spec.type === 'acme') issues.push(...(await checkAcme(issuer, spec.acme, ns, certs, producers, ctx)));
    if (spec.type === 'vault') issues.push(...(await checkVault(issuer, spec.vault, ns, producers, ctx)));
  }
  for (const p of plan) issues.push(...(await checkKeystorePasswords(p, ctx)));
  if (issues.length > 0) throw new SpecError(issues);
}

/** A keystore's passwordSecretRef must name a non-empty key of a Secret in the Certificate's namespace. */
async function checkKeystorePasswords(p: PlannedCertificate, ctx: InputCheckContext): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  const cert = p.certificate;
  const ns = cert.metadata.namespace;
  for (const kind of ['pkcs12', 'jks'] as const) {
    const pw = cert.spec.keystores[kind]?.password;
    if (!pw || !('ref' in pw)) continue;
    const ref = pw.ref;
    const found = await ctx.secrets.get(ns, ref.name);
    if (!found) {
      issues.push({ pos: ref.pos, path: ref.path, message: `Secret ${ns}/${ref.name} not found in the inputs or the store (the ${kind === 'jks' ? 'JKS' : 'PKCS#12'} keystore password of Certificate ${ns}/${cert.metadata.name})` });
    } else if (!found.data[ref.key!]?.length) {
      issues.push(secretIssue(found, ref.key, `${found.source} has no data for key ${JSON.stringify(ref.key)}: the ${kind === 'jks' ? 'JKS' : 'PKCS#12'} keystore password must not be empty`, ref));
    }
  }
  return issues;
}

async function checkAcme(
  issuer: IssuerResource,
  acme: AcmeIssuerSpec,
  ns: string,
  certs: PlannedCertificate[],
  producers: Map<string, unknown>,
  ctx: InputCheckContext,
): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  const who = `${issuer.kind} ${issuer.metadata.name}`;
  const collision = (ref: SecretKeySelector, what: string): void => {
    const producer = producers.get(`${ns}/${ref.name}`) as { metadata: { name: string } } | undefined;
    if (producer) {
      issues.push({
        pos: ref.pos,
        path: ref.path,
        message: `Secret ${ns}/${ref.name} is the ${what} of ${who} and also the secretName of Certificate ${producer.metadata.name}, which would overwrite it`,
        hint: 'give the Certificate or the reference another Secret name',
      });
    }
  };
  collision(acme.privateKeySecretRef, 'ACME account key Secret');

  const account = await ctx.secrets.get(ns, acme.privateKeySecretRef.name);
  const accountKey = acme.privateKeySecretRef.key ?? 'tls.key';
  const pem = account?.data[accountKey]?.toString('utf8');
  if (pem !== undefined) {
    if (/ENCRYPTED/.test(pem)) issues.push(secretIssue(account, accountKey, `the ACME account key in ${account!.source} is encrypted; it must be an unencrypted PEM key`, acme.privateKeySecretRef));
    else {
      try {
        parsePrivateKey(pem);
      } catch (err) {
        issues.push(secretIssue(account, accountKey, `the ACME account key in ${account!.source} is not a private key: ${(err as Error).message}`, acme.privateKeySecretRef));
      }
    }
  }

  const eab = acme.externalAccountBinding;
  if (eab) {
    collision(eab.keySecretRef, 'external account binding key Secret');
    const found = await ctx.secrets.get(ns, eab.keySecretRef.name);
    const key = eab.keySecretRef.key ?? '';
    const value = found?.data[key]?.toString('utf8').trim();
    if (found && !value) issues.push(secretIssue(found, key, `${found.source} has no key ${JSON.stringify(key)} (or it is empty): the EAB HMAC key`, eab.keySecretRef));
    else if (found && value && !/^[A-Za-z0-9_\-+/]+={0,2}$/.test(value)) {
      issues.push(secretIssue(found, key, `the EAB HMAC key in ${found.source} is not base64url (as the CA issued it)`, eab.keySecretRef));
    }
  }

  // The solvers the planned names select, each checked once.
  const solvers = new Set<NonNullable<ReturnType<typeof selectSolver>>>();
  for (const p of certs) {
    for (const id of acmeIdentifiers(p.certificate.spec)) {
      const s = selectSolver(acme.solvers, id.value, p.certificate.metadata.labels, predictedChallengeTypes(id));
      if (s?.dns01?.provider.kind === 'provider') solvers.add(s);
    }
  }
  const checked = new Set<string>();
  for (const solver of solvers) {
    const provider = solver.dns01!.provider;
    if (provider.kind !== 'provider') continue;
    // Two solvers sharing one Secret (and config) are one check and one message.
    const id = JSON.stringify([provider.provider, provider.secretRefs.map((r) => [r.name, r.key])]);
    if (checked.has(id)) continue;
    checked.add(id);
    for (const ref of provider.secretRefs) collision(ref, `${solver.path} credentials Secret`);
    const d = providerNamed(provider.provider);
    if (!d?.checkSecrets) continue;
    const found = new Map<string, FoundSecret | undefined>();
    const problems = await d.checkSecrets(provider.config, async (ref, defaultKey) => {
      if (!found.has(ref.name)) found.set(ref.name, await ctx.secrets.get(ns, ref.name));
      const v = found.get(ref.name)?.data[ref.key ?? defaultKey ?? '']?.toString('utf8').trim();
      // Absent (produced later in the run, or reported by planning already): nothing to check.
      if (v === undefined) throw new MissingSecret();
      return v;
    }).catch((err) => {
      if (err instanceof MissingSecret) return [];
      throw err;
    });
    for (const p of problems) issues.push(secretIssue(found.get(p.ref.name), p.ref.key, `${p.message} (${solver.path} of ${who})`, p.ref));
  }
  return issues;
}

/**
 * A `vault` issuer's Secrets, before Vault is contacted: each entry present and not empty, the CA
 * bundle holding certificates, client certificates parsing and matching their keys. Secrets that
 * a Certificate of this run writes are checked when they are read.
 */
async function checkVault(issuer: IssuerResource, vault: VaultIssuerSpec, ns: string, producers: Map<string, unknown>, ctx: InputCheckContext): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  const values = new Map<VaultSecretRef['role'], { ref: VaultSecretRef; found: FoundSecret; text: string }>();
  for (const ref of vaultSecretRefs(vault)) {
    if (producers.has(`${ns}/${ref.name}`) && !ctx.manifests.secrets.has(`${ns}/${ref.name}`)) continue;
    const found = await ctx.secrets.get(ns, ref.name);
    if (!found) continue; // planning reported it
    const text = found.data[ref.key]?.toString('utf8');
    if (!text?.trim()) {
      issues.push(secretIssue(found, ref.key, `${found.source} has no key ${JSON.stringify(ref.key)} (or it is empty): ${VAULT_SECRET_PURPOSE[ref.role]} of ${issuer.kind} ${issuer.metadata.name}`, ref));
      continue;
    }
    values.set(ref.role, { ref, found, text });
  }
  const ca = values.get('caBundle');
  const caProblem = ca && caBundleProblem(ca.text);
  if (ca && caProblem) issues.push(secretIssue(ca.found, ca.ref.key, `${ca.found.source} key ${JSON.stringify(ca.ref.key)} ${caProblem}: ${VAULT_SECRET_PURPOSE.caBundle}`, ca.ref));
  for (const [certRole, keyRole] of [['clientCert', 'clientKey'], ['authCert', 'authKey']] as const) {
    const cert = values.get(certRole);
    const key = values.get(keyRole);
    const problem = cert && key && keyPairProblem(cert.text, key.text);
    if (!problem) continue;
    const at = problem.part === 'cert' ? cert : key;
    issues.push(secretIssue(at.found, at.ref.key, `${at.found.source} key ${JSON.stringify(at.ref.key)}: ${problem.message} (${VAULT_SECRET_PURPOSE[at.ref.role]})`, at.ref));
  }
  return issues;
}

class MissingSecret extends Error {}

/**
 * A problem with a Secret's value, placed where the user can fix it: the Secret document's own
 * key when the Secret was given inline, else the reference that names a Secret in the store.
 */
function secretIssue(found: FoundSecret | undefined, dataKey: string | undefined, message: string, fallback: FieldRef): SpecIssue {
  if (found?.inline) {
    const s = found.inline;
    const named = message.startsWith('Secret ') ? message : `Secret ${s.metadata.namespace}/${s.metadata.name}: ${message}`;
    const pos = (dataKey && s.keyPos[dataKey]) || s.pos;
    return { pos, path: dataKey ? `data[${JSON.stringify(dataKey)}]` : 'data', message: named };
  }
  return { pos: fallback.pos, path: fallback.path, message: dataKey && found ? `${message} (key ${dataKey})` : message };
}
