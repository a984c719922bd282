/**
 * The body of cert-manager's Vault sign request (internal/vault/vault.go `Sign`): the CSR and,
 * from the same names, `common_name`, `alt_names`, `ip_sans`, `uri_sans` (comma-joined), `ttl`
 * as Go prints the requested duration, and `exclude_cn_from_sans` so that Vault does not add the
 * common name to the SANs. Every value is a string, as cert-manager sends them.
 */
import type { CertificateSpec } from '../../spec/types.js';

/** Go's time.Duration.String() for a whole number of milliseconds: `2160h0m0s`, `1h30m0s`, `45m0s`, `1.5s`, `500ms`. */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const secs = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${sign}${h}h${m}m${secs}`;
  if (m > 0) return `${sign}${m}m${secs}`;
  return `${sign}${secs}`;
}

/** The JSON body POSTed to `/v1/<spec.vault.path>`. */
export function vaultSignBody(csrPem: string, spec: CertificateSpec): Record<string, string> {
  return {
    common_name: spec.commonName ?? '',
    alt_names: spec.dnsNames.join(','),
    ip_sans: spec.ipAddresses.join(','),
    uri_sans: spec.uris.join(','),
    ttl: goDurationString(spec.durationMs),
    csr: csrPem,
    exclude_cn_from_sans: 'true',
  };
}
