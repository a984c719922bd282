import type { CliContext } from '../context.js';
import { usage, type ExitCodeValue } from '../exit-codes.js';
import type { CommonFlags, Dns01Flags, Http01Flags, WriteFlags } from '../options.js';
import { concurrencyFlag, dns01OptionsFrom, durationFlag, http01OptionsFrom, inputPaths, namespaceFlag, selectorFlag } from '../settings.js';
import { runCertificatesCommand } from './certificates-run.js';
import { fleetSettings, type FleetFlags } from '../fleet-options.js';

export interface IssueFlags extends CommonFlags, Dns01Flags, Http01Flags, WriteFlags, FleetFlags {
  includePrivateKey: boolean;
}

/** `certctl issue`: issue what is missing, changed or due (or everything named, with --force), and write it. */
export async function issueCommand(ctx: CliContext, names: string[], flags: IssueFlags): Promise<ExitCodeValue> {
  if (flags.store === 'none') {
    if (flags.output === 'text') throw usage('--store none prints the Secret manifests: use -o yaml (the default for it is text, which cannot carry them) or -o json');
    if (!flags.includePrivateKey) throw usage('the printed Secrets hold private keys: add --include-private-key to print them (and keep the output out of logs and unencrypted repositories)');
  }
  const interrupts = ctx.trapInterrupts();
  try {
    const report = await runCertificatesCommand(
      ctx,
      {
        command: 'issue',
        paths: inputPaths(flags, ctx.env),
        names,
        selector: selectorFlag(flags.selector),
        namespace: namespaceFlag('--namespace', flags.namespace),
        clusterResourceNamespace: namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!,
        force: flags.force,
        concurrency: concurrencyFlag(flags.concurrency),
        lockWaitMs: durationFlag('--lock-timeout', flags.lockTimeout, { allowZero: true }),
        jitterMs: 0,
        dns01: dns01OptionsFrom(flags),
        http01: http01OptionsFrom(flags),
        store: flags,
        output: flags.output,
        includePrivateKey: flags.includePrivateKey,
        fleet: fleetSettings(flags, ctx.env),
      },
      interrupts,
    );
    const accounts = report.opened?.memory?.manifests().filter((m) => m.type === 'Opaque') ?? [];
    for (const a of accounts) {
      ctx.warn(
        `warning: --store none keeps nothing: a new ACME account key was generated in Secret ${a.metadata.namespace}/${a.metadata.name} and exists only in the output above. ` +
          'Apply or save that Secret and pass it back with -f next time, or every run registers a new ACME account (see README "Printing Secrets instead of storing them").',
      );
    }
    return report.code;
  } finally {
    interrupts.release();
  }
}
