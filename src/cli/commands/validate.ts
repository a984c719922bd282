import { prepareRun } from '../../core/run.js';
import type { CliContext } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { openStore } from '../open-store.js';
import type { CommonFlags, Http01Flags } from '../options.js';
import { describeChallenges } from '../reporter.js';
import { http01OptionsFrom, inputPaths, namespaceFlag, selectorFlag } from '../settings.js';
import { print } from './certificates-run.js';
import { coreDepsForReading } from './read-only-deps.js';
import { firstAndMore } from '../../shared/first-and-more.js';

/**
 * `certctl validate`: everything `issue` checks before its first key, write or request — the
 * manifests, and every Secret they refer to that the inputs or the store hold — and nothing else.
 */
export async function validateCommand(ctx: CliContext, names: string[], flags: CommonFlags & Http01Flags): Promise<ExitCodeValue> {
  const paths = inputPaths(flags, ctx.env);
  const http01 = http01OptionsFrom(flags);
  const selector = selectorFlag(flags.selector);
  const clusterResourceNamespace = namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!;
  const manifests = await loadInputs(ctx, paths, namespaceFlag('--namespace', flags.namespace));
  for (const note of manifests.notes) ctx.note(note);
  const opened = await openStore(flags);
  try {
    const { plan } = await prepareRun(manifests, coreDepsForReading(ctx, opened.store, clusterResourceNamespace, http01), { names, selector, force: false });
    const order = plan.map((p) => `${p.certificate.metadata.namespace}/${p.certificate.metadata.name}`);
    if (flags.output === 'text') {
      ctx.out(`valid: ${manifests.certificates.length} Certificate(s), ${manifests.issuers.size} issuer(s), ${manifests.secrets.size} Secret(s); issue order: ${shortList(order)}\n`);
      for (const p of plan) if (p.challenges?.length) ctx.out(`  ${p.certificate.metadata.namespace}/${p.certificate.metadata.name}: ${describeChallenges(p.challenges)}\n`);
    } else {
      await print(ctx, flags, {
        apiVersion: 'certctl.io/v1',
        kind: 'ValidationResult',
        valid: true,
        counts: { certificates: manifests.certificates.length, issuers: manifests.issuers.size, secrets: manifests.secrets.size },
        issueOrder: order,
        certificates: plan.map((p) => ({ namespace: p.certificate.metadata.namespace, name: p.certificate.metadata.name, ...(p.challenges ? { challenges: p.challenges } : {}) })),
        notes: manifests.notes,
        errors: [],
      });
    }
    return ExitCode.Ok;
  } finally {
    opened.close();
  }
}

/** A fleet's issue order would be one 200 KB line: the text names the first few, `-o json` lists all. */
function shortList(names: string[], shown = 20): string {
  if (names.length === 0) return 'none';
  return names.length <= shown ? names.join(', ') : `${firstAndMore(names, shown)} (-o json lists all)`;
}
