import { defineProvider } from '../provider.js';
import { parseCloudDns } from './config.js';
import type { CloudDnsConfig } from './config.js';
import type { CloudDnsShared } from './shared.js';

/** Google Cloud DNS, cert-manager's `dns01.cloudDNS`. */
export const cloudDNS = defineProvider<CloudDnsConfig, CloudDnsShared>({
  name: 'clouddns',
  selects: { dns01: 'cloudDNS' },
  parse: parseCloudDns,
  secretRefs: (c) => (c.serviceAccountSecretRef ? [c.serviceAccountSecretRef] : []),
  async checkSecrets(c, secretValue) {
    if (!c.serviceAccountSecretRef) return [];
    // Loaded only when a cloudDNS solver names a Secret: the key check uses node:crypto.
    const { credentialProblem } = await import('./credential-file.js');
    const problem = credentialProblem(await secretValue(c.serviceAccountSecretRef));
    return problem ? [{ ref: c.serviceAccountSecretRef, message: problem }] : [];
  },
  async load() {
    const { createCloudDnsProvider, createCloudDnsShared } = await import('./provider.js');
    return { shared: createCloudDnsShared, create: (c, ctx, shared) => createCloudDnsProvider(c, ctx, {}, shared) };
  },
});
