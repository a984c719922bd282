import type { CoreDeps } from '../../core/run.js';
import { DEFAULT_DNS01_OPTIONS } from '../../dns/dns01-options.js';
import type { CertificateStore } from '../../stores/store.js';
import type { CliContext } from '../context.js';

/** Core dependencies for commands that only read (status, validate): no DNS, nothing to run. */
export function coreDepsForReading(ctx: CliContext, store: CertificateStore, clusterResourceNamespace: string): CoreDeps {
  return {
    store,
    clock: () => new Date(),
    emit: ctx.event,
    random: Math.random,
    env: ctx.env,
    dns01: { ...DEFAULT_DNS01_OPTIONS, recursiveNameservers: [] },
    clusterResourceNamespace,
    runCommand: ctx.runCommand,
  };
}
