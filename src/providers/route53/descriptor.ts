import { defineProvider } from '../provider.js';
import { parseRoute53 } from './config.js';
import type { Route53Config } from './config.js';
import type { Route53Shared } from './shared.js';

/** AWS Route 53, with the whole AWS credential chain (IRSA, profiles, roles). */
export const route53 = defineProvider<Route53Config, Route53Shared>({
  name: 'route53',
  selects: { dns01: 'route53' },
  parse: parseRoute53,
  secretRefs: (c) => [c.accessKeyIDSecretRef, c.secretAccessKeySecretRef].filter((r) => r !== undefined),
  async load() {
    const { createRoute53Provider, createRoute53Shared } = await import('./provider.js');
    return { shared: createRoute53Shared, create: (c, ctx, shared) => createRoute53Provider(c, ctx, {}, shared) };
  },
});
