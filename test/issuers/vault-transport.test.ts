/**
 * Reaching Vault as cert-manager does: the CA bundle (inline or from a Secret) replacing the
 * system roots, serverName, mTLS with a client certificate from Secrets, plain http, retries on
 * 5xx, a standby's redirect to the active node, and the hint for a mountPath without /v1/.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { startFakeVault } from '../fakes/vault-server.js';
import type { FakeVaultOptions } from '../fakes/vault-server.js';
import { issueLeaf, makeCa } from '../fakes/vault-tls.js';
import { certificateYaml, makePki, opensslVerify, runVault, secretYaml, vaultIssuerYaml } from './vault-harness.js';

const ROLES = { web: { allowed_domains: ['example.test'], allow_subdomains: true } };

async function withVault(extra: Partial<FakeVaultOptions>, fn: (v: Awaited<ReturnType<typeof startFakeVault>>, root: string) => Promise<void>): Promise<void> {
  const pki = await makePki();
  const vault = await startFakeVault({ pki: { issuers: [pki.issuer], roles: ROLES }, policies: { pki: ['pki/sign/web'] }, ...extra });
  try {
    await fn(vault, pki.root.pem);
  } finally {
    await vault.stop();
  }
}

const tokenAuth = (token: string): string => `    auth:\n      tokenSecretRef: {name: vault-token}\n${secretYaml('apps', 'vault-token', { token })}`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('vault issuer: TLS and transport', () => {
  test('mTLS: refused without the client certificate, signed with clientCertSecretRef/clientKeySecretRef', async () => {
    const clientCa = await makeCa('mTLS client CA');
    const client = await issueLeaf(clientCa, { commonName: 'certctl-mtls', usages: ['digital signature', 'client auth'] });
    await withVault({ clientCa: clientCa.pem }, async (vault, root) => {
      const token = vault.createToken(['pki']);
      const base = `    server: ${vault.url}\n    path: pki/sign/web\n    caBundle: ${b64(vault.caPem)}\n`;
      const without = await runVault(vaultIssuerYaml(base + tokenAuth(token)) + certificateYaml());
      assert.equal(without.results[0]!.action, 'failed');
      assert.match(without.results[0]!.error!, /^Vault POST https:\/\/127\.0\.0\.1:\d+\/v1\/pki\/sign\/web: TLS: the server refused the connection \(alert certificate required\): it wants a client certificate it trusts \(set spec\.vault\.clientCertSecretRef and clientKeySecretRef\)$/);
      const yaml =
        vaultIssuerYaml(`${base}    clientCertSecretRef: {name: vault-client, key: tls.crt}\n    clientKeySecretRef: {name: vault-client}\n${tokenAuth(token)}`) +
        secretYaml('apps', 'vault-client', { 'tls.crt': client.certPem, 'tls.key': client.keyPem }) +
        certificateYaml();
      const r = await runVault(yaml);
      assert.equal(r.results[0]!.action, 'issued', r.results[0]!.error);
      assert.match(await opensslVerify(root, (await r.secret('web-tls'))['tls.crt']!), /: OK/);
      assert.match(vault.calls.at(-1)!.clientCertificate ?? '', /CN=certctl-mtls/);
    });
  });

  test('caBundleSecretRef (key defaults to ca.crt); without a bundle the TLS failure says how to fix it', async () => {
    await withVault({}, async (vault, root) => {
      const token = vault.createToken(['pki']);
      const yaml = vaultIssuerYaml(`    server: ${vault.url}\n    path: pki/sign/web\n    caBundleSecretRef: {name: vault-ca}\n${tokenAuth(token)}`) + secretYaml('apps', 'vault-ca', { 'ca.crt': vault.caPem }) + certificateYaml();
      const r = await runVault(yaml);
      assert.equal(r.results[0]!.action, 'issued', r.results[0]!.error);
      assert.match(await opensslVerify(root, (await r.secret('web-tls'))['tls.crt']!), /: OK/);
      const bare = await runVault(vaultIssuerYaml(`    server: ${vault.url}\n    path: pki/sign/web\n${tokenAuth(token)}`) + certificateYaml());
      assert.match(bare.results[0]!.error!, /TLS: .*\(set spec\.vault\.caBundle or caBundleSecretRef to the CA that signed Vault's certificate, or serverName\)/);
    });
  });

  test('serverName verifies the certificate against another name than the address', async () => {
    await withVault({ tlsNames: ['vault.internal'] }, async (vault) => {
      const token = vault.createToken(['pki']);
      const yaml = (extra: string): string => vaultIssuerYaml(`    server: ${vault.url}\n    path: pki/sign/web\n    caBundle: ${b64(vault.caPem)}\n${extra}${tokenAuth(token)}`) + certificateYaml();
      const wrong = await runVault(yaml(''));
      assert.match(wrong.results[0]!.error!, /TLS: .*(altnames|IP: 127\.0\.0\.1)/i);
      const right = await runVault(yaml('    serverName: vault.internal\n'));
      assert.equal(right.results[0]!.action, 'issued', right.results[0]!.error);
    });
  });

  test('plain http, a 503 retried, and a standby redirecting to the active node', async () => {
    await withVault({ http: true }, async (vault, root) => {
      const token = vault.createToken(['pki']);
      // A standby node: 307 to the active one, as Vault does for requests it cannot serve.
      const standby = createServer((req, res) => res.writeHead(307, { Location: `${vault.url}${req.url}` }).end());
      await new Promise<void>((resolve) => standby.listen(0, '127.0.0.1', resolve));
      try {
        vault.failNext('/v1/pki/sign/web', 503, ['Vault is sealed']);
        const url = `http://127.0.0.1:${(standby.address() as AddressInfo).port}`;
        const r = await runVault(vaultIssuerYaml(`    server: ${url}\n    path: pki/sign/web\n${tokenAuth(token)}`) + certificateYaml());
        assert.equal(r.results[0]!.action, 'issued', r.results[0]!.error);
        assert.match(await opensslVerify(root, (await r.secret('web-tls'))['tls.crt']!), /: OK/);
        assert.deepEqual(vault.calls.map((c) => `${c.path} ${c.status}`), ['/v1/pki/sign/web 503', '/v1/pki/sign/web 200']);
      } finally {
        standby.close();
      }
    });
  });

  test('a login mountPath without /v1/: Vault\'s 404 and the hint', async () => {
    const clientCa = await makeCa('c');
    await withVault({ kubernetes: { roles: {}, review: async () => 'permission denied' }, acceptClientCas: [clientCa.pem] }, async (vault) => {
      const yaml = vaultIssuerYaml(`    server: ${vault.url}\n    path: pki/sign/web\n    caBundle: ${b64(vault.caPem)}\n    auth:\n      kubernetes: {role: r, mountPath: auth/kubernetes, secretRef: {name: jwt}}`) + secretYaml('apps', 'jwt', { token: 'a.b.c' }) + certificateYaml();
      const r = await runVault(yaml);
      assert.match(r.results[0]!.error!, /POST https:\/\/127\.0\.0\.1:\d+\/auth\/kubernetes\/login: HTTP 404: .*\(an auth mountPath includes the \/v1\/ prefix, e\.g\. \/v1\/auth\/kubernetes\)/);
    });
  });
});
