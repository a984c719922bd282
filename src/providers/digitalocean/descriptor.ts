import { defineProvider } from '../provider.js';
import { parseDigitalOcean } from './config.js';
import { tokenProblem } from './token.js';
import type { DigitalOceanConfig } from './config.js';
import type { DigitalOceanShared } from './shared.js';

/** DigitalOcean DNS (cert-manager `dns01.digitalocean`): an API token from a Secret. */
export const digitalocean = defineProvider<DigitalOceanConfig, DigitalOceanShared>({
  name: 'digitalocean',
  selects: { dns01: 'digitalocean' },
  parse: parseDigitalOcean,
  secretRefs: (c) => [c.tokenSecretRef],
  async checkSecrets(c, secretValue) {
    const problem = tokenProblem(await secretValue(c.tokenSecretRef));
    return problem ? [{ ref: c.tokenSecretRef, message: problem }] : [];
  },
  async load() {
    const { createDigitalOceanProvider, createDigitalOceanShared } = await import('./provider.js');
    return { shared: createDigitalOceanShared, create: (c, ctx, shared) => createDigitalOceanProvider(c, ctx, {}, shared) };
  },
});
