/**
 * Helpers for the Vault tests (not a test file): a PKI (root → intermediate) for the fake
 * Vault, manifests, a full certctl run (plan, input checks, issuer registry, issuance, store)
 * over a memory store, and `openssl verify` of what it stored.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DNS01_OPTIONS } from '../../src/dns/dns01-options.js';
import type { CertificateEvent, CertificateResult } from '../../src/core/events.js';
import { runCertificates } from '../../src/core/run.js';
import type { CoreDeps } from '../../src/core/run.js';
import { createCommandRunner } from '../../src/shared/command-runner.js';
import { loadManifests } from '../../src/spec/load.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { makeCa } from '../fakes/vault-tls.js';
import type { TestCa } from '../fakes/vault-tls.js';
import type { FakePkiIssuer } from '../fakes/vault-pki.js';
import { opensslResult } from '../helpers/run-cli.js';

export interface TestPki {
  root: TestCa;
  intermediate: TestCa;
  /** The mount's issuer: the intermediate, with the root imported (ca_chain has both). */
  issuer: FakePkiIssuer;
}

export async function makePki(opts: { intermediateDays?: number } = {}): Promise<TestPki> {
  const root = await makeCa('Example Root CA');
  const intermediate = await makeCa('Example Issuing CA', { parent: root, days: opts.intermediateDays ?? 1825 });
  return { root, intermediate, issuer: { name: 'intermediate', certificate: intermediate.certificate, key: intermediate.key, parents: [root.certificate] } };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A Secret manifest with `data` base64-encoded. */
export function secretYaml(namespace: string, name: string, data: Record<string, string>): string {
  return `---
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: ${b64(v)}`)
  .join('\n')}
`;
}

/** An Issuer `vault` in namespace `apps` with `vault:` lines indented by four spaces. */
export function vaultIssuerYaml(vault: string, o: { kind?: 'Issuer' | 'ClusterIssuer'; name?: string; namespace?: string } = {}): string {
  const kind = o.kind ?? 'Issuer';
  const meta = kind === 'Issuer' ? `{name: ${o.name ?? 'vault'}, namespace: ${o.namespace ?? 'apps'}}` : `{name: ${o.name ?? 'vault'}}`;
  return `---
apiVersion: cert-manager.io/v1
kind: ${kind}
metadata: ${meta}
spec:
  vault:
${vault}
`;
}

/** A Certificate `web` (namespace apps) issued by the `vault` Issuer. */
export function certificateYaml(o: { name?: string; commonName?: string; dnsNames?: string[]; ipAddresses?: string[]; uris?: string[]; duration?: string; issuerKind?: string; issuer?: string } = {}): string {
  const lines = [
    `---`,
    `apiVersion: cert-manager.io/v1`,
    `kind: Certificate`,
    `metadata: {name: ${o.name ?? 'web'}, namespace: apps}`,
    `spec:`,
    `  secretName: ${o.name ?? 'web'}-tls`,
    `  issuerRef: {name: ${o.issuer ?? 'vault'}, kind: ${o.issuerKind ?? 'Issuer'}}`,
  ];
  const dnsNames = o.dnsNames ?? ['web.example.test'];
  // A Vault role requires a common name unless require_cn=false: the first DNS name by default, '' for none.
  const cn = o.commonName ?? dnsNames[0];
  if (cn) lines.push(`  commonName: ${cn}`);
  lines.push(`  dnsNames: [${dnsNames.join(', ')}]`);
  if (o.ipAddresses) lines.push(`  ipAddresses: [${o.ipAddresses.join(', ')}]`);
  if (o.uris) lines.push(`  uris: [${o.uris.map((u) => JSON.stringify(u)).join(', ')}]`);
  if (o.duration) lines.push(`  duration: ${o.duration}`);
  return `${lines.join('\n')}\n`;
}

export interface RunResult {
  results: CertificateResult[];
  events: CertificateEvent[];
  store: MemoryStore;
  /** Stored data of Secret apps/<name>. */
  secret(name: string): Promise<Record<string, string>>;
}

/** One certctl run (issue) over `yaml` with a memory store. */
export async function runVault(yaml: string, o: { env?: Record<string, string | undefined>; serviceAccountToken?: CoreDeps['serviceAccountToken']; store?: MemoryStore; force?: boolean } = {}): Promise<RunResult> {
  const manifests = loadManifests([{ name: 'in.yaml', text: yaml }]);
  const store = o.store ?? new MemoryStore();
  const events: CertificateEvent[] = [];
  const outcome = await runCertificates(
    manifests,
    {
      store,
      clock: () => new Date(),
      emit: (e) => events.push(e),
      random: Math.random,
      env: o.env ?? {},
      dns01: { ...DEFAULT_DNS01_OPTIONS, recursiveNameservers: [] },
      clusterResourceNamespace: 'cert-manager',
      runCommand: createCommandRunner(),
      ...(o.serviceAccountToken ? { serviceAccountToken: o.serviceAccountToken } : {}),
    },
    { names: [], force: o.force ?? false, concurrency: 2, useAri: false, respectBackoff: false, dryRun: false, jitterMs: 0 },
  );
  return {
    results: outcome.results,
    events,
    store,
    async secret(name) {
      const data = await store.readSecretData({ namespace: 'apps', secretName: name });
      if (!data) throw new Error(`no Secret apps/${name}`);
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('utf8')]));
    },
  };
}

/** `openssl verify -CAfile <root> -untrusted <tls.crt> <tls.crt>`; returns openssl's output (throws unless OK). */
export async function opensslVerify(rootPem: string, tlsCrt: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certctl-vault-'));
  try {
    await writeFile(join(dir, 'root.pem'), rootPem);
    await writeFile(join(dir, 'tls.crt'), tlsCrt);
    const r = opensslResult(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'tls.crt'), join(dir, 'tls.crt')]);
    if (r.status !== 0 || !/: OK/.test(r.stdout)) throw new Error(`openssl verify failed: ${r.stdout}${r.stderr}`);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
