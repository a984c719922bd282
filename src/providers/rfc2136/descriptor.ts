import { defineProvider } from '../provider.js';
import { parseRfc2136, tsigSecretProblem } from './config.js';
import type { Rfc2136Config } from './config.js';

/** RFC 2136 dynamic updates (BIND, Knot, PowerDNS, Windows DNS), optionally TSIG-signed. */
export const rfc2136 = defineProvider<Rfc2136Config, void>({
  name: 'rfc2136',
  selects: { dns01: 'rfc2136' },
  parse: parseRfc2136,
  secretRefs: (c) => (c.tsigSecretSecretRef ? [c.tsigSecretSecretRef] : []),
  async checkSecrets(c, secretValue) {
    if (!c.tsigSecretSecretRef) return [];
    const problem = tsigSecretProblem(await secretValue(c.tsigSecretSecretRef));
    return problem ? [{ ref: c.tsigSecretSecretRef, message: problem }] : [];
  },
  async load() {
    const { createRfc2136Provider } = await import('./provider.js');
    return {
      shared: () => undefined,
      async create(c, ctx) {
        const tsigSecret = c.tsigSecretSecretRef ? await ctx.secretValue(c.tsigSecretSecretRef) : undefined;
        return createRfc2136Provider({ nameserver: c.nameserver, tsigKeyName: c.tsigKeyName, tsigAlgorithm: c.tsigAlgorithm, tsigSecret, protocol: c.protocol });
      },
    };
  },
});
