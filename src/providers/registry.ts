import type { Dns01Provider, SecretKeySelector } from '../spec/types.js';
import type { DnsProvider } from './provider.js';

/** Resolves a `*SecretRef` to the value of its key (from the inputs, then the store). Never log the result. */
export type SecretValue = (ref: SecretKeySelector, defaultKey?: string) => Promise<string>;

export interface ProviderContext {
  secretValue: SecretValue;
  /** The environment hooks and SDK credential chains see (the CLI passes its own). */
  env: Record<string, string | undefined>;
  /**
   * A bound token of a ServiceAccount in the issuer's namespace (Kubernetes TokenRequest), for
   * `route53.auth.kubernetes.serviceAccountRef`; present when certctl talks to a cluster.
   */
  serviceAccountToken?: (name: string, audiences: string[]) => Promise<string>;
}

/** Webhook solver names certctl implements itself, for error messages. */
export const WEBHOOK_SOLVERS = ['exec', 'alidns-solver', 'alidns'] as const;

/**
 * Builds the DNS provider a solver's `dns01` block configures. Each provider lives in its own
 * module, loaded only when used, so cloud SDKs cost nothing to runs that do not need them.
 */
export async function createProvider(config: Dns01Provider, ctx: ProviderContext): Promise<DnsProvider> {
  switch (config.kind) {
    case 'rfc2136': {
      const { createRfc2136Provider } = await import('./rfc2136.js');
      const tsigSecret = config.tsigSecretSecretRef ? await ctx.secretValue(config.tsigSecretSecretRef) : undefined;
      return createRfc2136Provider({
        nameserver: config.nameserver,
        tsigKeyName: config.tsigKeyName,
        tsigAlgorithm: config.tsigAlgorithm,
        tsigSecret,
        protocol: config.protocol,
      });
    }
    case 'webhook': {
      if (config.solverName === 'exec') {
        const { createExecProvider, parseExecConfig } = await import('./exec.js');
        return createExecProvider(parseExecConfig(config), ctx.env);
      }
      if (config.solverName === 'alidns-solver' || config.solverName === 'alidns') {
        const { createAliDnsProvider } = await import('./alidns.js');
        return createAliDnsProvider(config, ctx);
      }
      throw new Error(unsupportedWebhook(config.solverName));
    }
    case 'route53': {
      const { createRoute53Provider } = await import('./route53.js');
      return createRoute53Provider(config, ctx);
    }
    default:
      throw new Error(`dns01.${config.name}: not supported yet (certctl supports rfc2136, route53, and webhook with solverName ${WEBHOOK_SOLVERS.join(', ')})`);
  }
}

/** The message for a webhook solverName certctl does not implement. */
export function unsupportedWebhook(solverName: string): string {
  return `dns01.webhook.solverName ${JSON.stringify(solverName)} is not supported (supported: ${WEBHOOK_SOLVERS.join(', ')})`;
}
