/**
 * Reads a provider's config the way users write it: inside an Issuer manifest, through the spec
 * loader and the provider's own descriptor. Tests then build providers from exactly what users get.
 */
import { loadManifests } from '../../src/spec/load.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { createCommandRunner } from '../../src/shared/command-runner.js';

export const ISSUER_FILE = 'issuer.yaml';

/** The Issuer YAML around a `dns01` block: `{webhook: {...}}` or `{route53: {...}}`. */
export function issuerYaml(dns01: Record<string, unknown>): string {
  return [
    'apiVersion: cert-manager.io/v1',
    'kind: Issuer',
    'metadata: {name: test, namespace: default}',
    'spec:',
    '  acme:',
    '    server: https://acme.example/directory',
    '    privateKeySecretRef: {name: account}',
    '    solvers:',
    `    - dns01: ${JSON.stringify(dns01)}`,
    '',
  ].join('\n');
}

/** The parsed config of the one solver's provider; throws the loader's SpecError on bad input. */
export function parseProviderConfig<C>(dns01: Record<string, unknown>): C {
  const m = loadManifests([{ name: ISSUER_FILE, text: issuerYaml(dns01) }]);
  const issuer = [...m.issuers.values()][0];
  if (issuer.spec.type !== 'acme') throw new Error('not an ACME issuer');
  const p = issuer.spec.acme.solvers[0].dns01?.provider;
  if (!p || p.kind !== 'provider') throw new Error(`no configured provider: ${JSON.stringify(p)}`);
  return p.config as C;
}

/** A webhook solver block. */
export function webhook(solverName: string, config?: Record<string, unknown>): Record<string, unknown> {
  return { webhook: { groupName: 'acme.example.com', solverName, ...(config ? { config } : {}) } };
}

/** A provider context with Secrets from a map (`name/key` → value). */
export function contextWith(secrets: Record<string, string>, env: Record<string, string | undefined> = {}, debug: (m: string) => void = () => {}): ProviderContext {
  return {
    env,
    secretNamespace: 'default',
    runCommand: createCommandRunner(),
    debug,
    secretValue: async (r, defaultKey) => {
      const v = secrets[`${r.name}/${r.key ?? defaultKey}`];
      if (v === undefined) throw new Error(`${r.path}: Secret ${r.name} key ${r.key} not found`);
      return v;
    },
  };
}

/** Builds a provider exactly as a run does: config from the manifest, implementation from the descriptor. */
export async function providerFromManifest(dns01: Record<string, unknown>, ctx: ProviderContext) {
  const { providerNamed } = await import('../../src/providers/catalog.js');
  const m = loadManifests([{ name: ISSUER_FILE, text: issuerYaml(dns01) }]);
  const issuer = [...m.issuers.values()][0];
  if (issuer.spec.type !== 'acme') throw new Error('not an ACME issuer');
  const p = issuer.spec.acme.solvers[0].dns01?.provider;
  if (!p || p.kind !== 'provider') throw new Error(`no configured provider: ${JSON.stringify(p)}`);
  const impl = await providerNamed(p.provider)!.load();
  return impl.create(p.config, ctx, impl.shared());
}
