import { encodePrivateKey, generatePrivateKey } from '../../pki/keys.js';
import type { AcmeIssuerSpec, IssuerResource } from '../../spec/types.js';
import type { AcmeIssuerDeps } from './acme-issuer.js';
import type { AcmeHttp } from './acme-http.js';
import { readAccountKeySecret } from './account-key-secret.js';
import { lookupAccount, storeAcceptedRollover, unusableAccountMessage } from './account-lookup.js';
import { acmeServerFor } from './server-session.js';

/**
 * An ACME session with a registered account: loads the account key from `privateKeySecretRef`
 * (creating an RSA 2048 PKCS#1 key as cert-manager does, unless disableAccountKeyGeneration),
 * finds the account of a stored key with `onlyReturnExisting`, and registers only when there is
 * none, so one key never gets two accounts on one server. A rollover the CA accepted but a crash
 * kept from being stored is stored here, before the account is used.
 */
export async function openAccount(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, signal?: AbortSignal, event?: (r: string, m: string) => void): Promise<AcmeHttp> {
  const ns = deps.secretNamespace;
  const secret = await readAccountKeySecret(spec, ns, deps.secrets);
  const dataKey = secret.dataKey;
  let keyPem = secret.keyPem;
  const existing = Boolean(keyPem);
  if (!keyPem && spec.disableAccountKeyGeneration) {
    throw new Error(`ACME account key Secret ${ns}/${secret.name} (key ${dataKey}) not found and spec.acme.disableAccountKeyGeneration is true`);
  }
  const server = acmeServerFor(spec, deps.services.servers, deps.services.serverExtras());
  // Loaded here, not at the top: a run that only asks ARI never loads the signing code.
  const signing = Promise.all([import('./acme-http.js'), import('./transport/jws-signer.js')]);
  if (!keyPem) {
    // RSA 2048 takes 50-500 ms on the thread pool: the signing code loads and the directory is
    // fetched meanwhile. A failed fetch is only a miss; registering fetches it again and reports.
    server.directory(signal).catch(() => undefined);
    keyPem = encodePrivateKey(await generatePrivateKey({ algorithm: 'RSA', size: 2048 }), 'PKCS1');
    // Saved before registering: an account must never exist without its key on our side. Created
    // only if absent where the store can: shards of one fleet starting together generate one key
    // each, the first one stored wins and the others use it.
    const data = { ...secret.data, [dataKey]: Buffer.from(keyPem) };
    const secretExists = Object.keys(secret.data).length > 0;
    const created = secretExists || !deps.createSecret ? undefined : await deps.createSecret(ns, secret.name, data);
    const winner = created === false ? (await deps.secrets(ns, secret.name))?.data[dataKey]?.toString('utf8') : undefined;
    if (winner) {
      keyPem = winner;
      event?.('Account', `another run created the ACME account key in Secret ${ns}/${secret.name} meanwhile; using it`);
    } else {
      if (created !== true) await deps.saveSecret(ns, secret.name, data);
      event?.('Account', `generated a new ACME account key in Secret ${ns}/${secret.name}`);
    }
  }

  let eab: { kid: string; hmacKey: string } | undefined;
  if (spec.externalAccountBinding) {
    const e = spec.externalAccountBinding;
    const s = await deps.secrets(ns, e.keySecretRef.name);
    const value = s?.data[e.keySecretRef.key ?? '']?.toString('utf8').trim();
    if (!value) throw new Error(`EAB key Secret ${ns}/${e.keySecretRef.name} (key ${e.keySecretRef.key}) not found or empty`);
    eab = { kid: e.keyID, hmacKey: value };
  }

  const [{ AcmeHttp }, { keySigner }] = await signing;
  try {
    keySigner(keyPem);
  } catch (err) {
    throw new Error(`ACME account key in ${secret.source} (key ${dataKey}) cannot sign ACME requests: ${(err as Error).message}`);
  }
  const contact = spec.email ? [`mailto:${spec.email}`] : undefined;
  if (existing) {
    const found = await lookupAccount(secret, { server, signal });
    if (found.state === 'deactivated' || found.state === 'revoked') throw new Error(unusableAccountMessage(secret, spec.server, found.state, found.detail));
    if (found.state === 'found') {
      if (found.usedPending) {
        await storeAcceptedRollover(secret, deps.saveSecret);
        event?.('Account', `stored the new key of an account key rollover the CA had accepted before certctl was interrupted (Secret ${ns}/${secret.name}, key ${dataKey})`);
      }
      const have = found.account.contact ?? [];
      if (contact && !contact.every((c) => have.includes(c))) {
        await found.http.post(found.url, { contact });
        event?.('Account', `updated the ACME account contact to ${spec.email}`);
      }
      return found.http;
    }
  }
  const http = new AcmeHttp({ directoryUrl: spec.server, accountKeyPem: keyPem, eab, server, signal });
  const created = await http.newAccount({ termsOfServiceAgreed: true, ...(contact ? { contact } : {}) });
  event?.('Account', `registered ACME account ${created.location ?? ''} with ${spec.server} for ${resource.kind} ${resource.metadata.name}`);
  return http;
}
