/**
 * Managing an ACME account the way certbot and lego users expect (`certctl account ...`): show
 * it, change its contacts, roll its key over (RFC 8555 §7.3.5), deactivate it (§7.3.6). The
 * account is the one of an Issuer's `privateKeySecretRef`, the same Secret cert-manager uses, so a
 * cluster and certctl keep sharing it after any of these.
 *
 * A rollover is crash-safe: the new key is stored next to the old one (`<key>.next`) before the
 * CA is asked, and becomes the account key only once the CA accepted it. Killed at any point, the
 * Secret holds a key the CA knows: the old one until the CA switched, and afterwards the pending
 * one, which the next use of the account (any command) finds and stores as the account key.
 */
import { encodePrivateKey, generatePrivateKey, parsePrivateKey, type KeyAlgorithm } from '../../pki/keys.js';
import type { AcmeIssuerSpec, IssuerResource, Manifests } from '../../spec/types.js';
import type { IssuerDeps, SecretLookup } from '../registry.js';
import { secretNamespaceOf } from '../registry.js';
import { accountIdOf, describeKeyPem, readAccountKeySecret, type AccountKeySecret } from './account-key-secret.js';
import { accountObject, lookupAccount, storeAcceptedRollover, unusableAccountMessage, type AccountLookup, type AcmeAccountObject } from './account-lookup.js';
import { AcmeProblem } from './problem.js';
import { acmeServerFor, type AcmeServerExtras } from './server-session.js';
import type { AcmeServerClient } from './transport/server-client.js';

/** The account of one ACME Issuer or ClusterIssuer. */
export interface AcmeAccountRef {
  issuer: IssuerResource;
  spec: AcmeIssuerSpec;
  /** Where its Secrets are: its namespace, or the cluster resource namespace. */
  secretNamespace: string;
}

/** What the account commands need from outside. */
export interface AccountAdminDeps {
  secrets: SecretLookup;
  saveSecret: IssuerDeps['saveSecret'];
  /** The command's account-less clients, by server (see acmeServerFor). */
  servers: Map<string, AcmeServerClient>;
  extras?: AcmeServerExtras;
  signal?: AbortSignal;
  /** Progress lines (never secrets). */
  event?: (reason: string, message: string) => void;
  /** Test hook: crash tests kill the process at the named steps of a rollover. */
  fault?: (point: string) => void;
}

/** An account as `certctl account` shows it. */
export interface AccountReport {
  server: string;
  /** The CA's status (`valid`, `deactivated`, `revoked`), or `not-registered` / `no-key`. */
  status: string;
  url?: string;
  contacts: string[];
  termsOfServiceAgreed?: boolean;
  orders?: string;
  /** The key the CA knows (or the stored one when it knows none). Public facts only. */
  key?: { algorithm: KeyAlgorithm; size: number; jwsAlgorithm: string; thumbprint: string };
  keySecret: { namespace: string; name: string; key: string; source: string };
  /**
   * A rollover was interrupted: `accepted` (the CA has the new key; the next use stores it) or
   * `not-accepted` (the CA kept the old key; the next rollover replaces the pending one).
   */
  pendingRollover?: 'accepted' | 'not-accepted';
}

/** Why an account command cannot go on: `input` is the user's to fix (exit 2), `state` the account's (exit 1). */
export class AccountAdminError extends Error {
  constructor(
    readonly kind: 'input' | 'state',
    message: string,
  ) {
    super(message);
    this.name = 'AccountAdminError';
  }
}

/** Every ACME Issuer and ClusterIssuer of the manifests, as account references. */
export function acmeAccountRefs(manifests: Manifests, clusterResourceNamespace: string): AcmeAccountRef[] {
  const out: AcmeAccountRef[] = [];
  for (const issuer of manifests.issuers.values()) {
    if (issuer.spec.type === 'acme') out.push({ issuer, spec: issuer.spec.acme, secretNamespace: secretNamespaceOf(issuer, clusterResourceNamespace) });
  }
  return out;
}

/** The Issuers of `all` that use the same account as `ref` (itself included). */
export function issuersSharing(ref: AcmeAccountRef, all: readonly AcmeAccountRef[]): IssuerResource[] {
  const id = accountIdOf(ref.spec, ref.secretNamespace);
  return all.filter((r) => accountIdOf(r.spec, r.secretNamespace) === id).map((r) => r.issuer);
}

/** What the CA says about the account; reads only (an interrupted rollover is reported, not finished). */
export async function showAccount(ref: AcmeAccountRef, deps: AccountAdminDeps): Promise<AccountReport> {
  const secret = await readAccountKeySecret(ref.spec, ref.secretNamespace, deps.secrets);
  const base = baseReport(ref, secret);
  if (!secret.keyPem) return { ...base, status: 'no-key' };
  const found = await lookupAccount(secret, { server: serverOf(ref, deps), signal: deps.signal });
  return reportOf(base, secret, found);
}

/** Sets the account's contacts (`mailto:` URLs) and returns the account as the CA now has it. */
export async function updateAccountContacts(ref: AcmeAccountRef, deps: AccountAdminDeps, contacts: string[]): Promise<AccountReport> {
  const { secret, found } = await openExistingAccount(ref, deps);
  const res = await found.http.post(found.url, { contact: contacts });
  return reportOf(baseReport(ref, secret), secret, { ...found, account: { ...found.account, ...accountObject(res.data) } });
}

/** Deactivates the account (RFC 8555 §7.3.6): permanent; the CA refuses it from then on. */
export async function deactivateAccount(ref: AcmeAccountRef, deps: AccountAdminDeps): Promise<AccountReport> {
  const { secret, found } = await openExistingAccount(ref, deps);
  const res = await found.http.post(found.url, { status: 'deactivated' });
  const account = accountObject(res.data);
  return reportOf(baseReport(ref, secret), secret, { ...found, account: { ...found.account, ...account, status: account.status ?? 'deactivated' } });
}

/** The result of {@link rolloverAccountKey}. */
export interface RolloverReport {
  account: AccountReport;
  previousKey: NonNullable<AccountReport['key']>;
}

/**
 * Rolls the account over to a new key (RFC 8555 §7.3.5) of `keySpec` (default: the old key's
 * algorithm and size), keeping the PEM encoding of the old one:
 *
 *  1. the new key is stored as `<key>.next` next to the old one (one atomic write);
 *  2. the CA is asked to switch (keyChange, signed by the old key around the new key's signature);
 *  3. the CA must find the same account by the new key;
 *  4. only then the new key replaces the old one and `<key>.next` goes (one write).
 *
 * A crash before 2 leaves the old key working (the pending one is replaced by the next rollover);
 * after 2, the next use of the account finds the CA knows only the pending key, and stores it.
 * A CA that answered with an error is asked which key it has, and the Secret follows that answer.
 */
export async function rolloverAccountKey(ref: AcmeAccountRef, deps: AccountAdminDeps, keySpec: { algorithm?: KeyAlgorithm; size?: number } = {}): Promise<RolloverReport> {
  const { secret, found } = await openExistingAccount(ref, deps, { rewrite: true });
  const old = parsePrivateKey(found.keyPem);
  const previousKey = await keyFacts(found.keyPem);
  const algorithm = keySpec.algorithm ?? previousKey.algorithm;
  // Another algorithm without a size gets that algorithm's default size.
  const spec = { algorithm, size: keySpec.size ?? (algorithm === previousKey.algorithm ? previousKey.size : undefined) };
  if (spec.algorithm === 'Ed25519') throw new AccountAdminError('input', 'an Ed25519 account key (JWS EdDSA) is refused by Let\'s Encrypt and most ACME CAs: use RSA or ECDSA');
  let newPem: string;
  try {
    newPem = encodePrivateKey(await generatePrivateKey(spec), old.encoding);
  } catch (err) {
    throw new AccountAdminError('input', `new account key: ${(err as Error).message}`);
  }
  const { [secret.pendingKey]: _stale, ...base } = secret.data;
  const where = `Secret ${secret.namespace}/${secret.name}`;

  await deps.saveSecret(secret.namespace, secret.name, { ...base, [secret.dataKey]: Buffer.from(found.keyPem), [secret.pendingKey]: Buffer.from(newPem) });
  deps.fault?.('account:rollover-pending-stored');
  deps.event?.('KeyStored', `stored the new account key as ${where} key ${secret.pendingKey}, before asking the CA to switch`);

  try {
    await found.http.changeKey(newPem);
  } catch (err) {
    if (!(err instanceof AcmeProblem)) {
      // No answer (timeout, connection lost): the CA may still switch. Keep both keys; whichever
      // the CA knows is found by the next use of the account.
      throw new AccountAdminError('state', `${(err as Error).message}; the CA may or may not have switched to the new key: both keys are kept in ${where} (${secret.dataKey}, ${secret.pendingKey}) and the next use of the account keeps the one the CA knows`);
    }
    // An answer: if an earlier attempt (a retried 5xx) went through, the CA has the new key.
    const settled = await lookupAccount({ ...secret, keyPem: found.keyPem, pendingPem: newPem }, { server: serverOf(ref, deps), signal: deps.signal }).catch((e: Error) => {
      throw new AccountAdminError('state', `${err.message}; then asking the CA which key it has failed (${e.message}): both keys are kept in ${where} (${secret.dataKey}, ${secret.pendingKey}) and the next use of the account keeps the one the CA knows`);
    });
    if (!(settled.state === 'found' && settled.usedPending)) {
      await deps.saveSecret(secret.namespace, secret.name, { ...base, [secret.dataKey]: Buffer.from(found.keyPem) }, [secret.pendingKey]);
      throw new AccountAdminError('state', `the CA refused the key change, the account keeps its key: ${err.message}`);
    }
  }
  deps.fault?.('account:rollover-accepted');
  // The new key replaces the old one only once the CA finds this very account by it.
  const check = await lookupAccount({ ...secret, keyPem: newPem, pendingPem: undefined }, { server: serverOf(ref, deps), signal: deps.signal });
  if (check.state !== 'found' || check.url !== found.url) {
    throw new AccountAdminError(
      'state',
      `the CA accepted the key change but ${check.state === 'found' ? `knows the new key as another account (${check.url})` : `does not find the account by the new key (${check.state})`}, not as ${found.url}; both keys are kept in ${where} (${secret.dataKey}, ${secret.pendingKey})`,
    );
  }
  await deps.saveSecret(secret.namespace, secret.name, { ...base, [secret.dataKey]: Buffer.from(newPem) }, [secret.pendingKey]);
  deps.fault?.('account:rollover-stored');
  deps.event?.('KeyChanged', `the CA accepted the new key; it is now the account key in ${where} key ${secret.dataKey}`);
  const after = await readAccountKeySecret(ref.spec, ref.secretNamespace, deps.secrets);
  return { account: await reportOf(baseReport(ref, after), after, check), previousKey };
}

type Found = Extract<AccountLookup, { state: 'found' }>;

/**
 * The account, ready to use or change, never registered here: the key must be there (and, to be
 * rewritten, in the store), the CA must know it and accept it. Stores an accepted but unstored
 * rollover first. Throws {@link AccountAdminError} when the account cannot be used.
 */
export async function openExistingAccount(ref: AcmeAccountRef, deps: AccountAdminDeps, opts: { rewrite?: boolean } = {}): Promise<{ secret: AccountKeySecret; found: Found }> {
  let secret = await readAccountKeySecret(ref.spec, ref.secretNamespace, deps.secrets);
  if (opts.rewrite && secret.inline) {
    throw new AccountAdminError(
      'input',
      `the account key comes from ${secret.source}, a manifest certctl cannot rewrite; store it instead (remove it from the -f inputs so it is read from the store), then roll it over`,
    );
  }
  if (!secret.keyPem) throw new AccountAdminError('state', `no ACME account key in ${secret.source} (key ${secret.dataKey}): issue a certificate with ${ref.issuer.kind} ${ref.issuer.metadata.name} first, which registers the account`);
  const found = await lookupAccount(secret, { server: serverOf(ref, deps), signal: deps.signal });
  if (found.state === 'not-registered') throw new AccountAdminError('state', `the CA ${ref.spec.server} has no account for the key in ${secret.source} (key ${secret.dataKey})`);
  if (found.state !== 'found') throw new AccountAdminError('state', unusableAccountMessage(secret, ref.spec.server, found.state, found.detail));
  if (found.usedPending) {
    await storeAcceptedRollover(secret, deps.saveSecret);
    deps.event?.('Account', `stored the new key of an account key rollover the CA had accepted before certctl was interrupted (Secret ${secret.namespace}/${secret.name})`);
    secret = await readAccountKeySecret(ref.spec, ref.secretNamespace, deps.secrets);
  }
  return { secret, found };
}

function serverOf(ref: AcmeAccountRef, deps: AccountAdminDeps): AcmeServerClient {
  return acmeServerFor(ref.spec, deps.servers, deps.extras);
}

function baseReport(ref: AcmeAccountRef, secret: AccountKeySecret): AccountReport {
  return {
    server: ref.spec.server,
    status: 'unknown',
    contacts: [],
    keySecret: { namespace: secret.namespace, name: secret.name, key: secret.dataKey, source: secret.source },
  };
}

async function reportOf(base: AccountReport, secret: AccountKeySecret, found: AccountLookup): Promise<AccountReport> {
  if (found.state !== 'found') return { ...base, status: found.state, ...(secret.keyPem ? { key: await keyFacts(secret.keyPem) } : {}) };
  const a: AcmeAccountObject = found.account;
  const pending = found.usedPending ? 'accepted' : secret.pendingPem && secret.pendingPem !== found.keyPem ? 'not-accepted' : undefined;
  return {
    ...base,
    status: a.status ?? 'valid',
    url: found.url,
    contacts: a.contact ?? [],
    ...(a.termsOfServiceAgreed !== undefined ? { termsOfServiceAgreed: a.termsOfServiceAgreed } : {}),
    ...(a.orders ? { orders: a.orders } : {}),
    key: await keyFacts(found.keyPem),
    ...(pending ? { pendingRollover: pending } : {}),
  };
}

async function keyFacts(pem: string): Promise<NonNullable<AccountReport['key']>> {
  const { keySigner } = await import('./transport/jws-signer.js');
  const d = describeKeyPem(pem);
  const signer = keySigner(pem, { allowEdDsa: true });
  return { algorithm: d.algorithm, size: d.size, jwsAlgorithm: signer.alg, thumbprint: signer.thumbprint };
}
