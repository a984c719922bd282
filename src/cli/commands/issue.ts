import { runIssue } from '../../core/run-issue.js';
import { secretsToWrite } from '../../core/store-targets.js';
import { SpecError } from '../../spec/errors.js';
import { ExitCode, ExitError, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { renderEvent, renderResult, summarize } from '../reporter.js';
import { faultHook } from '../fault.js';
import type { Dns01Flags } from '../dns01-flags.js';
import { dns01OptionsFrom } from '../dns01-options-from.js';
import { openStore } from '../open-store.js';
import type { StoreFlags } from '../store-flags.js';
import { printSpecError } from '../spec-error-output.js';
import { trapInterrupts } from '../interrupts.js';

export interface IssueOptions extends Dns01Flags, StoreFlags {
  filename: string[];
  namespace?: string;
  clusterResourceNamespace: string;
  force: boolean;
  output: 'text' | 'json' | 'yaml';
  includePrivateKey: boolean;
  concurrency: string;
}

/** `certctl issue`: load, plan, issue what is due, report. Returns the exit code. */
export async function issueCommand(names: string[], opts: IssueOptions): Promise<ExitCodeValue> {
  if ((opts.output === 'yaml') !== (opts.store === 'none')) {
    throw new ExitError(ExitCode.InvalidInput, '-o yaml and --store none go together: the Secret manifests are printed instead of stored');
  }
  if (opts.store === 'none' && !opts.includePrivateKey) {
    throw new ExitError(ExitCode.InvalidInput, 'the printed Secrets hold private keys: add --include-private-key to print them (and keep the output out of logs and unencrypted repositories)');
  }
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ExitError(ExitCode.InvalidInput, `--concurrency: expected 1..64, got ${opts.concurrency}`);
  const dns01 = dns01OptionsFrom(opts);
  const interrupts = trapInterrupts();
  const fault = faultHook(process.env.CERTCTL_FAULT);
  let manifests;
  try {
    manifests = await loadInputs(opts.filename, opts.namespace);
  } catch (err) {
    interrupts.release();
    if (err instanceof SpecError) return printSpecError(err, opts.output === 'json' ? 'json' : 'text');
    throw err;
  }
  const opened = await openStore(opts, fault);
  try {
    for (const note of manifests.notes) process.stderr.write(`certctl: ${note}\n`);
    await opened.preflight(secretsToWrite(manifests, opts.clusterResourceNamespace));
    const results = await runIssue(manifests, {
      store: opened.store,
      dns01,
      env: process.env,
      clusterResourceNamespace: opts.clusterResourceNamespace,
      forced: opts.force,
      names,
      now: () => new Date(),
      emit: (e) => process.stderr.write(`${renderEvent(e)}\n`),
      signal: interrupts.signal,
      fault,
      concurrency,
      serviceAccountToken: opened.serviceAccountToken,
    });
    const summary = summarize(results);
    if (opts.output === 'yaml') {
      const { stringify } = await import('yaml');
      for (const m of opened.memory!.manifests()) process.stdout.write(`---\n${stringify(m, { lineWidth: 0 })}`);
    } else if (opts.output === 'json') {
      process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'IssueResult', store: opened.where, certificates: results, summary }, null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${renderResult(r)}\n`);
    }
    if (opts.output !== 'json') process.stderr.write(`certctl: ${summary.issued} issued, ${summary.upToDate} up to date, ${summary.failed} failed (${opened.where})\n`);
    const interrupted = interrupts.exitCode();
    if (interrupted) return interrupted;
    return summary.failed > 0 ? ExitCode.CertificateFailed : ExitCode.Ok;
  } catch (err) {
    if (err instanceof SpecError) return printSpecError(err, opts.output === 'json' ? 'json' : 'text');
    throw err;
  } finally {
    opened.close();
    interrupts.release();
  }
}
