import { describeIssuer, selectIssuers } from '../../core/select-issuer.js';
import { accountIdOf } from '../../issuers/acme/account-key-secret.js';
import {
  acmeAccountRefs,
  deactivateAccount,
  issuersSharing,
  rolloverAccountKey,
  showAccount,
  updateAccountContacts,
  type AccountReport,
  type AcmeAccountRef,
} from '../../issuers/acme/account-admin.js';
import type { KeyAlgorithm } from '../../pki/keys.js';
import type { IssuerResource, Manifests } from '../../spec/types.js';
import { accountAdminDeps, acmeCommandError } from '../acme-command.js';
import type { CliContext } from '../context.js';
import type { StoreWriteFlags } from '../options.js';
import { ExitCode, usage, type ExitCodeValue } from '../exit-codes.js';
import { loadInputs } from '../inputs.js';
import { faultHook, openStore, type OpenedStore } from '../open-store.js';
import { durationFlag, inputPaths, namespaceFlag } from '../settings.js';
import { underStoreLock } from '../store-lock.js';

/** Flags every `certctl account` command has. */
export type AccountFlags = StoreWriteFlags;

/** What a command adds to an account for output: the Issuers that share it. */
type Shown = AccountReport & { issuers: { kind: string; namespace?: string; name: string }[] };

/**
 * `certctl account show [ISSUER]`: each ACME account of the manifests (or the named Issuer's), as
 * the CA has it. Reads only. Exit 0 when every account shown is valid, 1 otherwise.
 */
export async function accountShowCommand(ctx: CliContext, issuer: string | undefined, flags: AccountFlags): Promise<ExitCodeValue> {
  const { manifests, all, chosen } = await accountsOf(ctx, issuer, flags);
  const opened = await open(ctx, flags);
  const interrupts = ctx.trapInterrupts();
  try {
    const deps = accountAdminDeps(ctx, manifests, opened, interrupts.signal);
    const shown: Shown[] = [];
    let failed = 0;
    for (const ref of chosen) {
      try {
        shown.push(withIssuers(await showAccount(ref, deps), ref, all));
      } catch (err) {
        failed++;
        ctx.warn(`error: ${describeIssuer(ref.issuer)}: ${(acmeCommandError(err) as Error).message.replace(/^error: /, '')}`);
      }
    }
    if (flags.output === 'json') ctx.out(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'AcmeAccountList', items: shown }, null, 2)}\n`);
    else ctx.out(shown.map(renderAccount).join('\n'));
    if (interrupts.exitCode()) return interrupts.exitCode()!;
    return failed > 0 || shown.some((s) => s.status !== 'valid') ? ExitCode.CertificateFailed : ExitCode.Ok;
  } finally {
    interrupts.release();
    opened.close();
  }
}

/** `certctl account update [ISSUER] --email ADDRESS...`: sets the account's contacts. */
export async function accountUpdateCommand(ctx: CliContext, issuer: string | undefined, flags: AccountFlags & { email?: string[] }): Promise<ExitCodeValue> {
  const { manifests, all, chosen } = await accountsOf(ctx, issuer, flags, { one: true });
  const ref = chosen[0];
  const emails = flags.email?.length ? emailsFrom(flags.email) : ref.spec.email ? [ref.spec.email] : undefined;
  if (!emails) throw usage(`give the new contact: --email ADDRESS (${describeIssuer(ref.issuer)} has no spec.acme.email to use)`);
  const contacts = emails.map((e) => `mailto:${e}`);
  const report = await change(ctx, flags, manifests, ref, { holder: 'account update', rewritesKey: false }, (deps) => updateAccountContacts(ref, deps, contacts));
  for (const i of issuersSharing(ref, all)) {
    const spec = i.spec.type === 'acme' ? i.spec.acme : undefined;
    if (spec?.email && !emails.includes(spec.email)) {
      ctx.warn(`warning: ${describeIssuer(i)} has spec.acme.email ${spec.email}: issue and renew with it add that contact back; change the manifest too`);
    }
  }
  return finish(ctx, flags, 'updated', withIssuers(report, ref, all));
}

/** `certctl account rollover [ISSUER]`: a new account key (RFC 8555 key change), crash-safe. */
export async function accountRolloverCommand(ctx: CliContext, issuer: string | undefined, flags: AccountFlags & { keyAlgorithm?: string; keySize?: string }): Promise<ExitCodeValue> {
  const algorithm = flags.keyAlgorithm as KeyAlgorithm | undefined;
  const size = flags.keySize === undefined ? undefined : Number(flags.keySize);
  if (size !== undefined && (!Number.isInteger(size) || size <= 0)) throw usage(`--key-size: expected a number of bits (RSA 2048..8192) or an ECDSA curve size (256, 384), got ${flags.keySize}`);
  if (algorithm === 'ECDSA' && size !== undefined && ![256, 384, 521].includes(size)) throw usage(`--key-size: an ECDSA account key is 256, 384 or 521 (P-256, P-384, P-521; Let's Encrypt takes the first two), got ${size}`);
  if (algorithm === 'RSA' && size !== undefined && (size < 2048 || size > 8192)) throw usage(`--key-size: an RSA account key has 2048 to 8192 bits, got ${size}`);
  const { manifests, all, chosen } = await accountsOf(ctx, issuer, flags, { one: true });
  const ref = chosen[0];
  const result = await change(ctx, flags, manifests, ref, { holder: 'account rollover', rewritesKey: true }, (deps) => rolloverAccountKey(ref, deps, { ...(algorithm ? { algorithm } : {}), ...(size !== undefined ? { size } : {}) }));
  return finish(ctx, flags, 'rolledOver', withIssuers(result.account, ref, all), result.previousKey);
}

/** `certctl account deactivate [ISSUER] --yes`: permanent; issuing with the account fails afterwards. */
export async function accountDeactivateCommand(ctx: CliContext, issuer: string | undefined, flags: AccountFlags & { yes: boolean }): Promise<ExitCodeValue> {
  const { manifests, all, chosen } = await accountsOf(ctx, issuer, flags, { one: true });
  const ref = chosen[0];
  if (!flags.yes) {
    const sharing = issuersSharing(ref, all).map(describeIssuer).join(', ');
    throw usage(`deactivating the ACME account of ${sharing} at ${ref.spec.server} is permanent: the CA refuses it from then on, for certctl and for cert-manager alike. Add --yes to go ahead`);
  }
  const report = await change(ctx, flags, manifests, ref, { holder: 'account deactivate', rewritesKey: false }, (deps) => deactivateAccount(ref, deps));
  ctx.note(`the key in Secret ${report.keySecret.namespace}/${report.keySecret.name} can no longer be used; remove it to let the next issue register a new account`);
  return finish(ctx, flags, 'deactivated', withIssuers(report, ref, all));
}

/** The manifests and the accounts the argument selects (with `one`, exactly one account). */
async function accountsOf(ctx: CliContext, arg: string | undefined, flags: AccountFlags, opts: { one?: boolean } = {}): Promise<{ manifests: Manifests; all: AcmeAccountRef[]; chosen: AcmeAccountRef[] }> {
  const namespace = namespaceFlag('--namespace', flags.namespace);
  const crns = namespaceFlag('--cluster-resource-namespace', flags.clusterResourceNamespace)!;
  durationFlag('--lock-timeout', flags.lockTimeout, { allowZero: true });
  const manifests = await loadInputs(ctx, inputPaths(flags as Parameters<typeof inputPaths>[0], ctx.env), namespace);
  for (const note of manifests.notes) ctx.note(note);
  const all = acmeAccountRefs(manifests, crns);
  const list = all.map((r) => describeIssuer(r.issuer)).join(', ') || 'none';
  if (arg !== undefined) {
    const found = selectIssuers(manifests, arg, namespace);
    if (found.length === 0) throw usage(`no Issuer or ClusterIssuer ${arg} in the manifests (ACME issuers: ${list})`);
    if (found.length > 1) throw usage(`${arg} names ${found.map(describeIssuer).join(' and ')}: say issuer/${arg} or clusterissuer/${arg}`);
    const ref = all.find((r) => r.issuer === found[0]);
    if (!ref) throw usage(`${describeIssuer(found[0])} is not an ACME issuer: it has no account`);
    return { manifests, all, chosen: [ref] };
  }
  const distinct = [...new Map(all.map((r) => [accountIdOf(r.spec, r.secretNamespace), r])).values()];
  if (distinct.length === 0) throw usage('no ACME Issuer or ClusterIssuer in the manifests');
  if (opts.one && distinct.length > 1) throw usage(`the manifests have ${distinct.length} ACME accounts: name the Issuer whose account to change (${list})`);
  return { manifests, all, chosen: distinct };
}

async function open(ctx: CliContext, flags: AccountFlags): Promise<OpenedStore> {
  return openStore(flags, faultHook(ctx.env.CERTCTL_FAULT), ctx.heldLockTokens);
}

/**
 * Runs a change of the account under the store's lock, after checking (RBAC) that the lock may be
 * taken and, for a rollover, that the account key Secret may be written.
 */
async function change<T>(
  ctx: CliContext,
  flags: AccountFlags,
  manifests: Manifests,
  ref: AcmeAccountRef,
  what: { holder: string; rewritesKey: boolean },
  fn: (deps: ReturnType<typeof accountAdminDeps>) => Promise<T>,
): Promise<T> {
  const opened = await open(ctx, flags);
  const interrupts = ctx.trapInterrupts();
  try {
    const keySecret = { namespace: ref.secretNamespace, secretName: ref.spec.privateKeySecretRef.name };
    await opened.preflight(what.rewritesKey ? [keySecret] : []);
    const deps = accountAdminDeps(ctx, manifests, opened, interrupts.signal);
    const waitMs = durationFlag('--lock-timeout', flags.lockTimeout, { allowZero: true });
    return await underStoreLock(ctx, opened, { waitMs, holder: `certctl ${what.holder}`, signal: interrupts.signal }, [keySecret], () =>
      fn(deps).catch((err: unknown) => {
        throw acmeCommandError(err);
      }),
    );
  } finally {
    interrupts.release();
    opened.close();
  }
}

function finish(ctx: CliContext, flags: AccountFlags, action: 'updated' | 'rolledOver' | 'deactivated', shown: Shown, previousKey?: AccountReport['key']): ExitCodeValue {
  if (flags.output === 'json') {
    ctx.out(`${JSON.stringify({ apiVersion: 'certctl.io/v1', kind: 'AcmeAccount', action, ...shown, ...(previousKey ? { previousKey } : {}) }, null, 2)}\n`);
  } else {
    const what = { updated: 'updated the contacts of', rolledOver: 'rolled over the key of', deactivated: 'deactivated' }[action];
    ctx.out(`${what} ${renderAccount(shown)}${previousKey ? `  old key:    ${keyLine(previousKey)} (no longer valid at the CA)\n` : ''}`);
  }
  return ExitCode.Ok;
}

function withIssuers(report: AccountReport, ref: AcmeAccountRef, all: readonly AcmeAccountRef[]): Shown {
  return { ...report, issuers: issuersSharing(ref, all).map(issuerId) };
}

function issuerId(i: IssuerResource): Shown['issuers'][number] {
  return i.kind === 'ClusterIssuer' ? { kind: i.kind, name: i.metadata.name } : { kind: i.kind, namespace: i.metadata.namespace, name: i.metadata.name };
}

function keyLine(k: NonNullable<AccountReport['key']>): string {
  return `${k.algorithm}${k.algorithm === 'Ed25519' ? '' : ` ${k.size}`} (${k.jwsAlgorithm}), thumbprint ${k.thumbprint}`;
}

/** The text form: one block per account; never a key, only its type and thumbprint. */
function renderAccount(a: Shown): string {
  const pending = {
    accepted: 'interrupted after the CA accepted the new key; the next certctl run that uses the account stores it',
    'not-accepted': `interrupted before the CA switched; the account keeps its key (the new one in ${a.keySecret.key}.next is replaced by the next rollover)`,
  };
  const lines = [
    `ACME account ${a.url ?? `(${a.status})`}`,
    `  server:     ${a.server}`,
    `  status:     ${a.status}`,
    ...(a.url ? [`  contacts:   ${a.contacts.length ? a.contacts.join(', ') : '(none)'}`] : []),
    `  key:        ${a.key ? keyLine(a.key) : '(none stored)'}`,
    `  key Secret: ${a.keySecret.source}, data key ${a.keySecret.key}`,
    `  issuers:    ${a.issuers.map((i) => (i.kind === 'ClusterIssuer' ? `ClusterIssuer ${i.name}` : `Issuer ${i.namespace}/${i.name}`)).join(', ')}`,
    ...(a.orders ? [`  orders:     ${a.orders}`] : []),
    ...(a.pendingRollover ? [`  rollover:   ${pending[a.pendingRollover]}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `--email a@x --email b@y` or `--email a@x,b@y`; `mailto:` is optional. */
function emailsFrom(values: string[]): string[] {
  const out = values.flatMap((v) => v.split(',')).map((v) => v.trim().replace(/^mailto:/i, '')).filter(Boolean);
  for (const e of out) {
    if (!/^[^\s@,<>:;"]+@[^\s@,<>:;"]+\.[^\s@,<>:;".]+$/.test(e)) throw usage(`--email: ${JSON.stringify(e)} is not an e-mail address`);
  }
  if (out.length === 0) throw usage('--email: no address given');
  return [...new Set(out)];
}
