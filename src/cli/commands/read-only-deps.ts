import type { CoreDeps } from '../../core/run.js';
import { DEFAULT_DNS01_OPTIONS } from '../../dns/dns01-options.js';
import type { Http01Options } from '../../issuers/acme/http01/http01-options.js';
import type { CertificateStore } from '../../stores/store.js';
import type { CliContext } from '../context.js';

/**
 * Core dependencies for commands that only read (status, validate): no DNS, nothing to run.
 * `validate` passes its `--http01-*` flags (an http01 solver must have a way to be answered);
 * `status` none.
 */
export function coreDepsForReading(ctx: CliContext, store: CertificateStore, clusterResourceNamespace: string, http01?: Http01Options): CoreDeps {
  return {
    ...(http01 ? { http01 } : {}),
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
