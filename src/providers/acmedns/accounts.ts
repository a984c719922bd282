/**
 * acme-dns account JSON as cert-manager reads it from `accountSecretRef`: one account per domain,
 * the registration answer of acme-dns (`POST /register`) stored under the domain name,
 *
 *   { "example.com": { "username": "…", "password": "…", "fulldomain": "….auth.example.org",
 *                      "subdomain": "…", "allowfrom": [] } }
 *
 * Field names are matched case-insensitively, as Go's encoding/json does for cert-manager, and
 * unknown fields (`allowfrom`, goacmedns's `server_url`) are ignored. Nothing here ever puts a
 * password, or the JSON itself, into a message.
 */

/** One acme-dns account. */
export interface AcmeDnsAccount {
  /** The key it is stored under, as written. */
  domain: string;
  username: string;
  password: string;
  subdomain: string;
  /** Absolute, lower-case, trailing dot; undefined when the JSON has none. */
  fulldomain?: string;
  allowfrom: string[];
}

/** The accounts of one Secret, indexed the two ways the solver can name a record. */
export interface AcmeDnsAccounts {
  list: AcmeDnsAccount[];
  /** By domain key, lower-case, without a trailing dot. */
  byDomain: Map<string, AcmeDnsAccount>;
  /** By fulldomain (the CNAME target), absolute. */
  byFulldomain: Map<string, AcmeDnsAccount>;
}

const REQUIRED = ['username', 'password', 'subdomain'] as const;

const field = (o: Record<string, unknown>, name: string): unknown => {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : o[key];
};

const absolute = (name: string): string => `${name.trim().toLowerCase().replace(/\.$/, '')}.`;

/** Parses the Secret's value; the error says what is wrong without quoting it. */
export function parseAccounts(text: string): AcmeDnsAccounts {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new Error(`is not valid JSON${at ? ` (error at character ${at})` : ''}; acme-dns accounts look like {"example.com": {"username": …, "password": …, "fulldomain": …, "subdomain": …}}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('must be a JSON object of acme-dns accounts by domain, like {"example.com": {"username": …}}');
  const list: AcmeDnsAccount[] = [];
  for (const [domain, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`the entry for ${JSON.stringify(domain)} is not an acme-dns account object`);
    const o = value as Record<string, unknown>;
    const missing = REQUIRED.filter((f) => typeof field(o, f) !== 'string' || field(o, f) === '');
    if (missing.length > 0) throw new Error(`the account for ${JSON.stringify(domain)} has no ${missing.join(', ')}`);
    const fulldomain = field(o, 'fulldomain');
    const allowfrom = field(o, 'allowfrom');
    list.push({
      domain,
      username: String(field(o, 'username')),
      password: String(field(o, 'password')),
      subdomain: String(field(o, 'subdomain')),
      fulldomain: typeof fulldomain === 'string' && fulldomain !== '' ? absolute(fulldomain) : undefined,
      allowfrom: Array.isArray(allowfrom) ? allowfrom.map(String) : [],
    });
  }
  if (list.length === 0) throw new Error('holds no acme-dns account');
  return {
    list,
    byDomain: new Map(list.map((a) => [a.domain.trim().toLowerCase().replace(/\.$/, ''), a])),
    byFulldomain: new Map(list.filter((a) => a.fulldomain).map((a) => [a.fulldomain as string, a])),
  };
}

/**
 * The account for a challenge record. cert-manager looks the account up by the certificate's
 * domain (the identifier with `*.` removed) and ignores the record name; certctl gets the record
 * name, which is `_acme-challenge.<domain>` — or, with `cnameStrategy: Follow`, the CNAME's
 * target, which is an account's `fulldomain`.
 */
export function accountFor(accounts: AcmeDnsAccounts, fqdn: string): { account?: AcmeDnsAccount; domain?: string } {
  const name = absolute(fqdn);
  const byTarget = accounts.byFulldomain.get(name);
  if (byTarget) return { account: byTarget, domain: byTarget.domain };
  const m = /^_acme-challenge\.(.+)\.$/.exec(name);
  if (!m) return {};
  return { account: accounts.byDomain.get(m[1]), domain: m[1] };
}
