import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { revokeCertificate, type RevokeOutcome } from '../../core/revoke.js';
import { resolveRevocation } from '../../core/revoke-target.js';
import { parseRevocationReason } from '../../pki/revocation-reasons.js';
import { accountAdminDeps, acmeCommandError, NO_MANIFESTS } from '../acme-command.js';
import type { CliContext } from '../context.js';
import type { StoreWriteFlags } from '../options.js';
import { ExitCode, usage, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { faultHook, openStore } from '../open-store.js';
import { durationFlag, namespaceFlag } from '../settings.js';
import { underStoreLock } from '../store-lock.js';

/** Flags of `certctl revoke`. */
export interface RevokeFlags extends StoreWriteFlags {
  certFile?: string;
  keyFile?: string;
  reason?: string;
  withCertificateKey: boolean;
  issuer?: string;
  server?: string;
  caFile?: string;
}

/**
 * `certctl revoke [TARGET]`: revokes a certificate at its ACME CA and marks the stored copy so the
 * next renew replaces it. Everything is checked before the CA is contacted (exit 2 otherwise).
 */
export async function revokeCommand(ctx: CliContext, target: string | undefined, flags: RevokeFlags): Promise<ExitCodeValue> {
  const reason = flags.reason === undefined ? undefined : parseRevocationReason(flags.reason);
  if (reason && !reason.ok) throw usage(`--reason: ${reason.message}`);
  const waitMs = durationFlag('--lock-timeout', flags.lockTimeout, { allowZero: true });
  const namespace = namespaceFlag('--namespace', flags.namespace);
  const clusterResourceNamespace = namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!;
  if (flags.caFile && !flags.server) throw usage('--ca-file is the trust for --server; with -f the Issuer\'s caBundle is used');
  if (flags.server && !/^https:\/\/[^/\s]+/.test(flags.server)) throw usage(`--server: ${JSON.stringify(flags.server)} is not an https:// ACME directory URL`);
  const certFile = flags.certFile ? await readArg('--cert-file', flags.certFile) : undefined;
  const keyFile = flags.keyFile ? await readArg('--key-file', flags.keyFile) : undefined;
  const caBundle = flags.caFile ? (await readArg('--ca-file', flags.caFile)).pem : undefined;
  const manifests = flags.filename?.length ? await loadInputs(ctx, flags.filename, namespace) : undefined;
  for (const note of manifests?.notes ?? []) ctx.note(note);

  const opened = await openStore(flags, faultHook(ctx.env.CERTCTL_FAULT), ctx.heldLockTokens);
  const interrupts = ctx.trapInterrupts();
  try {
    const resolved = await resolveRevocation(
      {
        ...(target ? { target } : {}),
        ...(manifests ? { manifests } : {}),
        ...(namespace ? { namespace } : {}),
        clusterResourceNamespace,
        ...(certFile ? { certFile } : {}),
        ...(keyFile ? { keyFile } : {}),
        ...(flags.issuer ? { issuer: flags.issuer } : {}),
        ...(flags.server ? { server: { url: flags.server, ...(caBundle ? { caBundle } : {}) } } : {}),
        withCertificateKey: flags.withCertificateKey,
        ...(reason?.ok ? { reason: reason.reason } : {}),
      },
      opened.store,
    ).catch((err: unknown) => {
      throw acmeCommandError(err);
    });
    // Nothing is sent before RBAC allows marking the Secret afterwards (and the lock's Lease).
    if (resolved.writes.length > 0) await opened.preflight(resolved.mustWrite);
    const deps = { ...accountAdminDeps(ctx, manifests ?? NO_MANIFESTS, opened, interrupts.signal), store: opened.store, clock: () => new Date() };
    const run = (): Promise<RevokeOutcome> =>
      revokeCertificate(resolved.request, deps).catch((err: unknown) => {
        throw acmeCommandError(err);
      });
    const outcome = resolved.writes.length > 0 ? await underStoreLock(ctx, opened, { waitMs, holder: 'certctl revoke', signal: interrupts.signal }, resolved.writes, run) : await run();
    if (resolved.notMarked) ctx.warn(`warning: not marked revoked: ${resolved.notMarked}`);
    print(ctx, flags.output, outcome, resolved.notMarked);
    return interrupts.exitCode() ?? (outcome.alreadyRevoked ? ExitCode.AlreadyRevoked : ExitCode.Ok);
  } finally {
    interrupts.release();
    opened.close();
  }
}

async function readArg(flag: string, path: string): Promise<{ path: string; pem: string }> {
  const abs = resolve(path);
  const pem = await readFile(abs, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw usage(`${flag} ${path}: ${err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message)}`);
  });
  return { path: abs, pem };
}

function print(ctx: CliContext, output: 'text' | 'json', o: RevokeOutcome, notMarked: string | undefined): void {
  if (output === 'json') {
    ctx.out(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'RevokeResult', ...o, ...(notMarked ? { notMarked } : {}) }, null, 2)}\n`);
    return;
  }
  const c = o.certificate;
  const what = o.alreadyRevoked ? 'already revoked' : 'revoked';
  const lines = [
    `${what} ${c.source}: serial ${c.serial}${c.dnsNames.length ? `, ${c.dnsNames.join(', ')}` : ''} (valid until ${c.notAfter})`,
    `  reason:    ${o.reason.name}${o.alreadyRevoked ? ' (asked; the CA had revoked it before, with the reason given then)' : ''}`,
    `  CA:        ${o.server}`,
    `  signed by: ${o.signedWith === 'account' ? `account ${o.accountUrl}` : "the certificate's own key"}`,
    o.marked ? `  marked:    Secret ${o.marked.secret}: the next renew replaces it${o.reason.name === 'keyCompromise' ? ', with a new private key' : ''}` : `  marked:    no${notMarked ? ` (${notMarked})` : ''}`,
  ];
  ctx.out(`${lines.join('\n')}\n`);
}
