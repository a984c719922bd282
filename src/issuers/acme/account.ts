import { encodePrivateKey, generatePrivateKey, parsePrivateKey } from '../../pki/keys.js';
import type { AcmeIssuerSpec, IssuerResource } from '../../spec/types.js';
import type { AcmeIssuerDeps } from './acme-issuer.js';
import type { AcmeHttp } from './acme-http.js';
import { AcmeProblem } from './problem.js';
import { acmeServerFor } from './server-session.js';

/**
 * An ACME session with a registered account: loads the account key from `privateKeySecretRef`
 * (creating an RSA 2048 PKCS#1 key as cert-manager does, unless disableAccountKeyGeneration),
 * finds the account of a stored key with `onlyReturnExisting`, and registers only when there is
 * none, so one key never gets two accounts on one server.
 */
export async function openAccount(resource: IssuerResource, spec: AcmeIssuerSpec, deps: AcmeIssuerDeps, signal?: AbortSignal, event?: (r: string, m: string) => void): Promise<AcmeHttp> {
  const ns = deps.secretNamespace;
  const ref = spec.privateKeySecretRef;
  const dataKey = ref.key ?? 'tls.key';
  const found = await deps.secrets(ns, ref.name);
  let keyPem = found?.data[dataKey]?.toString('utf8');
  const existing = Boolean(keyPem);
  if (keyPem) {
    try {
      parsePrivateKey(keyPem);
    } catch (err) {
      throw new Error(`ACME account key in ${found!.source} (key ${dataKey}) is not a private key: ${(err as Error).message}`);
    }
  } else {
    if (spec.disableAccountKeyGeneration) {
      throw new Error(`ACME account key Secret ${ns}/${ref.name} (key ${dataKey}) not found and spec.acme.disableAccountKeyGeneration is true`);
    }
    keyPem = encodePrivateKey(await generatePrivateKey({ algorithm: 'RSA', size: 2048 }), 'PKCS1');
    // Saved before registering: an account must never exist without its key on our side. Created
    // only if absent where the store can: shards of one fleet starting together generate one key
    // each, the first one stored wins and the others use it.
    const data = { ...(found?.data ?? {}), [dataKey]: Buffer.from(keyPem) };
    const created = found || !deps.createSecret ? undefined : await deps.createSecret(ns, ref.name, data);
    const winner = created === false ? (await deps.secrets(ns, ref.name))?.data[dataKey]?.toString('utf8') : undefined;
    if (winner) {
      keyPem = winner;
      event?.('Account', `another run created the ACME account key in Secret ${ns}/${ref.name} meanwhile; using it`);
    } else {
      if (created !== true) await deps.saveSecret(ns, ref.name, data);
      event?.('Account', `generated a new ACME account key in Secret ${ns}/${ref.name}`);
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

  // Loaded here, not at the top: a run that only asks ARI never loads the signing code.
  const [{ AcmeHttp }, { keySigner }] = await Promise.all([import('./acme-http.js'), import('./transport/jws-signer.js')]);
  try {
    keySigner(keyPem);
  } catch (err) {
    throw new Error(`ACME account key in ${found?.source ?? `Secret ${ns}/${ref.name}`} (key ${dataKey}) cannot sign ACME requests: ${(err as Error).message}`);
  }
  const server = acmeServerFor(spec, deps.services.servers, deps.services.serverExtras());
  const http = new AcmeHttp({ directoryUrl: spec.server, accountKeyPem: keyPem, eab, server, signal });
  const contact = spec.email ? [`mailto:${spec.email}`] : undefined;
  if (existing) {
    try {
      const found = await http.newAccount({ onlyReturnExisting: true });
      const have = (found.data.contact as string[] | undefined) ?? [];
      if (contact && !contact.every((c) => have.includes(c)) && found.location) {
        await http.post(found.location, { contact });
        event?.('Account', `updated the ACME account contact to ${spec.email}`);
      }
      return http;
    } catch (err) {
      if (!(err instanceof AcmeProblem && err.is('accountDoesNotExist'))) throw err;
    }
  }
  const created = await http.newAccount({ termsOfServiceAgreed: true, ...(contact ? { contact } : {}) });
  event?.('Account', `registered ACME account ${created.location ?? ''} with ${spec.server} for ${resource.kind} ${resource.metadata.name}`);
  return http;
}
