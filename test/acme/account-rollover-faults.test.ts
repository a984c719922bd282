/**
 * Account key rollover when the CA misbehaves, which Pebble cannot be made to do: a refusal, a
 * change applied but answered with a 5xx (the retry is then refused, signed by the old key), and no
 * answer at all. A scripted ACME server keeps the one thing that matters, which key the account
 * has, and answers newAccount lookups and keyChange as a CA would; the Secret must always hold a
 * key the CA knows, and end with exactly that key.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountAdminError, openExistingAccount, rolloverAccountKey, showAccount, type AccountAdminDeps, type AcmeAccountRef } from '../../src/issuers/acme/account-admin.js';
import { jwkThumbprint, publicJwk, type Jwk } from '../../src/issuers/acme/transport/jwk.js';
import { encodePrivateKey, generatePrivateKey } from '../../src/pki/keys.js';
import { loadManifests } from '../../src/spec/load.js';
import { FileStore } from '../../src/stores/files.js';
import { startAcmeWireServer, type AcmeWireServer, type WireReply, type WireRequest } from '../fakes/acme-wire-server.js';

let acme: AcmeWireServer;
let root: string;
before(async () => {
  acme = await startAcmeWireServer();
  root = await mkdtemp(join(tmpdir(), 'certctl-rollover-faults-'));
});
after(async () => {
  await acme.stop();
  await rm(root, { recursive: true, force: true });
});

/** The CA's one piece of state: the thumbprint of the account's key. */
const ca = { key: '', keyChange: (_r: WireRequest, _next: string): WireReply => undefined };

beforeEach(() => {
  acme.requests.length = 0;
  acme.reply = (r) => {
    const account = `${acme.url}/acct/1`;
    if (r.path === '/account') {
      if (r.jws?.jwk && jwkThumbprint(r.jws.jwk as Jwk) === ca.key) return { status: 200, headers: { Location: account }, body: { status: 'valid', contact: ['mailto:ops@example.test'] } };
      return { status: 400, body: { type: 'urn:ietf:params:acme:error:accountDoesNotExist', detail: 'no account for this key' } };
    }
    if (r.path === '/key-change') {
      const inner = JSON.parse(r.payload ?? '{}') as { protected: string };
      const next = jwkThumbprint((JSON.parse(Buffer.from(inner.protected, 'base64url').toString('utf8')) as { jwk: Jwk }).jwk);
      return ca.keyChange(r, next);
    }
    return { status: 404, body: { type: 'urn:ietf:params:acme:error:malformed', detail: `no ${r.path}` } };
  };
});

const thumbprint = (pem: string): string => jwkThumbprint(publicJwk(createPrivateKey(pem)));

/** A fresh store with an account key the CA knows, and the account's references. */
async function world(name: string): Promise<{ ref: AcmeAccountRef; deps: AccountAdminDeps; store: FileStore; oldPem: string; data: () => Promise<Record<string, string>> }> {
  const store = new FileStore({ root: join(root, name) });
  const oldPem = encodePrivateKey(await generatePrivateKey({ algorithm: 'ECDSA', size: 256 }), 'PKCS1');
  await store.writeSecretData({ namespace: 'default', secretName: 'acct' }, { 'tls.key': Buffer.from(oldPem) });
  ca.key = thumbprint(oldPem);
  const manifests = loadManifests([
    {
      name: 'issuer.yaml',
      text: `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: acme, namespace: default}
spec:
  acme:
    server: ${acme.directoryUrl}
    caBundle: ${Buffer.from(acme.caPem).toString('base64')}
    privateKeySecretRef: {name: acct}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
`,
    },
  ]);
  const issuer = [...manifests.issuers.values()][0];
  assert.equal(issuer.spec.type, 'acme');
  const ref: AcmeAccountRef = { issuer, spec: issuer.spec.type === 'acme' ? issuer.spec.acme : (undefined as never), secretNamespace: 'default' };
  const deps: AccountAdminDeps = {
    secrets: async (ns, n) => {
      const data = await store.readSecretData({ namespace: ns, secretName: n });
      return data ? { data, source: `Secret ${ns}/${n}` } : undefined;
    },
    saveSecret: (ns, n, data, remove) => store.writeSecretData({ namespace: ns, secretName: n }, data, { remove }),
    servers: new Map(),
  };
  const data = async () => Object.fromEntries(Object.entries((await store.readSecretData({ namespace: 'default', secretName: 'acct' })) ?? {}).map(([k, v]) => [k, v.toString('utf8')]));
  return { ref, deps, store, oldPem, data };
}

test('a refused key change: the account keeps its key and the pending one is dropped', async () => {
  const w = await world('refused');
  ca.keyChange = () => ({ status: 400, body: { type: 'urn:ietf:params:acme:error:malformed', detail: 'inner JWS error' } });
  await assert.rejects(rolloverAccountKey(w.ref, w.deps), (e: Error) => e instanceof AccountAdminError && e.kind === 'state' && /the CA refused the key change, the account keeps its key: .*malformed: inner JWS error/.test(e.message));
  assert.deepEqual(await w.data(), { 'tls.key': w.oldPem });
  assert.equal(ca.key, thumbprint(w.oldPem));
});

test('a change applied but answered 500, its retry refused: the CA has the new key, and so does the Secret', async () => {
  const w = await world('applied');
  let attempts = 0;
  ca.keyChange = (_r, next) => {
    attempts++;
    if (attempts === 1) {
      ca.key = next;
      return { status: 500, body: { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'database timeout' } };
    }
    return { status: 403, body: { type: 'urn:ietf:params:acme:error:unauthorized', detail: 'JWS verification error' } };
  };
  const result = await rolloverAccountKey(w.ref, w.deps);
  assert.equal(attempts, 2, 'the 500 was retried once, with a fresh signature');
  const data = await w.data();
  assert.deepEqual(Object.keys(data), ['tls.key']);
  assert.equal(thumbprint(data['tls.key']), ca.key, 'the Secret holds the key the CA has');
  assert.equal(result.account.key?.thumbprint, ca.key);
  assert.equal(result.previousKey.thumbprint, thumbprint(w.oldPem));
});

test('no answer at all: both keys are kept; the key the CA ends up with is the one the next use keeps', async () => {
  const w = await world('silent');
  let newKey = '';
  ca.keyChange = (_r, next) => {
    newKey = next;
    return 'close';
  };
  await assert.rejects(rolloverAccountKey(w.ref, w.deps), (e: Error) => e instanceof AccountAdminError && /the CA may or may not have switched to the new key: both keys are kept in Secret default\/acct \(tls\.key, tls\.key\.next\)/.test(e.message));
  const kept = await w.data();
  assert.deepEqual(Object.keys(kept).sort(), ['tls.key', 'tls.key.next']);
  assert.equal(kept['tls.key'], w.oldPem);
  assert.equal(thumbprint(kept['tls.key.next']), newKey);

  // The CA did not switch: the account works with the old key; show says so.
  const shown = await showAccount(w.ref, w.deps);
  assert.equal(shown.status, 'valid');
  assert.equal(shown.pendingRollover, 'not-accepted');
  assert.equal(shown.key?.thumbprint, thumbprint(w.oldPem));

  // It switched after all (a late request): the next use finds only the new key known, and stores it.
  ca.key = newKey;
  assert.equal((await showAccount(w.ref, w.deps)).pendingRollover, 'accepted');
  const opened = await openExistingAccount(w.ref, w.deps);
  assert.equal(opened.found.usedPending, true);
  const done = await w.data();
  assert.deepEqual(Object.keys(done), ['tls.key']);
  assert.equal(thumbprint(done['tls.key']), newKey);
});
