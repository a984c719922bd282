/**
 * What `certctl revoke` and `certctl account` share: the dependencies of the account operations
 * (Secrets from the manifests, then the store; one ACME client per server; `-v` request traces),
 * and how their failures become exit codes.
 */
import { SecretSource } from '../core/secret-source.js';
import { RevokeInputError } from '../core/revoke.js';
import { AccountAdminError, type AccountAdminDeps } from '../issuers/acme/account-admin.js';
import { acmeServerExtras } from '../issuers/acme/run-services.js';
import type { Manifests } from '../spec/types.js';
import { StoreError } from '../stores/store-error.js';
import type { CliContext } from './context.js';
import { ExitCode, ExitError, usage } from './exit-codes.js';
import { faultHook, type OpenedStore } from './open-store.js';

/** No manifests: Secrets come from the store alone. */
export const NO_MANIFESTS: Manifests = { certificates: [], issuers: new Map(), secrets: new Map(), notes: [] };

/** Account operation dependencies for one command; its events are certctl's own (`certctl: Revoked: ...`). */
export function accountAdminDeps(ctx: CliContext, manifests: Manifests, opened: OpenedStore, signal: AbortSignal | undefined): AccountAdminDeps {
  const secrets = new SecretSource(manifests, opened.store);
  const emit = (reason: string, message: string, level: 'info' | 'debug' = 'info'): void => ctx.event({ name: '', namespace: '', reason, message, level });
  const fault = faultHook(ctx.env.CERTCTL_FAULT);
  return {
    secrets: (ns, name) => secrets.get(ns, name),
    saveSecret: (namespace, name, data, remove) => opened.store.writeSecretData({ namespace, secretName: name }, data, { remove }),
    servers: new Map(),
    extras: acmeServerExtras(ctx.userAgent, (m) => emit('Debug', m, 'debug')),
    ...(signal ? { signal } : {}),
    event: (reason, message) => emit(reason, message),
    ...(fault ? { fault } : {}),
  };
}

/**
 * The exit code of a failed account or revoke operation: the user's input (nothing was sent) is 2;
 * the CA's refusal, an unreachable CA, an unusable account or store is 1 with the message; a bug
 * stays a bug (70).
 */
export function acmeCommandError(err: unknown): unknown {
  if (err instanceof ExitError) return err;
  if (err instanceof RevokeInputError || (err instanceof AccountAdminError && err.kind === 'input')) return usage(`error: ${err.message}`);
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || !(err instanceof Error)) return err;
  if (err instanceof StoreError) return err;
  return new ExitError(ExitCode.CertificateFailed, `error: ${err.message}`);
}
