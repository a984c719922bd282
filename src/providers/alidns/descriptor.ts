import { defineProvider } from '../provider.js';
import { ALIDNS_SOLVER_NAMES, parseAliDnsConfig } from './config.js';
import type { AliDnsSettings } from './config.js';
import type { AliDnsShared } from './provider.js';

/** Alibaba Cloud DNS, configured as the community AliDNS webhooks for cert-manager are. */
export const alidns = defineProvider<AliDnsSettings, AliDnsShared>({
  name: 'alidns',
  selects: { webhookSolverNames: ALIDNS_SOLVER_NAMES },
  parse: parseAliDnsConfig,
  secretRefs: (s) => [s.accessKeyId, s.accessKeySecret, s.securityToken].filter((r) => r !== undefined),
  async load() {
    const { createAliDnsProvider, createAliDnsShared } = await import('./provider.js');
    return { shared: createAliDnsShared, create: (s, ctx, shared) => createAliDnsProvider(s, ctx, {}, shared) };
  },
});
