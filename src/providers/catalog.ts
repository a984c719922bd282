/**
 * Every DNS provider certctl implements: the one list that spec validation, planning and the
 * run's provider pool iterate. Adding a provider is one folder with a descriptor, and one line here
 * (docs/adding-a-dns-provider.md).
 */
import type { ProviderDescriptor } from './provider.js';
import { akamai } from './akamai/descriptor.js';
import { alidns } from './alidns/descriptor.js';
import { azureDNS } from './azuredns/descriptor.js';
import { cloudDNS } from './clouddns/descriptor.js';
import { exec } from './exec/descriptor.js';
import { rfc2136 } from './rfc2136/descriptor.js';
import { route53 } from './route53/descriptor.js';
import { cloudflare } from './cloudflare/descriptor.js';
import { digitalocean } from './digitalocean/descriptor.js';
import { acmedns } from './acmedns/descriptor.js';

export const PROVIDERS: readonly ProviderDescriptor[] = [
  rfc2136,
  route53,
  exec,
  alidns,
  cloudflare,
  digitalocean,
  acmedns,
  azureDNS,
  cloudDNS,
  akamai,
];

/** The provider a `dns01.<key>` block selects. */
export function providerForDns01Key(key: string): ProviderDescriptor | undefined {
  return PROVIDERS.find((p) => 'dns01' in p.selects && p.selects.dns01 === key);
}

/** The provider a `dns01.webhook` solverName selects (any groupName, as certctl implements the solver itself). */
export function providerForWebhook(solverName: string): ProviderDescriptor | undefined {
  return PROVIDERS.find((p) => 'webhookSolverNames' in p.selects && p.selects.webhookSolverNames.includes(solverName));
}

/** By descriptor name. */
export function providerNamed(name: string): ProviderDescriptor | undefined {
  return PROVIDERS.find((p) => p.name === name);
}

/** `dns01` keys and webhook solver names certctl implements, for messages. */
export function supportedProviders(): { dns01: string[]; webhook: string[] } {
  const dns01: string[] = [];
  const webhook: string[] = [];
  for (const p of PROVIDERS) {
    if ('dns01' in p.selects) dns01.push(p.selects.dns01);
    else webhook.push(...p.selects.webhookSolverNames);
  }
  return { dns01, webhook };
}
