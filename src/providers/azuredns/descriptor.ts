import { defineProvider } from '../provider.js';
import { parseAzureDns } from './config.js';
import type { AzureDnsConfig } from './config.js';
import type { AzureDnsShared } from './shared.js';

/** Azure DNS (public and private zones), cert-manager's `dns01.azureDNS`. */
export const azureDNS = defineProvider<AzureDnsConfig, AzureDnsShared>({
  name: 'azuredns',
  selects: { dns01: 'azureDNS' },
  parse: parseAzureDns,
  secretRefs: (c) => (c.clientSecretSecretRef ? [c.clientSecretSecretRef] : []),
  async load() {
    const { createAzureDnsProvider, createAzureDnsShared } = await import('./provider.js');
    return { shared: createAzureDnsShared, create: (c, ctx, shared) => createAzureDnsProvider(c, ctx, {}, shared) };
  },
});
