/**
 * Prometheus text exposition format (0.0.4) for node_exporter's textfile collector. The
 * `certmanager_certificate_*` families copy cert-manager's names, HELP texts, label sets and value
 * conventions (pkg/metrics/certificates.go), so dashboards and alerts written for cert-manager,
 * e.g. `(certmanager_certificate_expiration_timestamp_seconds - time())/3600/24 < 20`, work on
 * certctl unchanged. Series are ordered as client_golang's registry orders them.
 *
 * certctl's own families:
 * - `certctl_last_run_timestamp_seconds` (gauge): when the run that wrote the file finished; alert
 *   on `time() - certctl_last_run_timestamp_seconds > 2 * <interval>` to catch a job that stopped.
 * - `certctl_last_run_duration_seconds` (gauge): how long it took, when given.
 * - `certctl_last_run_success` (gauge): 1 when no certificate failed in that run, else 0.
 * - `certctl_last_run_certificates{result}` (gauge): certificates per outcome in that run,
 *   result = renewed | failed | up_to_date | backing_off (all four always present).
 * - `certctl_certificate_failed_issuance_attempts{name,namespace,issuer_*}` (gauge): consecutive
 *   failed issuances (cert-manager's `status.failedIssuanceAttempts`), 0 after a success. A gauge,
 *   not a `_total` counter, because it resets on success; alert on `> 0` or `>= 3`.
 * - `certctl_certificate_last_failure_timestamp_seconds{...}` (gauge): the last failure, 0 if none.
 */

export type ReadyCondition = 'True' | 'False' | 'Unknown';

/** One Certificate as the metrics see it. */
export interface MetricCertificate {
  name: string;
  namespace: string;
  /** issuerRef fields verbatim (cert-manager exports `""` for an unset kind or group). */
  issuerName: string;
  issuerKind: string;
  issuerGroup: string;
  notAfter?: Date;
  renewalTime?: Date;
  /** The Ready condition's status; Unknown when never evaluated. */
  ready: ReadyCondition;
  failedIssuanceAttempts?: number;
  lastFailureTime?: Date;
}

/** The run that writes the file. */
export interface MetricRun {
  /** When the run finished (the file is written then), Unix seconds. */
  timestampSeconds: number;
  durationSeconds?: number;
  renewed: number;
  failures: number;
  upToDate?: number;
  backingOff?: number;
}

interface Sample {
  labels: [string, string][];
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Sample[];
}

/** cert-manager's `readyConditionStatuses`: one series per value, 1 for the current one. */
const READY_CONDITIONS: readonly ReadyCondition[] = ['True', 'False', 'Unknown'];

/** Renders all families; the result ends with a newline, as the textfile collector expects. */
export function renderMetrics(certs: readonly MetricCertificate[], run: MetricRun): string {
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, help, type, samples: [] });
  const expiry = fam('certmanager_certificate_expiration_timestamp_seconds', 'gauge', 'The date after which the certificate expires. Expressed as a Unix Epoch Time.');
  const renewal = fam('certmanager_certificate_renewal_timestamp_seconds', 'gauge', 'The number of seconds before expiration time the certificate should renew.');
  const ready = fam('certmanager_certificate_ready_status', 'gauge', 'The ready status of the certificate.');
  const attempts = fam('certctl_certificate_failed_issuance_attempts', 'gauge', 'Consecutive failed issuance attempts of the certificate; 0 after a success.');
  const lastFailure = fam('certctl_certificate_last_failure_timestamp_seconds', 'gauge', 'When issuing the certificate last failed, as a Unix Epoch Time; 0 if it has not.');

  for (const c of certs) {
    const base = certLabels(c);
    expiry.samples.push({ labels: base, value: epochSeconds(c.notAfter) });
    renewal.samples.push({ labels: base, value: epochSeconds(c.renewalTime) });
    for (const condition of READY_CONDITIONS) {
      ready.samples.push({ labels: [['condition', condition], ...base], value: c.ready === condition ? 1 : 0 });
    }
    attempts.samples.push({ labels: base, value: c.failedIssuanceAttempts ?? 0 });
    lastFailure.samples.push({ labels: base, value: epochSeconds(c.lastFailureTime) });
  }

  const runFams: Family[] = [
    { ...fam('certctl_last_run_timestamp_seconds', 'gauge', 'When the last certctl run finished, as a Unix Epoch Time.'), samples: [{ labels: [], value: run.timestampSeconds }] },
    { ...fam('certctl_last_run_success', 'gauge', '1 if no certificate failed in the last certctl run, else 0.'), samples: [{ labels: [], value: run.failures === 0 ? 1 : 0 }] },
    {
      ...fam('certctl_last_run_certificates', 'gauge', 'Certificates by outcome in the last certctl run.'),
      samples: (
        [
          ['renewed', run.renewed],
          ['failed', run.failures],
          ['up_to_date', run.upToDate ?? 0],
          ['backing_off', run.backingOff ?? 0],
        ] as const
      ).map(([result, value]) => ({ labels: [['result', result]] as [string, string][], value })),
    },
  ];
  if (run.durationSeconds !== undefined) {
    runFams.push({ ...fam('certctl_last_run_duration_seconds', 'gauge', 'How long the last certctl run took.'), samples: [{ labels: [], value: run.durationSeconds }] });
  }

  // As client_golang's registry: families without series are left out, the rest sorted by name.
  const families = [expiry, renewal, ready, attempts, lastFailure, ...runFams].filter((f) => f.samples.length > 0);
  families.sort((a, b) => compare(a.name, b.name));
  return families.map(renderFamily).join('');
}

/** Labels in client_golang's order (sorted by name); the ready family puts `condition` first, also by name. */
function certLabels(c: MetricCertificate): [string, string][] {
  return [
    ['issuer_group', c.issuerGroup],
    ['issuer_kind', c.issuerKind],
    ['issuer_name', c.issuerName],
    ['name', c.name],
    ['namespace', c.namespace],
  ];
}

function epochSeconds(d: Date | undefined): number {
  if (!d || Number.isNaN(d.getTime())) return 0; // cert-manager exports 0 for "not set"
  return Math.floor(d.getTime() / 1000);
}

function renderFamily(f: Family): string {
  const samples = [...f.samples].sort((a, b) => compareLabels(a.labels, b.labels));
  let out = `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
  let previous: string | undefined;
  for (const s of samples) {
    const labels = s.labels.length ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
    // A repeated series makes the textfile collector reject the whole file: keep the first.
    if (labels === previous) continue;
    previous = labels;
    out += `${f.name}${labels} ${formatValue(s.value)}\n`;
  }
  return out;
}

/** Exposition format: in label values, backslash, double quote and line feed are escaped. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** In HELP text only backslash and line feed are escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * Formats a sample value as client_golang does (Go's `strconv.FormatFloat(v, 'g', -1, 64)`):
 * the shortest digits that round-trip, in exponent form when the decimal exponent is below -4 or
 * at least 6, with two or more exponent digits; so a timestamp reads `2.208988804e+09`.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** client_golang sorts a family's series by their label values in label-name order. */
function compareLabels(a: [string, string][], b: [string, string][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i]![1], b[i]![1]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
