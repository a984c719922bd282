/**
 * The built CLI against the fake Vault: `issue` writes tls.crt / tls.key / ca.crt that openssl
 * verifies, a `renew` with nothing due never logs in, secrets never reach the output even with
 * -v; and, with the real kube-apiserver, `--store kubernetes` with Kubernetes auth through a
 * TokenRequest token that Vault checks with a real TokenReview.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipUnlessApiServer, startApiServer } from '../helpers/kube-apiserver.js';
import type { ApiServer, PolicyRule } from '../helpers/kube-apiserver.js';
import { openssl, runCli } from '../helpers/run-cli.js';
import { startFakeVault } from '../fakes/vault-server.js';
import type { FakeVault } from '../fakes/vault-server.js';
import { makePki, secretYaml } from '../issuers/vault-harness.js';
import type { TestPki } from '../issuers/vault-harness.js';

const SECRET_ID = 'e2e-secret-id-7f3a9c';

function manifests(vault: FakeVault, ns = 'apps'): string {
  return `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: vault, namespace: ${ns}}
spec:
  vault:
    server: ${vault.url}
    path: pki/sign/web
    caBundle: ${Buffer.from(vault.caPem).toString('base64')}
    auth:
      appRole: {path: approle, roleId: certctl-role, secretRef: {name: vault-approle, key: secretId}}
${secretYaml(ns, 'vault-approle', { secretId: SECRET_ID })}---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: ${ns}}
spec:
  secretName: web-tls
  commonName: web.example.test
  dnsNames: [web.example.test, www.example.test]
  duration: 720h
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: vault}
`;
}

describe('certctl (built) with a vault issuer', () => {
  let pki: TestPki;
  let vault: FakeVault;
  let dir: string;
  before(async () => {
    pki = await makePki();
    vault = await startFakeVault({
      pki: { issuers: [pki.issuer], roles: { web: { allowed_domains: ['example.test'], allow_subdomains: true, key_type: 'any' } } },
      policies: { pki: ['pki/sign/web'] },
      approle: { roles: { certctl: { role_id: 'certctl-role', secret_ids: [SECRET_ID], token_policies: ['pki'] } } },
    });
    dir = await mkdtemp(join(tmpdir(), 'certctl-vault-e2e-'));
  });
  after(async () => {
    await vault?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('issue writes what cert-manager writes; renew with nothing due does not log in; no secret in any output', async () => {
    const file = join(dir, 'vault.yaml');
    await writeFile(file, manifests(vault));
    const out = join(dir, 'out');
    const r = await runCli(['issue', '-f', file, '--out-dir', out, '-o', 'json', '-v']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.issued, 1);
    const leaf = join(out, 'apps/web-tls');
    await writeFile(join(dir, 'root.pem'), pki.root.pem);
    assert.match(openssl(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(leaf, 'tls.crt'), join(leaf, 'tls.crt')]), /: OK/);
    assert.equal(await readFile(join(leaf, 'ca.crt'), 'utf8'), pki.root.pem.endsWith('\n') ? pki.root.pem : `${pki.root.pem}\n`);
    assert.equal(openssl(['pkey', '-in', join(leaf, 'tls.key'), '-pubout']), openssl(['x509', '-in', join(leaf, 'tls.crt'), '-noout', '-pubkey']));
    const text = openssl(['x509', '-in', join(leaf, 'tls.crt'), '-noout', '-text']);
    assert.match(text, /DNS:web\.example\.test, DNS:www\.example\.test/);
    assert.match(text, /Issuer: .*CN ?= ?Example Issuing CA/);
    assert.equal((await readFile(join(leaf, 'tls.crt'), 'utf8')).match(/BEGIN CERTIFICATE/g)?.length, 2, 'leaf and intermediate');
    assert.match(r.stderr, /apps\/web: Requested: asking Vault https:\/\/127\.0\.0\.1:\d+ to sign at \/v1\/pki\/sign\/web/);

    const tokens = [...vault.tokens.keys()];
    for (const s of [SECRET_ID, ...tokens]) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'no secret_id or token in the output');
    assert.deepEqual(vault.calls.map((c) => `${c.path} ${c.status}`), ['/v1/auth/approle/login 200', '/v1/pki/sign/web 200', '/v1/auth/token/revoke-self 204']);

    const again = await runCli(['renew', '-f', file, '--out-dir', out, '--no-jitter', '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).summary.upToDate, 1);
    assert.equal(vault.calls.length, 3, 'nothing due: Vault is not contacted');
  });

  test('a Vault refusal: exit code, the path, the status and Vault\'s message on stderr', async () => {
    const file = join(dir, 'denied.yaml');
    await writeFile(file, manifests(vault).replace('dnsNames: [web.example.test, www.example.test]', 'dnsNames: [web.example.test, web.example.org]'));
    const r = await runCli(['issue', '-f', file, '--out-dir', join(dir, 'denied')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Vault POST https:\/\/127\.0\.0\.1:\d+\/v1\/pki\/sign\/web: HTTP 400: subject alternate name web\.example\.org not allowed by this role/);
    assert.ok(!r.stderr.includes(SECRET_ID));
  });
});

/** Exactly the verbs certctl uses with --store kubernetes, plus creating tokens for the Vault ServiceAccount. */
const RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: ['vault-issuer'] },
];

describe('certctl --store kubernetes with Vault Kubernetes auth (real kube-apiserver)', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let pki: TestPki;
  let vault: FakeVault;
  let dir: string;
  const reviews: { audiences: string[]; user: string }[] = [];
  before(async () => {
    k8s = await startApiServer();
    pki = await makePki();
    dir = await mkdtemp(join(tmpdir(), 'certctl-vault-k8s-'));
    vault = await startFakeVault({
      pki: { issuers: [pki.issuer], roles: { web: { allowed_domains: ['example.test'], allow_subdomains: true } } },
      policies: { pki: ['pki/sign/web'] },
      kubernetes: {
        roles: { certctl: { bound_service_account_names: ['vault-issuer'], bound_service_account_namespaces: ['vault-e2e'], audience: 'vault://vault-e2e/vault', token_policies: ['pki'] } },
        // What Vault's kubernetes auth does: a TokenReview with the reviewer's credentials.
        review: async (jwt, audience) => {
          const spec = audience ? { token: jwt, audiences: [audience] } : { token: jwt };
          const r = await k8s.admin('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });
          const status = r.body?.status;
          if (!status?.authenticated) return `lookup failed: ${status?.error ?? 'not authenticated'}`;
          reviews.push({ audiences: status.audiences, user: status.user.username });
          const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(status.user.username);
          return m ? { namespace: m[1]!, name: m[2]!, audiences: status.audiences } : 'not a service account';
        },
      },
    });
  });
  after(async () => {
    await vault?.stop();
    await k8s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a TokenRequest token for serviceAccountRef, with cert-manager\'s audiences, verified by a real TokenReview', async () => {
    const token = await k8s.createServiceAccountToken('vault-e2e', 'certctl', RULES);
    const created = await k8s.admin('POST', '/api/v1/namespaces/vault-e2e/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault-issuer' } });
    assert.ok([201, 409].includes(created.status));
    const kc = join(dir, 'kubeconfig');
    await writeFile(
      kc,
      `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: u, user: {token: "${token}"}}]
contexts: [{name: t, context: {cluster: t, user: u, namespace: vault-e2e}}]
current-context: t
`,
    );
    const yaml = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: vault, namespace: vault-e2e}
spec:
  vault:
    server: ${vault.url}
    path: pki/sign/web
    caBundle: ${Buffer.from(vault.caPem).toString('base64')}
    auth:
      kubernetes:
        role: certctl
        serviceAccountRef: {name: vault-issuer}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: vault-e2e}
spec:
  secretName: web-tls
  commonName: web.example.test
  dnsNames: [web.example.test]
  issuerRef: {name: vault}
`;
    const r = await runCli(['renew', '-f', '-', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reviews, [{ audiences: ['vault://vault-e2e/vault'], user: 'system:serviceaccount:vault-e2e:vault-issuer' }]);
    const s = await k8s.admin('GET', '/api/v1/namespaces/vault-e2e/secrets/web-tls');
    assert.equal(s.status, 200);
    assert.equal(s.body.type, 'kubernetes.io/tls');
    await writeFile(join(dir, 'tls.crt'), Buffer.from(s.body.data['tls.crt'], 'base64'));
    await writeFile(join(dir, 'root.pem'), pki.root.pem);
    assert.match(openssl(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'tls.crt'), join(dir, 'tls.crt')]), /: OK/);
    assert.equal(Buffer.from(s.body.data['ca.crt'], 'base64').toString(), pki.root.pem);
    assert.equal(s.body.metadata.annotations['cert-manager.io/issuer-name'], 'vault');
  });
});
