import { defineProvider } from '../provider.js';
import { parseCloudflare } from './config.js';
import { credentialProblem } from './credentials.js';
import type { CloudflareConfig } from './config.js';
import type { CloudflareShared } from './shared.js';

/** Cloudflare DNS (cert-manager `dns01.cloudflare`): an API token, or the Global API Key with the account e-mail. */
export const cloudflare = defineProvider<CloudflareConfig, CloudflareShared>({
  name: 'cloudflare',
  selects: { dns01: 'cloudflare' },
  parse: parseCloudflare,
  secretRefs: (c) => [c.apiTokenSecretRef, c.apiKeySecretRef].filter((r) => r !== undefined),
  async checkSecrets(c, secretValue) {
    const ref = c.apiTokenSecretRef ?? c.apiKeySecretRef;
    if (!ref) return [];
    const problem = credentialProblem(c.apiTokenSecretRef ? 'Cloudflare API token' : 'Cloudflare Global API Key', await secretValue(ref));
    return problem ? [{ ref, message: problem }] : [];
  },
  async load() {
    const { createCloudflareProvider, createCloudflareShared } = await import('./provider.js');
    return { shared: createCloudflareShared, create: (c, ctx, shared) => createCloudflareProvider(c, ctx, {}, shared) };
  },
});
