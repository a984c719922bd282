import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { certificateForName } from '../../check/certificate-for-name.js';
import { renderCheckMetrics } from '../../check/report/render-metrics.js';
import { renderCheckText } from '../../check/report/render-text.js';
import { NAGIOS_EXIT } from '../../check/report/state.js';
import { checkThresholdOrder, parseThreshold, type Threshold } from '../../check/report/thresholds.js';
import { runCheck } from '../../check/run-check.js';
import type { StoredInput } from '../../check/stored-comparison.js';
import { parseTarget, type CheckTarget } from '../../check/target.js';
import type { StartTlsProtocol } from '../../check/starttls/index.js';
import { systemTrustStore, trustStoreFromPem } from '../../check/x509/trust-store.js';
import { splitPem, toPem } from '../../pki/pem.js';
import { parseGoDuration } from '../../spec/duration.js';
import { SpecError, formatIssue } from '../../spec/errors.js';
import type { CertificateResource } from '../../spec/types.js';
import { replaceFile } from '../../stores/fs-atomic.js';
import { ExitError, type ExitCodeValue } from '../exit-codes.js';
import type { CliContext } from '../context.js';
import type { StoreReadFlags } from '../options.js';
import { parseNamespacedName } from '../../spec/names.js';
import { openStore, type OpenedStore } from '../open-store.js';

/** Flags of `certctl check`. */
export interface CheckFlags extends StoreReadFlags {
  servername?: string;
  starttls?: StartTlsProtocol;
  ipv4?: boolean;
  ipv6?: boolean;
  timeout: string;
  caFile?: string;
  warning: string;
  critical: string;
  fetch: boolean;
  expectSecret?: string;
  metricsFile?: string;
  concurrency: string;
}

/** A usage problem: Nagios plugins exit UNKNOWN (3) on bad arguments, not CRITICAL. */
function usage(message: string): ExitError {
  return new ExitError(NAGIOS_EXIT.UNKNOWN, `error: ${message}`);
}

/** `certctl check TARGET...`: what servers serve, as a monitoring check (exit 0/1/2/3). */
export async function checkCommand(ctx: CliContext, inputs: string[], flags: CheckFlags): Promise<ExitCodeValue> {
  if (flags.ipv4 && flags.ipv6) throw usage('-4 and -6 exclude each other');
  if (flags.expectSecret && flags.filename) throw usage('--expect-secret and -f exclude each other (-f finds the Secret from the Certificate)');
  const timeout = parseGoDuration(flags.timeout);
  if (!timeout.ok || timeout.ms <= 0) throw usage(`--timeout: ${timeout.ok ? 'must be positive' : timeout.message}`);
  const warning = threshold('--warning', flags.warning);
  const critical = threshold('--critical', flags.critical);
  try {
    checkThresholdOrder(warning, critical);
  } catch (err) {
    throw usage((err as Error).message);
  }
  // Same rule and words as settings' concurrencyFlag, but exit 3 (Nagios UNKNOWN), and without
  // loading settings.ts, which brings the issuers' option modules into a command that needs none.
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw usage(`--concurrency: expected 1..64, got ${flags.concurrency}`);
  let targets: CheckTarget[];
  try {
    targets = inputs.map((t) => parseTarget(t, { starttls: flags.starttls, servername: flags.servername }));
  } catch (err) {
    throw usage((err as Error).message);
  }
  const caPem = flags.caFile ? await readCaFile(flags.caFile) : undefined;
  const trust = caPem ? trustStoreFromPem(caPem.join(''), resolve(flags.caFile!)) : systemTrustStore();
  const stored = await storedSource(ctx, flags);
  const interrupts = ctx.trapInterrupts();
  try {
    const report = await runCheck({
      targets,
      ...(flags.ipv4 ? { family: 4 as const } : flags.ipv6 ? { family: 6 as const } : {}),
      timeoutMs: timeout.ms,
      trust,
      ...(caPem ? { caPem } : {}),
      warning,
      critical,
      fetch: flags.fetch,
      clientName: hostname() || 'localhost',
      now: () => new Date(),
      concurrency,
      signal: interrupts.signal,
      ...(stored ? { stored: stored.read } : {}),
    });
    if (flags.metricsFile) await replaceFile(resolve(flags.metricsFile), renderCheckMetrics(report), 0o644);
    ctx.out(flags.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderCheckText(report));
    return interrupts.exitCode() ?? NAGIOS_EXIT[report.state];
  } finally {
    interrupts.release();
    stored?.close();
  }
}

function threshold(flag: string, text: string): Threshold {
  try {
    return parseThreshold(text);
  } catch (err) {
    throw usage(`${flag}: ${(err as Error).message}`);
  }
}

async function readCaFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw usage(`--ca-file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let blocks;
  try {
    blocks = splitPem(text).filter((b) => b.type === 'CERTIFICATE');
  } catch (err) {
    throw usage(`--ca-file ${path}: ${(err as Error).message}`);
  }
  if (blocks.length === 0) throw usage(`--ca-file ${path}: no PEM certificate in it`);
  return blocks.map((b) => toPem('CERTIFICATE', b.der));
}

/**
 * Where the expected certificate comes from: `--expect-secret NS/NAME`, or the Secret of the
 * Certificate in `-f` manifests whose names cover the target. The store is opened read-only
 * (adopt: a Secret cert-manager wrote may be compared too; nothing is written).
 */
async function storedSource(ctx: CliContext, flags: CheckFlags): Promise<{ read: (t: CheckTarget) => Promise<StoredInput | undefined>; close(): void } | undefined> {
  if (!flags.expectSecret && !flags.filename) return undefined;
  let certificates: CertificateResource[] = [];
  let fixed: { namespace: string; secretName: string } | undefined;
  if (flags.expectSecret) {
    const ref = parseNamespacedName(flags.expectSecret);
    if (!ref) throw usage(`--expect-secret: expected NAMESPACE/NAME (or NAME with -n), got ${JSON.stringify(flags.expectSecret)}`);
    fixed = { namespace: ref.namespace ?? flags.namespace ?? 'default', secretName: ref.name };
  } else {
    try {
      // The manifest parser loads only when -f is given.
      const { loadInputs } = await import('../inputs.js');
      certificates = (await loadInputs(ctx, flags.filename!, flags.namespace)).certificates;
    } catch (err) {
      if (err instanceof SpecError) throw usage(err.issues.map(formatIssue).join('\n'));
      throw err;
    }
  }
  let opened: OpenedStore;
  try {
    opened = await openStore({ store: flags.store, outDir: flags.outDir, kubeconfig: flags.kubeconfig, context: flags.context, adopt: true }, undefined, ctx.heldLockTokens);
  } catch (err) {
    throw new ExitError(NAGIOS_EXIT.UNKNOWN, `error: cannot open the ${flags.store} store: ${(err as Error).message}`);
  }
  const read = async (t: CheckTarget): Promise<StoredInput | undefined> => {
    let target = fixed;
    let certificate: string | undefined;
    if (!target) {
      const name = t.servername ?? t.host;
      const c = certificateForName(certificates, name);
      if (!c) return { secret: '-', error: `no Certificate in the manifests is for ${name}` };
      target = { namespace: c.metadata.namespace, secretName: c.spec.secretName };
      certificate = `${c.metadata.namespace}/${c.metadata.name}`;
    }
    const secret = `${target.namespace}/${target.secretName}`;
    try {
      const s = await opened.store.read(target);
      return { secret, ...(certificate ? { certificate } : {}), location: s?.location ?? opened.where, ...(s?.data.tlsCrt ? { tlsCrt: s.data.tlsCrt } : {}) };
    } catch (err) {
      return { secret, ...(certificate ? { certificate } : {}), error: (err as Error).message };
    }
  };
  return { read, close: () => opened.close() };
}
