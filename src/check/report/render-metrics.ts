/**
 * `--metrics-file`: the check as Prometheus text (node_exporter textfile collector). The
 * `probe_*` families carry the blackbox exporter's names and meanings, so alerts written for it
 * work on these series, e.g. `(probe_ssl_earliest_cert_expiry - time()) / 86400 < 14`; each
 * series gets a `target` label because one file holds every target. certctl's own families:
 *
 * - `certctl_check_state{target}`: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the exit code's meaning).
 * - `certctl_check_name_match{target}`: 1 when the certificate is valid for the name checked.
 * - `certctl_check_ocsp_stapled{target}`: 1 when the server stapled an OCSP response.
 * - `certctl_check_ocsp_status{target,source}`: 0 good, 1 revoked, 2 unknown, from `stapled` or `responder`.
 * - `certctl_check_ocsp_response_valid{target,source}`: 1 when that response is signed, current and about this certificate.
 * - `certctl_check_ocsp_next_update_timestamp_seconds{target,source}`: when that response expires.
 * - `certctl_check_revoked{target}`: 1 revoked, 0 not revoked (absent when it could not be determined).
 * - `certctl_check_served_matches_stored{target,secret}`: 1 when the served leaf is the stored one.
 * - `certctl_check_timestamp_seconds`: when the check ran; alert when it stops being updated.
 */
import { escapeLabelValue, formatValue } from '../../metrics/prometheus.js';
import type { OcspVerdict } from '../revocation/ocsp-verify.js';
import { NAGIOS_EXIT } from './state.js';
import type { CheckReport, TargetReport } from './types.js';

type Labels = [string, string][];

interface Family {
  name: string;
  help: string;
  samples: { labels: Labels; value: number }[];
}

const TLS_VERSIONS: Readonly<Record<string, string>> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
const OCSP_CODES: Readonly<Record<string, number>> = { good: 0, revoked: 1, unknown: 2 };

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** Renders the report; the text ends with a newline. */
export function renderCheckMetrics(report: CheckReport): string {
  const families = new Map<string, Family>();
  const add = (name: string, help: string, labels: Labels, value: number): void => {
    const f = families.get(name) ?? { name, help, samples: [] };
    f.samples.push({ labels: [...labels].sort((a, b) => (a[0] < b[0] ? -1 : 1)), value });
    families.set(name, f);
  };
  for (const t of report.targets) addTarget(t, add);
  add('certctl_check_timestamp_seconds', 'When certctl check ran, as a Unix Epoch Time.', [], seconds(report.checkedAt));
  return [...families.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} gauge\n${f.samples.map((s) => `${f.name}${labelText(s.labels)} ${formatValue(s.value)}`).join('\n')}\n`)
    .join('');
}

function labelText(labels: Labels): string {
  return labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
}

function addTarget(t: TargetReport, add: (name: string, help: string, labels: Labels, value: number) => void): void {
  const target: Labels = [['target', t.target]];
  add('certctl_check_state', 'State of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.', target, NAGIOS_EXIT[t.state]);
  const verified = Boolean(t.chain?.verified && t.name?.matches);
  add('probe_success', 'Displays whether or not the probe was a success', target, verified ? 1 : 0);
  if (!t.chain || !t.connection) return;
  const served = t.chain.served;
  add('probe_ssl_earliest_cert_expiry', 'Returns earliest SSL cert expiry date', target, Math.min(...served.map((c) => seconds(c.notAfter))));
  if (t.chain.verified) {
    const onChain = served.filter((c) => c.role === 'leaf' || c.role === 'intermediate').map((c) => seconds(c.notAfter));
    for (const n of t.chain.notServed) onChain.push(seconds(n.notAfter));
    if (t.chain.anchor) onChain.push(seconds(t.chain.anchor.notAfter));
    add('probe_ssl_last_chain_expiry_timestamp_seconds', 'Returns last SSL chain expiry timestamp', target, Math.min(...onChain));
  }
  const leaf = served[0]!;
  add('probe_ssl_last_chain_info', 'Contains SSL leaf certificate information', [...target, ['fingerprint_sha256', leaf.fingerprintSha256], ['subject', leaf.subject], ['issuer', leaf.issuer], ['subjectalternative', leaf.dnsNames.join(',')], ['serialnumber', leaf.serial]], 1);
  add('probe_tls_version_info', 'Contains TLS version information', [...target, ['version', TLS_VERSIONS[t.connection.protocol] ?? 'unknown']], 1);
  add('probe_tls_cipher_info', 'Contains TLS cipher information', [...target, ['cipher', t.connection.cipher]], 1);
  if (t.name) add('certctl_check_name_match', 'Whether the certificate is valid for the name checked.', target, t.name.matches ? 1 : 0);
  const r = t.revocation;
  if (r) {
    add('certctl_check_ocsp_stapled', 'Whether the server stapled an OCSP response.', target, r.staple ? 1 : 0);
    const ocsp = (source: string, v: OcspVerdict | undefined): void => {
      if (!v?.status) return;
      const labels: Labels = [...target, ['source', source]];
      add('certctl_check_ocsp_status', 'OCSP status of the certificate: 0 good, 1 revoked, 2 unknown.', labels, OCSP_CODES[v.status]!);
      add('certctl_check_ocsp_response_valid', 'Whether the OCSP response is signed, current and about this certificate.', labels, v.problems.length === 0 ? 1 : 0);
      if (v.nextUpdate) add('certctl_check_ocsp_next_update_timestamp_seconds', 'When the OCSP response expires (nextUpdate), as a Unix Epoch Time.', labels, seconds(v.nextUpdate));
    };
    ocsp('stapled', r.staple);
    ocsp('responder', r.ocsp);
    if (r.status === 'good' || r.status === 'revoked') add('certctl_check_revoked', 'Whether the certificate is revoked (absent when unknown).', target, r.status === 'revoked' ? 1 : 0);
    if (r.crl?.status) {
      const labels: Labels = [...target, ['chain_pos', '0'], ['crl_url', r.crl.url]];
      add('probe_ssl_crl_revoked', 'Whether the certificate appears on its CRL (0/1)', labels, r.crl.status === 'revoked' ? 1 : 0);
      if (r.crl.nextUpdate) add('probe_ssl_crl_next_update_timestamp_seconds', 'CRL nextUpdate as a Unix timestamp in seconds', labels, seconds(r.crl.nextUpdate));
    }
  }
  if (t.stored) add('certctl_check_served_matches_stored', 'Whether the served certificate is the one the store holds.', [...target, ['secret', t.stored.secret]], t.stored.match ? 1 : 0);
}
