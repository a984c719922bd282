/**
 * acme-dns provider (cert-manager `dns01.acmeDNS`, https://github.com/joohoi/acme-dns).
 *
 * acme-dns serves one zone of its own; each account owns one name in it (`fulldomain`), and the
 * user points `_acme-challenge.<domain>` at that name with a CNAME. So the provider writes the
 * value to the account's name, not to the record name it is given — exactly as cert-manager does
 * — and the CA follows the CNAME. The value is checked where it is served: at the CNAME's target
 * (see docs/providers/acmedns.md for the solver's part in that).
 *
 * acme-dns keeps the two newest values of a name (so apex and wildcard both work) and cannot
 * delete one: cleanUp does nothing, as in cert-manager and lego, and older values are replaced by
 * the next updates.
 */
import { memo } from '../../shared/memo.js';
import type { DnsProvider, ProviderContext, TxtRecord } from '../provider.js';
import { accountFor, parseAccounts } from './accounts.js';
import type { AcmeDnsAccount, AcmeDnsAccounts } from './accounts.js';
import { DEFAULT_TUNING, updateTxt } from './api.js';
import type { AcmeDnsTuning } from './api.js';
import type { AcmeDnsConfig } from './config.js';

export type { AcmeDnsConfig } from './config.js';
export type { AcmeDnsTuning } from './api.js';

/** Account Secrets read in one run, each parsed once, keyed by namespace and reference. */
export interface AcmeDnsShared {
  accounts: Map<string, Promise<AcmeDnsAccounts>>;
}

export function createAcmeDnsShared(): AcmeDnsShared {
  return { accounts: new Map() };
}

/** The acme-dns provider, plus the account lookup it uses. */
export interface AcmeDnsProvider extends DnsProvider {
  /** The account that serves `record`: by CNAME target (`fulldomain`), else by the domain of `_acme-challenge.<domain>`. */
  accountFor(record: TxtRecord): AcmeDnsAccount;
}

export interface AcmeDnsOptions {
  tuning?: Partial<AcmeDnsTuning>;
}

/** Creates the acme-dns provider for a `dns01.acmeDNS` block; the account Secret is read and checked here. */
export async function createAcmeDnsProvider(config: AcmeDnsConfig, ctx: ProviderContext, options: AcmeDnsOptions = {}, shared: AcmeDnsShared = createAcmeDnsShared()): Promise<AcmeDnsProvider> {
  const ref = config.accountSecretRef;
  const secretName = `Secret ${ctx.secretNamespace}/${ref.name} key ${ref.key}`;
  const accounts = await memo(shared.accounts, JSON.stringify([ctx.secretNamespace, ref.name, ref.key]), async () => {
    const text = await ctx.secretValue(ref);
    try {
      return parseAccounts(text);
    } catch (err) {
      throw new Error(`acmedns: ${config.path}.accountSecretRef: ${secretName} ${(err as Error).message}`);
    }
  });
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };

  function pick(record: TxtRecord): AcmeDnsAccount {
    const { account, domain } = accountFor(accounts, record.fqdn);
    if (account) return account;
    const known = accounts.list.map((a) => a.domain).join(', ');
    const target = domain ?? record.fqdn.replace(/\.$/, '');
    const wildcardKey = domain && accounts.list.some((a) => a.domain.toLowerCase() === `*.${domain}`) ? `; rename the key "*.${domain}" to "${domain}": accounts are looked up by the domain without "*."` : '';
    throw new Error(
      `acmedns: no acme-dns account for ${target} in ${secretName} (it has accounts for ${known})${wildcardKey}; register one with POST ${config.host}/register, store it under "${target}", and point _acme-challenge.${target} at its fulldomain with a CNAME`,
    );
  }

  return {
    name: 'acmedns',
    accountFor: pick,
    async present(record, signal) {
      const account = pick(record);
      const servedAt = account.fulldomain ?? `${account.subdomain}.<acme-dns zone>`;
      if (servedAt !== record.fqdn) ctx.debug(`acmedns: TXT for ${record.fqdn} goes to ${servedAt}, the acme-dns name of ${account.domain}; _acme-challenge.${account.domain} must be a CNAME to it`);
      await updateTxt(config.host, account, record.value, tuning, ctx.debug, signal);
    },
    async cleanUp(record) {
      // Nothing to remove, and nothing to fail: a missing account was already reported by present.
      const { account } = accountFor(accounts, record.fqdn);
      ctx.debug(`acmedns: acme-dns cannot delete a TXT value; ${account?.fulldomain ?? record.fqdn} keeps it until two newer values replace it`);
    },
  };
}
