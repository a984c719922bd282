/**
 * Staying inside an ACME CA's rate limits across runs, so a fleet's bulk of new certificates is
 * spread over several runs instead of failing against the CA. Let's Encrypt's two limits that a
 * fleet meets are the defaults: 300 new orders per account per 3 hours, and 50 new certificates
 * per registered domain (Public Suffix List) per 7 days. Renewals of the same set of names are
 * exempt from both at Let's Encrypt, so only new orders (a first certificate, or changed names)
 * count; a renewal never waits for a budget.
 *
 * The history is what this run's Certificates remember (each records its own new orders in its
 * ACME state), so it is exact for certctl's own orders and needs no shared ledger; orders by other
 * tools are not seen, and the CA's own 429 (with Retry-After, kept per certificate) stays the
 * backstop. Shards split every budget between them (shard i of n gets its share of the count),
 * so n shards together never exceed it.
 */
import type { ParsedCertificate } from '../../pki/parse.js';
import type { NewOrderEntry } from '../../stores/records.js';

/** A limit: at most `count` in any `windowMs`. */
export interface BudgetLimit {
  count: number;
  windowMs: number;
}

/** The budgets of a run; an absent limit is not enforced. */
export interface AcmeBudgetSettings {
  /** New orders per ACME account (Let's Encrypt: 300 per 3 h). */
  newOrdersPerAccount?: BudgetLimit;
  /** New certificates per registered domain (Let's Encrypt: 50 per 7 days). */
  certificatesPerDomain?: BudgetLimit;
  /** This run's shard: it gets its share of each count. */
  shard?: { index: number; count: number };
}

/** Why an issuance waits for a later run. */
export interface BudgetDeferral {
  /** What ran out, for grouping in the run's summary: `new orders of account …`, `certificates for example.com`. */
  budget: string;
  message: string;
  /** When the budget has room again (the oldest counted order leaves the window). */
  until: Date;
}

/** `share` of `count` for shard `index` of `shards`: the shares add up to `count` exactly. */
export function shareOf(count: number, shard?: { index: number; count: number }): number {
  if (!shard || shard.count <= 1) return count;
  return Math.floor(count / shard.count) + (shard.index < count % shard.count ? 1 : 0);
}

/**
 * A renewal (the same set of names as the certificate it replaces) or a new order. Only new orders
 * count against the budgets, as only they count against Let's Encrypt's.
 */
export function isRenewal(identifiers: string[], replacing: Pick<ParsedCertificate, 'dnsNames' | 'ipAddresses'> | undefined): boolean {
  if (!replacing) return false;
  const had = new Set([...replacing.dnsNames, ...replacing.ipAddresses].map((n) => n.toLowerCase()));
  const want = new Set(identifiers.map((n) => n.toLowerCase()));
  return had.size === want.size && [...want].every((n) => had.has(n));
}

/** The registered domains (PSL, private section included, as Let's Encrypt counts) of DNS names. */
export async function registeredDomains(dnsNames: string[]): Promise<string[]> {
  const { getDomain } = await import('tldts');
  const out = new Set<string>();
  for (const name of dnsNames) {
    const host = name.replace(/^\*\./, '').toLowerCase();
    out.add(getDomain(host, { allowPrivateDomains: true }) ?? host);
  }
  return [...out].sort();
}

/**
 * One run's budgets. `history` is read once, at the first new order: the new orders this run's
 * Certificates recorded in earlier runs. Reservations of this run are added in memory.
 */
export class RateBudget {
  private history?: Promise<NewOrderEntry[]>;
  private readonly reserved: NewOrderEntry[] = [];

  constructor(
    private readonly settings: AcmeBudgetSettings,
    private readonly loadHistory: () => Promise<NewOrderEntry[]>,
  ) {}

  /** True when no limit is set: nothing to count. */
  get unlimited(): boolean {
    return !this.settings.newOrdersPerAccount && !this.settings.certificatesPerDomain;
  }

  /**
   * Takes room for one new order of `account` for `domains`, or says why not and until when.
   * Synchronous after the history is loaded, so concurrent certificates cannot both take the last slot.
   */
  async reserve(account: string, domains: string[], now: Date): Promise<BudgetDeferral | undefined> {
    if (this.unlimited) return undefined;
    const history = await (this.history ??= this.loadHistory());
    const entries = [...history, ...this.reserved];
    const { newOrdersPerAccount: perAccount, certificatesPerDomain: perDomain, shard } = this.settings;
    const shardNote = shard && shard.count > 1 ? ` for shard ${shard.index}/${shard.count}` : '';
    if (perAccount) {
      const deferral = check(entries.filter((e) => e.account === account), perAccount, now, shard);
      if (deferral) {
        return {
          budget: `new orders of ACME account ${account}`,
          message: `deferred: the budget of ${perAccount.count} new orders per ${hours(perAccount.windowMs)} for ACME account ${account} is used up${shardNote} (${deferral.used} of ${deferral.allowed}); room again at ${deferral.until.toISOString()} (--acme-new-orders)`,
          until: deferral.until,
        };
      }
    }
    if (perDomain) {
      for (const d of domains) {
        const deferral = check(entries.filter((e) => e.domains.includes(d)), perDomain, now, shard);
        if (deferral) {
          return {
            budget: `certificates for ${d}`,
            message: `deferred: the budget of ${perDomain.count} new certificates per ${hours(perDomain.windowMs)} for the registered domain ${d} is used up${shardNote} (${deferral.used} of ${deferral.allowed}); room again at ${deferral.until.toISOString()} (--acme-certs-per-domain)`,
            until: deferral.until,
          };
        }
      }
    }
    this.reserved.push({ at: now.toISOString(), account, domains });
    return undefined;
  }
}

function check(entries: NewOrderEntry[], limit: BudgetLimit, now: Date, shard: AcmeBudgetSettings['shard']): { used: number; allowed: number; until: Date } | undefined {
  const since = now.getTime() - limit.windowMs;
  const times = entries.map((e) => Date.parse(e.at)).filter((t) => t > since).sort((a, b) => a - b);
  const allowed = shareOf(limit.count, shard);
  if (times.length < allowed) return undefined;
  // Room again when enough of the oldest leave the window for one more to fit.
  const freeing = times[times.length - allowed];
  return { used: times.length, allowed, until: new Date((freeing ?? now.getTime()) + limit.windowMs) };
}

function hours(ms: number): string {
  const h = ms / 3600_000;
  return h % 24 === 0 && h >= 24 ? `${h / 24} days` : `${h} h`;
}
