import { planIssuance } from '../../core/plan.js';
import { SpecError } from '../../spec/errors.js';
import { openStore } from '../open-store.js';
import type { StoreFlags } from '../store-flags.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { printSpecError } from '../spec-error-output.js';

export interface ValidateOptions extends StoreFlags {
  filename: string[];
  namespace?: string;
  clusterResourceNamespace: string;
}

/** `certctl validate`: everything `issue` checks before its first key or request, and nothing else. */
export async function validateCommand(opts: ValidateOptions): Promise<ExitCodeValue> {
  try {
    const manifests = await loadInputs(opts.filename, opts.namespace);
    for (const note of manifests.notes) process.stderr.write(`certctl: ${note}\n`);
    const opened = await openStore(opts);
    const plan = await planIssuance(manifests, opened.store, opts).finally(() => opened.close());
    process.stdout.write(
      `valid: ${manifests.certificates.length} Certificate(s), ${manifests.issuers.size} issuer(s), ${manifests.secrets.size} Secret(s); issue order: ${plan.map((p) => p.certificate.metadata.name).join(', ') || 'none'}\n`,
    );
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof SpecError) return printSpecError(err, 'text');
    throw err;
  }
}
