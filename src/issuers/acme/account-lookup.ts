/**
 * Finding the ACME account of a stored key without ever registering one (`onlyReturnExisting`),
 * and finishing an account key rollover that a crash cut short: when the CA no longer knows the
 * stored key but knows the pending one, the CA accepted the switch and only the store missed it.
 */
import type { AcmeHttp } from './acme-http.js';
import type { AccountKeySecret } from './account-key-secret.js';
import { AcmeProblem } from './problem.js';
import type { AcmeServerClient } from './transport/server-client.js';

/** The parts of an RFC 8555 account object (§7.1.2) certctl shows. */
export interface AcmeAccountObject {
  status?: string;
  contact?: string[];
  termsOfServiceAgreed?: boolean;
  orders?: string;
}

/** What the CA says about the stored key(s). */
export type AccountLookup =
  | {
      state: 'found';
      /** A session signing with the key the CA knows (kid = `url`). */
      http: AcmeHttp;
      url: string;
      account: AcmeAccountObject;
      /** The PEM of the key the CA knows. */
      keyPem: string;
      /** The CA knows the pending key: a rollover was accepted but not stored. */
      usedPending: boolean;
    }
  | { state: 'not-registered' }
  /** The account exists but the CA refuses it (`deactivated`, or `revoked` by the CA). */
  | { state: 'deactivated' | 'revoked'; detail: string };

/** Options of {@link lookupAccount}. */
export interface LookupOptions {
  server: AcmeServerClient;
  signal?: AbortSignal;
}

/**
 * Asks the CA for the account of the stored key, then, only if it has none, of the pending key of
 * an interrupted rollover. Writes nothing: {@link storeAcceptedRollover} finishes the rollover.
 * Throws when the Secret has no key (callers check first), and on network and other CA errors.
 */
export async function lookupAccount(secret: AccountKeySecret, opts: LookupOptions): Promise<AccountLookup> {
  if (!secret.keyPem) throw new Error(`no ACME account key in ${secret.source} (key ${secret.dataKey})`);
  const current = await lookupKey(secret.keyPem, opts);
  if (current.state !== 'not-registered' || !secret.pendingPem) return current;
  const pending = await lookupKey(secret.pendingPem, opts);
  return pending.state === 'found' ? { ...pending, usedPending: true } : current;
}

/**
 * Stores the pending key as the account key (and drops the pending one) in one atomic write:
 * the CA already signs with it. After this the old key is gone, as a rollover intends.
 */
export async function storeAcceptedRollover(
  secret: AccountKeySecret,
  save: (namespace: string, name: string, data: Record<string, Buffer>, remove?: readonly string[]) => Promise<void>,
): Promise<void> {
  if (!secret.pendingPem) throw new Error(`no pending account key in ${secret.source}`);
  if (secret.inline) {
    throw new Error(`the CA knows the account by the key in ${secret.source} data key ${secret.pendingKey} (a rollover finished at the CA), not by ${secret.dataKey}: put that key in ${secret.dataKey} of the manifest and remove ${secret.pendingKey}`);
  }
  const { [secret.pendingKey]: _pending, ...rest } = secret.data;
  await save(secret.namespace, secret.name, { ...rest, [secret.dataKey]: Buffer.from(secret.pendingPem) }, [secret.pendingKey]);
}

/** The message for a refused account: it cannot be used again, and how to get a new one. */
export function unusableAccountMessage(secret: Pick<AccountKeySecret, 'source' | 'dataKey' | 'namespace' | 'name'>, server: string, state: 'deactivated' | 'revoked', detail: string): string {
  return (
    `the ACME account of the key in ${secret.source} (key ${secret.dataKey}) at ${server} is ${state} (${detail}); ` +
    `an account cannot be reactivated: to register a new one, remove the key from Secret ${secret.namespace}/${secret.name} ` +
    '(certctl then generates a new key and registers it) or point privateKeySecretRef at another Secret'
  );
}

async function lookupKey(keyPem: string, opts: LookupOptions): Promise<AccountLookup> {
  // Loaded here: a run that only asks ARI never loads the signing code.
  const { AcmeHttp } = await import('./acme-http.js');
  const http = new AcmeHttp({ directoryUrl: opts.server.directoryUrl, accountKeyPem: keyPem, server: opts.server, signal: opts.signal });
  try {
    const res = await http.newAccount({ onlyReturnExisting: true });
    if (!res.location) throw new Error(`the ACME server ${opts.server.directoryUrl} found the account but sent no Location (account URL)`);
    return { state: 'found', http, url: res.location, account: accountObject(res.data), keyPem, usedPending: false };
  } catch (err) {
    if (err instanceof AcmeProblem && err.is('accountDoesNotExist')) return { state: 'not-registered' };
    // RFC 8555 §7.3.6: a deactivated account's requests are unauthorized; CAs say why in the detail
    // (Pebble: "exists but is deactivated", Boulder: `has status "deactivated"`).
    if (err instanceof AcmeProblem && err.is('unauthorized')) {
      if (/deactivated/i.test(err.detail)) return { state: 'deactivated', detail: err.detail };
      if (/revoked/i.test(err.detail)) return { state: 'revoked', detail: err.detail };
    }
    throw err;
  }
}

/** The account object's known members, type-checked (the server's JSON is not trusted). */
export function accountObject(data: unknown): AcmeAccountObject {
  const d = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const out: AcmeAccountObject = {};
  if (typeof d.status === 'string') out.status = d.status;
  if (Array.isArray(d.contact)) out.contact = d.contact.filter((c): c is string => typeof c === 'string');
  if (typeof d.termsOfServiceAgreed === 'boolean') out.termsOfServiceAgreed = d.termsOfServiceAgreed;
  if (typeof d.orders === 'string') out.orders = d.orders;
  return out;
}
