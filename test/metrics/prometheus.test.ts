import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLabelValue, formatValue, renderMetrics } from '../../src/metrics/prometheus.js';
import type { MetricCertificate } from '../../src/metrics/prometheus.js';

const certs: MetricCertificate[] = [
  {
    name: 'web',
    namespace: 'prod',
    issuerName: 'letsencrypt',
    issuerKind: 'ClusterIssuer',
    issuerGroup: 'cert-manager.io',
    notAfter: new Date(2208988804 * 1000),
    renewalTime: new Date(2206396804 * 1000 + 999),
    ready: 'True',
  },
  {
    name: 'api',
    namespace: 'prod',
    issuerName: 'ca',
    issuerKind: '',
    issuerGroup: '',
    ready: 'False',
    failedIssuanceAttempts: 3,
    lastFailureTime: new Date(1767225600 * 1000),
  },
];

/** The whole file for the fixture, byte for byte (labels, order, number format as cert-manager's client_golang writes them). */
const EXPECTED = `# HELP certctl_certificate_failed_issuance_attempts Consecutive failed issuance attempts of the certificate; 0 after a success.
# TYPE certctl_certificate_failed_issuance_attempts gauge
certctl_certificate_failed_issuance_attempts{issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 3
certctl_certificate_failed_issuance_attempts{issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 0
# HELP certctl_certificate_last_failure_timestamp_seconds When issuing the certificate last failed, as a Unix Epoch Time; 0 if it has not.
# TYPE certctl_certificate_last_failure_timestamp_seconds gauge
certctl_certificate_last_failure_timestamp_seconds{issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 1.7672256e+09
certctl_certificate_last_failure_timestamp_seconds{issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 0
# HELP certctl_last_run_certificates Certificates by outcome in the last certctl run.
# TYPE certctl_last_run_certificates gauge
certctl_last_run_certificates{result="backing_off"} 0
certctl_last_run_certificates{result="failed"} 1
certctl_last_run_certificates{result="renewed"} 1
certctl_last_run_certificates{result="up_to_date"} 0
# HELP certctl_last_run_duration_seconds How long the last certctl run took.
# TYPE certctl_last_run_duration_seconds gauge
certctl_last_run_duration_seconds 12.5
# HELP certctl_last_run_success 1 if no certificate failed in the last certctl run, else 0.
# TYPE certctl_last_run_success gauge
certctl_last_run_success 0
# HELP certctl_last_run_timestamp_seconds When the last certctl run finished, as a Unix Epoch Time.
# TYPE certctl_last_run_timestamp_seconds gauge
certctl_last_run_timestamp_seconds 1.7672256e+09
# HELP certmanager_certificate_expiration_timestamp_seconds The date after which the certificate expires. Expressed as a Unix Epoch Time.
# TYPE certmanager_certificate_expiration_timestamp_seconds gauge
certmanager_certificate_expiration_timestamp_seconds{issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 0
certmanager_certificate_expiration_timestamp_seconds{issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 2.208988804e+09
# HELP certmanager_certificate_ready_status The ready status of the certificate.
# TYPE certmanager_certificate_ready_status gauge
certmanager_certificate_ready_status{condition="False",issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 1
certmanager_certificate_ready_status{condition="False",issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 0
certmanager_certificate_ready_status{condition="True",issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 0
certmanager_certificate_ready_status{condition="True",issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 1
certmanager_certificate_ready_status{condition="Unknown",issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 0
certmanager_certificate_ready_status{condition="Unknown",issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 0
# HELP certmanager_certificate_renewal_timestamp_seconds The number of seconds before expiration time the certificate should renew.
# TYPE certmanager_certificate_renewal_timestamp_seconds gauge
certmanager_certificate_renewal_timestamp_seconds{issuer_group="",issuer_kind="",issuer_name="ca",name="api",namespace="prod"} 0
certmanager_certificate_renewal_timestamp_seconds{issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="letsencrypt",name="web",namespace="prod"} 2.206396804e+09
`;

test('the exact output for a fixture', () => {
  const out = renderMetrics(certs, { timestampSeconds: 1767225600, durationSeconds: 12.5, renewed: 1, failures: 1 });
  assert.equal(out, EXPECTED);
});

test("cert-manager's own test case renders the lines cert-manager's test expects", () => {
  // pkg/metrics/certificates_test.go, "certificate with expiry and ready status".
  const out = renderMetrics(
    [{ name: 'test-certificate', namespace: 'test-ns', issuerName: 'test-issuer', issuerKind: 'test-issuer-kind', issuerGroup: 'test-issuer-group', notAfter: new Date(2208988804 * 1000), ready: 'True' }],
    { timestampSeconds: 0, renewed: 0, failures: 0 },
  );
  const want = [
    '# HELP certmanager_certificate_expiration_timestamp_seconds The date after which the certificate expires. Expressed as a Unix Epoch Time.',
    '# TYPE certmanager_certificate_expiration_timestamp_seconds gauge',
    'certmanager_certificate_expiration_timestamp_seconds{issuer_group="test-issuer-group",issuer_kind="test-issuer-kind",issuer_name="test-issuer",name="test-certificate",namespace="test-ns"} 2.208988804e+09',
    '# HELP certmanager_certificate_renewal_timestamp_seconds The number of seconds before expiration time the certificate should renew.',
    'certmanager_certificate_renewal_timestamp_seconds{issuer_group="test-issuer-group",issuer_kind="test-issuer-kind",issuer_name="test-issuer",name="test-certificate",namespace="test-ns"} 0',
    '# HELP certmanager_certificate_ready_status The ready status of the certificate.',
    'certmanager_certificate_ready_status{condition="False",issuer_group="test-issuer-group",issuer_kind="test-issuer-kind",issuer_name="test-issuer",name="test-certificate",namespace="test-ns"} 0',
    'certmanager_certificate_ready_status{condition="True",issuer_group="test-issuer-group",issuer_kind="test-issuer-kind",issuer_name="test-issuer",name="test-certificate",namespace="test-ns"} 1',
    'certmanager_certificate_ready_status{condition="Unknown",issuer_group="test-issuer-group",issuer_kind="test-issuer-kind",issuer_name="test-issuer",name="test-certificate",namespace="test-ns"} 0',
  ];
  const lines = out.split('\n');
  for (const line of want) assert.ok(lines.includes(line), `missing: ${line}`);
});

/** A tiny parser for the exposition format: enough to evaluate the users' alert by hand. */
function parseSeries(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

test("the users' alert `(certmanager_certificate_expiration_timestamp_seconds - time())/3600/24 < 20` works on the output", () => {
  const now = Date.UTC(2026, 0, 1) / 1000;
  const out = renderMetrics(
    [
      { name: 'soon', namespace: 'a', issuerName: 'le', issuerKind: 'Issuer', issuerGroup: 'cert-manager.io', notAfter: new Date((now + 10 * 86400) * 1000), ready: 'True' },
      { name: 'later', namespace: 'a', issuerName: 'le', issuerKind: 'Issuer', issuerGroup: 'cert-manager.io', notAfter: new Date((now + 60 * 86400) * 1000), ready: 'True' },
    ],
    { timestampSeconds: now, renewed: 0, failures: 0 },
  );
  const expiry = parseSeries(out).filter((s) => s.name === 'certmanager_certificate_expiration_timestamp_seconds');
  assert.deepEqual(Object.keys(expiry[0]!.labels).sort(), ['issuer_group', 'issuer_kind', 'issuer_name', 'name', 'namespace']);
  const firing = expiry.filter((s) => (s.value - now) / 3600 / 24 < 20).map((s) => s.labels.name);
  assert.deepEqual(firing, ['soon']);
  // cert-manager's not-ready alert: certmanager_certificate_ready_status{condition!="True"} == 1
  const notReady = parseSeries(out).filter((s) => s.name === 'certmanager_certificate_ready_status' && s.labels.condition !== 'True' && s.value === 1);
  assert.deepEqual(notReady, []);
});

test('label values are escaped: backslash, double quote, newline', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  const out = renderMetrics([{ name: 'we"ird\\name\n', namespace: 'ns', issuerName: 'i', issuerKind: 'Issuer', issuerGroup: '', ready: 'Unknown' }], {
    timestampSeconds: 1,
    renewed: 0,
    failures: 0,
  });
  assert.match(out, /name="we\\"ird\\\\name\\n"/);
  assert.ok(out.split('\n').every((l) => l === '' || l.startsWith('#') || /^[a-z_]+(\{.*\})? \S+$/.test(l)));
  const parsed = parseSeries(out).find((s) => s.name === 'certmanager_certificate_ready_status' && s.labels.condition === 'Unknown');
  assert.equal(parsed?.labels.name, 'we"ird\\name\n');
  assert.equal(parsed?.value, 1);
});

test('numbers are formatted like Go strconv.FormatFloat(v, g, -1, 64)', () => {
  const cases: [number, string][] = [
    [0, '0'], [1, '1'], [100, '100'], [99999, '99999'], [123456, '123456'], [1234567, '1.234567e+06'], [1e6, '1e+06'],
    [12.5, '12.5'], [0.0001, '0.0001'], [0.00001, '1e-05'], [-2, '-2'], [2208988804, '2.208988804e+09'], [1.5e300, '1.5e+300'],
    [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
  ];
  for (const [v, s] of cases) assert.equal(formatValue(v), s, String(v));
});

test('no certificates: only the run families; duplicate series are written once', () => {
  const empty = renderMetrics([], { timestampSeconds: 5, renewed: 0, failures: 0 });
  assert.doesNotMatch(empty, /certmanager_/);
  assert.match(empty, /^certctl_last_run_success 1$/m);
  assert.match(empty, /^certctl_last_run_timestamp_seconds 5$/m);
  const dup = renderMetrics([certs[0]!, certs[0]!], { timestampSeconds: 5, renewed: 0, failures: 0 });
  assert.equal(dup.match(/^certmanager_certificate_expiration_timestamp_seconds\{/gm)?.length, 1);
  assert.equal(dup.match(/^certmanager_certificate_ready_status\{/gm)?.length, 3);
  assert.ok(dup.endsWith('\n'));
});
