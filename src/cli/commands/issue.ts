import { resolve } from 'node:path';
import { runIssue } from '../../core/run-issue.js';
import { SpecError } from '../../spec/errors.js';
import { FileStore } from '../../stores/files.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { renderEvent, renderResult, summarize } from '../reporter.js';
import { faultHook } from '../fault.js';
import type { Dns01Flags } from '../dns01-flags.js';
import { dns01OptionsFrom } from '../dns01-options-from.js';
import { printSpecError } from '../spec-error-output.js';

export interface IssueOptions extends Dns01Flags {
  filename: string[];
  namespace?: string;
  clusterResourceNamespace: string;
  outDir: string;
  force: boolean;
  output: 'text' | 'json';
}

/** `certctl issue`: load, plan, issue what is due, report. Returns the exit code. */
export async function issueCommand(names: string[], opts: IssueOptions): Promise<ExitCodeValue> {
  const outDir = resolve(opts.outDir);
  const dns01 = dns01OptionsFrom(opts);
  const fault = faultHook(process.env.CERTCTL_FAULT);
  const store = new FileStore({ root: outDir, fault });
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    received = sig;
    process.stderr.write(`certctl: ${sig} received, stopping after cleanup\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const manifests = await loadInputs(opts.filename, opts.namespace);
    for (const note of manifests.notes) process.stderr.write(`certctl: ${note}\n`);
    const results = await runIssue(manifests, {
      store,
      dns01,
      env: process.env,
      clusterResourceNamespace: opts.clusterResourceNamespace,
      forced: opts.force,
      names,
      now: () => new Date(),
      emit: (e) => process.stderr.write(`${renderEvent(e)}\n`),
      signal: controller.signal,
      fault,
    });
    const summary = summarize(results);
    if (opts.output === 'json') {
      process.stdout.write(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'IssueResult', outDir, certificates: results, summary }, null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${renderResult(r)}\n`);
      process.stderr.write(`certctl: ${summary.issued} issued, ${summary.upToDate} up to date, ${summary.failed} failed (${outDir})\n`);
    }
    if (received) return received === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    return summary.failed > 0 ? ExitCode.CertificateFailed : ExitCode.Ok;
  } catch (err) {
    if (err instanceof SpecError) return printSpecError(err, opts.output);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
