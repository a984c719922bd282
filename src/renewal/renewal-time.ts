const DAY = 24 * 3600 * 1000;

/**
 * When to renew a certificate valid from `notBefore` to `notAfter`, as cert-manager computes it
 * from the issued certificate (not the requested duration): `renewBefore` when set and shorter
 * than the lifetime, else `renewBeforePercentage` of the lifetime, else one third of it. For
 * certificates living under 10 days (6-day certificates exist) half the lifetime is left instead,
 * as Let's Encrypt advises, unless the user set a value. Truncated to the second.
 */
export function renewalTime(
  notBefore: Date,
  notAfter: Date,
  opts: { renewBeforeMs?: number; renewBeforePercentage?: number } = {},
): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  let before: number;
  if (opts.renewBeforeMs !== undefined && opts.renewBeforeMs > 0 && opts.renewBeforeMs < lifetime) {
    before = opts.renewBeforeMs;
  } else if (opts.renewBeforePercentage !== undefined && opts.renewBeforePercentage > 0 && opts.renewBeforePercentage < 100) {
    return percentageRenewalTime(notAfter, lifetime, opts.renewBeforePercentage);
  } else if (lifetime < 10 * DAY) {
    before = lifetime / 2;
  } else {
    before = Math.floor(lifetime / 3);
  }
  const at = notAfter.getTime() - before;
  return new Date(Math.floor(at / 1000) * 1000);
}

/**
 * cert-manager's `time.Duration(float64(lifetime) * float64(pct) / 100)`: float64 arithmetic on
 * nanoseconds, truncated to whole nanoseconds, then subtracted from notAfter and truncated to the
 * second. Beyond 2^53 ns (104 days) the product is rounded, so doing the same sums in
 * milliseconds lands a second later for some long lifetimes; these are Go's sums.
 */
function percentageRenewalTime(notAfter: Date, lifetimeMs: number, pct: number): Date {
  const beforeNs = BigInt(Math.trunc((lifetimeMs * 1e6 * pct) / 100));
  const atNs = BigInt(notAfter.getTime()) * 1_000_000n - beforeNs;
  const seconds = atNs / 1_000_000_000n - (atNs % 1_000_000_000n < 0n ? 1n : 0n);
  return new Date(Number(seconds) * 1000);
}
