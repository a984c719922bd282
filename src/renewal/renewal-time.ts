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
    before = (lifetime * opts.renewBeforePercentage) / 100;
  } else if (lifetime < 10 * DAY) {
    before = lifetime / 2;
  } else {
    before = Math.floor(lifetime / 3);
  }
  const at = notAfter.getTime() - before;
  return new Date(Math.floor(at / 1000) * 1000);
}
