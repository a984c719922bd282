import { defineProvider } from '../provider.js';
import { parseAccounts } from './accounts.js';
import { parseAcmeDns } from './config.js';
import type { AcmeDnsConfig } from './config.js';
import type { AcmeDnsShared } from './provider.js';

/** acme-dns (cert-manager `dns01.acmeDNS`): updates the TXT values of the account's own name, which `_acme-challenge.<domain>` CNAMEs to. */
export const acmedns = defineProvider<AcmeDnsConfig, AcmeDnsShared>({
  name: 'acmedns',
  selects: { dns01: 'acmeDNS' },
  parse: parseAcmeDns,
  secretRefs: (c) => [c.accountSecretRef],
  async checkSecrets(c, secretValue) {
    try {
      parseAccounts(await secretValue(c.accountSecretRef));
      return [];
    } catch (err) {
      return [{ ref: c.accountSecretRef, message: `the acme-dns account JSON ${(err as Error).message}` }];
    }
  },
  async load() {
    const { createAcmeDnsProvider, createAcmeDnsShared } = await import('./provider.js');
    return { shared: createAcmeDnsShared, create: (c, ctx, shared) => createAcmeDnsProvider(c, ctx, {}, shared) };
  },
});
