import { defineProvider } from '../provider.js';
import { parseAkamai } from './config.js';
import type { AkamaiConfig } from './config.js';
import type { AkamaiShared } from './shared.js';

/** Akamai Edge DNS, cert-manager's `dns01.akamai`. */
export const akamai = defineProvider<AkamaiConfig, AkamaiShared>({
  name: 'akamai',
  selects: { dns01: 'akamai' },
  parse: parseAkamai,
  secretRefs: (c) => [c.clientTokenSecretRef, c.clientSecretSecretRef, c.accessTokenSecretRef],
  async load() {
    const { createAkamaiProvider, createAkamaiShared } = await import('./provider.js');
    return { shared: createAkamaiShared, create: (c, ctx, shared) => createAkamaiProvider(c, ctx, {}, shared) };
  },
});
