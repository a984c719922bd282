import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inspectStored, type InspectReport } from '../../check/inspect/inspect-secret.js';
import { readCertificateDirectory } from '../../check/inspect/read-directory.js';
import { renderInspectText } from '../../check/inspect/render-inspect.js';
import { systemTrustStore, trustStoreFromPem } from '../../check/x509/trust-store.js';
import { parseGoDuration } from '../../spec/duration.js';
import type { CertificateResource } from '../../spec/types.js';
import { ExitCode, ExitError, type ExitCodeValue } from '../exit-codes.js';
import { openStore, type OpenedStore } from '../open-store.js';
import { parseNamespacedName } from '../../spec/names.js';
import type { CliContext } from '../context.js';
import type { StoreReadFlags } from '../options.js';

/** Flags of `certctl inspect`. */
export interface InspectFlags extends StoreReadFlags {
  caFile?: string;
  fetch: boolean;
  timeout: string;
}

/** One thing to inspect: a Secret in the store, or a directory or PEM file on disk. */
type Subject = { kind: 'secret'; namespace: string; name: string; certificate?: CertificateResource } | { kind: 'path'; path: string };

/**
 * `certctl inspect [SECRET|PATH...]`: what a stored certificate is, as `cmctl inspect secret`
 * shows it, plus its chain, key, owner and renewal. `NAMESPACE/NAME` (or `NAME` with -n) is read
 * from the store; a path (`./dir`, `/etc/tls`, a PEM file) from disk; with -f and no argument,
 * every Certificate's Secret. Exit 0 when everything was found, 1 when something was not.
 */
export async function inspectCommand(ctx: CliContext, args: string[], flags: InspectFlags): Promise<ExitCodeValue> {
  const timeout = parseGoDuration(flags.timeout);
  if (!timeout.ok || timeout.ms <= 0) throw new ExitError(ExitCode.InvalidInput, `error: --timeout: ${timeout.ok ? 'must be positive' : timeout.message}`);
  let certificates: CertificateResource[] = [];
  if (flags.filename) {
    // The manifest parser loads only when -f is given; a SpecError is reported by main.
    const { loadInputs } = await import('../inputs.js');
    certificates = (await loadInputs(ctx, flags.filename, flags.namespace)).certificates;
  }
  const subjects = args.length > 0 ? args.map((a) => subjectOf(a, flags.namespace, certificates)) : certificates.map((c) => ({ kind: 'secret' as const, namespace: c.metadata.namespace, name: c.spec.secretName, certificate: c }));
  if (subjects.length === 0) throw new ExitError(ExitCode.InvalidInput, 'error: name a Secret (NAMESPACE/NAME), a directory or PEM file, or give -f manifests');
  const trust = flags.caFile ? trustStoreFromPem(await readFile(flags.caFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ExitError(ExitCode.InvalidInput, `error: --ca-file ${flags.caFile}: ${err.code ?? err.message}`);
  }), resolve(flags.caFile)) : systemTrustStore();
  const needsStore = subjects.some((s) => s.kind === 'secret');
  const opened: OpenedStore | undefined = needsStore ? await openStore({ store: flags.store, outDir: flags.outDir, kubeconfig: flags.kubeconfig, context: flags.context, adopt: true }, undefined, ctx.heldLockTokens) : undefined;
  const reports: InspectReport[] = [];
  let missing = 0;
  try {
    for (const s of subjects) {
      const source = s.kind === 'secret' ? `Secret ${s.namespace}/${s.name}` : resolve(s.path);
      const stored = s.kind === 'secret' ? await opened!.store.read({ namespace: s.namespace, secretName: s.name }) : await readCertificateDirectory(resolve(s.path));
      if (!stored || (!stored.data.tlsCrt && !stored.data.tlsKey)) {
        ctx.warn(`error: ${source} not found${s.kind === 'secret' ? ` in ${opened!.where}` : ''}`);
        missing++;
        continue;
      }
      const certificate = s.kind === 'secret' ? s.certificate : undefined;
      reports.push(await inspectStored({ source, stored, ...(certificate ? { certificate } : {}) }, { trust, now: new Date(), fetch: flags.fetch, timeoutMs: timeout.ms }));
    }
  } finally {
    opened?.close();
  }
  if (flags.output === 'json') ctx.out(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'InspectReport', items: reports }, null, 2)}\n`);
  else ctx.out(reports.map(renderInspectText).join('\n---\n\n'));
  return missing > 0 ? ExitCode.CertificateFailed : ExitCode.Ok;
}

function subjectOf(arg: string, namespace: string | undefined, certificates: CertificateResource[]): Subject {
  const ref = parseNamespacedName(arg);
  if (!ref) return { kind: 'path', path: arg };
  const ns = ref.namespace ?? namespace ?? 'default';
  const name = ref.name;
  const certificate = certificates.find((c) => c.metadata.namespace === ns && c.spec.secretName === name);
  return { kind: 'secret', namespace: ns, name, ...(certificate ? { certificate } : {}) };
}
