/**
 * What Vault's PKI role decides, seen through certctl: names the role refuses, TTLs it caps,
 * a CA that expires first, policies that deny, the other sign paths (issuer/:ref/sign/:role,
 * sign-verbatim) and namespaces. Each failure must name the Vault path, the HTTP status and
 * Vault's own message; each success is verified with openssl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCertificateChain } from '../../src/pki/parse.js';
import { startFakeVault } from '../fakes/vault-server.js';
import type { FakeVault } from '../fakes/vault-server.js';
import { makeCa } from '../fakes/vault-tls.js';
import { certificateYaml, makePki, opensslVerify, runVault, secretYaml, vaultIssuerYaml } from './vault-harness.js';
import type { TestPki } from './vault-harness.js';

describe('vault issuer: PKI roles, sign paths and namespaces', () => {
  let pki: TestPki;
  let vault: FakeVault;
  let token: string;

  before(async () => {
    pki = await makePki();
    const shortCa = await makeCa('Short-lived Issuing CA', { parent: pki.root, days: 10 });
    vault = await startFakeVault({
      pki: {
        issuers: [pki.issuer, { name: 'short', certificate: shortCa.certificate, key: shortCa.key, parents: [pki.root.certificate] }],
        roles: {
          web: { allowed_domains: ['example.test'], allow_subdomains: true, max_ttl: '48h' },
          bare: { allowed_domains: ['example.test'], allow_bare_domains: true },
          nowild: { allowed_domains: ['example.test'], allow_subdomains: true, allow_wildcard_certificates: false },
          glob: { allowed_domains: ['*.svc.example.test'], allow_glob_domains: true },
          noip: { allowed_domains: ['example.test'], allow_subdomains: true, allow_ip_sans: false },
          uri: { allowed_domains: ['example.test'], allow_subdomains: true, allowed_uri_sans: ['spiffe://example.test/*'] },
          nocn: { allowed_domains: ['example.test'], allow_subdomains: true, require_cn: false },
          ec: { allowed_domains: ['example.test'], allow_subdomains: true, key_type: 'ec', key_bits: 384 },
        },
      },
      policies: { pki: ['pki/sign/*', 'pki/issuer/+/sign/*', 'pki/sign-verbatim'], narrow: ['pki/sign/bare'] },
    });
    token = vault.createToken(['pki']);
  });
  after(() => vault?.stop());

  const issuer = (path: string, t = token, extra = ''): string =>
    vaultIssuerYaml(`    server: ${vault.url}\n    path: ${path}\n    caBundle: ${Buffer.from(vault.caPem).toString('base64')}\n${extra}    auth:\n      tokenSecretRef: {name: vault-token}`) + secretYaml('apps', 'vault-token', { token: t });

  async function fails(yaml: string, pattern: RegExp): Promise<string> {
    const r = await runVault(yaml);
    const web = r.results[0]!;
    assert.equal(web.action, 'failed', 'must fail');
    assert.match(web.error!, pattern);
    assert.ok(!web.error!.includes(token), 'never the token');
    return web.error!;
  }

  async function issued(yaml: string): Promise<{ crt: string; ca: string; events: string[] }> {
    const r = await runVault(yaml);
    assert.equal(r.results[0]!.action, 'issued', r.results[0]!.error);
    const s = await r.secret('web-tls');
    assert.match(await opensslVerify(pki.root.pem, s['tls.crt']!), /: OK/);
    return { crt: s['tls.crt']!, ca: s['ca.crt']!, events: r.events.map((e) => `${e.level} ${e.reason}: ${e.message}`) };
  }

  test('a name outside allowed_domains: HTTP 400 "subject alternate name … not allowed by this role"', async () => {
    await fails(issuer('pki/sign/web') + certificateYaml({ dnsNames: ['web.example.test', 'evil.example.org'] }), /Vault POST https:\/\/127\.0\.0\.1:\d+\/v1\/pki\/sign\/web: HTTP 400: subject alternate name evil\.example\.org not allowed by this role$/);
  });

  test('the common name is checked even though it is excluded from the SANs', async () => {
    await fails(issuer('pki/sign/web') + certificateYaml({ commonName: 'other.example.org', dnsNames: ['web.example.test'] }), /HTTP 400: common name other\.example\.org not allowed by this role/);
  });

  test('no commonName and a role with require_cn: Vault\'s message; require_cn=false signs', async () => {
    await fails(issuer('pki/sign/web') + certificateYaml({ commonName: '' }), /HTTP 400: the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false/);
    const { crt } = await issued(issuer('pki/sign/nocn') + certificateYaml({ commonName: '' }));
    const leaf = parseCertificateChain(crt)[0]!;
    assert.equal(leaf.commonName, '');
    assert.deepEqual(leaf.dnsNames, ['web.example.test']);
  });

  test('allow_bare_domains, allow_glob_domains, wildcards refused by allow_wildcard_certificates=false', async () => {
    await issued(issuer('pki/sign/bare') + certificateYaml({ dnsNames: ['example.test'] }));
    await fails(issuer('pki/sign/bare') + certificateYaml({ dnsNames: ['sub.example.test'] }), /common name sub\.example\.test not allowed by this role/);
    await issued(issuer('pki/sign/glob') + certificateYaml({ dnsNames: ['api.svc.example.test'] }));
    await issued(issuer('pki/sign/web') + certificateYaml({ commonName: 'web.example.test', dnsNames: ['web.example.test', '"*.web.example.test"'] }));
    await fails(issuer('pki/sign/nowild') + certificateYaml({ commonName: 'web.example.test', dnsNames: ['web.example.test', '"*.web.example.test"'] }), /subject alternate name \*\.web\.example\.test not allowed by this role/);
  });

  test("the role's key_type (Vault defaults to rsa) and key_bits", async () => {
    const ecdsa = (size: number): string => certificateYaml().replace('  dnsNames:', `  privateKey: {algorithm: ECDSA, size: ${size}}\n  dnsNames:`);
    await fails(issuer('pki/sign/web') + ecdsa(256), /HTTP 400: role requires keys of type rsa$/);
    await fails(issuer('pki/sign/ec') + ecdsa(256), /HTTP 400: role requires a minimum of a 384-bit key, but CSR's key is 256 bits$/);
    const { crt } = await issued(issuer('pki/sign/ec') + ecdsa(384));
    assert.equal(parseCertificateChain(crt)[0]!.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
  });

  test('IP and URI SANs against allow_ip_sans and allowed_uri_sans', async () => {
    await fails(issuer('pki/sign/noip') + certificateYaml({ ipAddresses: ['10.0.0.1'] }), /HTTP 400: IP Subject Alternative Names are not allowed in this role, but was provided via CSR/);
    await fails(issuer('pki/sign/web') + certificateYaml({ uris: ['spiffe://example.test/web'] }), /URI Subject Alternative Names are not allowed in this role, but were provided via CSR/);
    const { crt } = await issued(issuer('pki/sign/uri') + certificateYaml({ uris: ['spiffe://example.test/web'] }));
    assert.deepEqual(parseCertificateChain(crt)[0]!.uris, ['spiffe://example.test/web']);
  });

  test('a duration above max_ttl: Vault caps it and warns; certctl stores the capped certificate and shows the warning', async () => {
    const { crt, events } = await issued(issuer('pki/sign/web') + certificateYaml({ duration: '2160h' }));
    const leaf = parseCertificateChain(crt)[0]!;
    const lifetime = leaf.notAfter.getTime() - Date.now();
    assert.ok(Math.abs(lifetime - 48 * 3_600_000) < 120_000, `capped at 48h (${lifetime} ms)`);
    assert.ok(events.includes('warning VaultWarning: Vault: TTL "2160h0m0s" is longer than permitted maxTTL "48h0m0s", so maxTTL is being used'), events.join('\n'));
  });

  test('issuer/:ref/sign/:role: a CA expiring before the requested lifetime is an error naming both dates', async () => {
    await fails(issuer('pki/issuer/short/sign/bare') + certificateYaml({ dnsNames: ['example.test'], duration: '720h' }), /HTTP 400: cannot satisfy request, as TTL would result in notAfter of \S+ that is beyond the expiration of the CA certificate at \S+/);
    const { ca, crt } = await issued(issuer('pki/issuer/short/sign/bare') + certificateYaml({ dnsNames: ['example.test'], duration: '24h' }));
    assert.equal(parseCertificateChain(crt)[1]!.commonName, 'Short-lived Issuing CA');
    assert.equal(parseCertificateChain(ca)[0]!.commonName, 'Example Root CA');
  });

  test('sign-verbatim: the CSR as is, no role checks', async () => {
    const { crt } = await issued(issuer('pki/sign-verbatim') + certificateYaml({ dnsNames: ['anything.example.org'] }));
    assert.deepEqual(parseCertificateChain(crt)[0]!.dnsNames, ['anything.example.org']);
  });

  test('a policy without the sign path: 403 with a hint naming the capability; an unknown role: 400', async () => {
    const narrow = vault.createToken(['narrow']);
    await fails(issuer('pki/sign/web', narrow) + certificateYaml(), /HTTP 403: 1 error occurred: \* permission denied \(the token's policy must grant "update" on pki\/sign\/web\)$/);
    await fails(issuer('pki/sign/nosuch') + certificateYaml(), /HTTP 400: unknown role: nosuch$/);
    await fails(issuer('pki/sign/web', 'hvs.not-a-token') + certificateYaml(), /HTTP 403: permission denied/);
  });
});

describe('vault issuer: namespaces (X-Vault-Namespace)', () => {
  test('logins and signing go to the namespace; without spec.vault.namespace the mounts are not found', async () => {
    const pki = await makePki();
    const vault = await startFakeVault({
      namespace: 'team-a',
      pki: { issuers: [pki.issuer], roles: { web: { allowed_domains: ['example.test'], allow_subdomains: true } } },
      policies: { pki: ['pki/sign/web'] },
      approle: { roles: { certctl: { role_id: 'r', secret_ids: ['s3cr3t-id'], token_policies: ['pki'] } } },
    });
    try {
      const yaml = (ns: string): string =>
        vaultIssuerYaml(`    server: ${vault.url}\n    path: pki/sign/web\n${ns}    caBundle: ${Buffer.from(vault.caPem).toString('base64')}\n    auth:\n      appRole: {path: approle, roleId: r, secretRef: {name: ar, key: id}}`) +
        secretYaml('apps', 'ar', { id: 's3cr3t-id' }) +
        certificateYaml();
      const ok = await runVault(yaml('    namespace: team-a\n'));
      assert.equal(ok.results[0]!.action, 'issued', ok.results[0]!.error);
      assert.match(await opensslVerify(pki.root.pem, (await ok.secret('web-tls'))['tls.crt']!), /: OK/);
      assert.deepEqual([...new Set(vault.calls.map((c) => `${c.path} ${c.namespace}`))], ['/v1/auth/approle/login team-a', '/v1/pki/sign/web team-a', '/v1/auth/token/revoke-self team-a']);
      const none = await runVault(yaml(''));
      assert.match(none.results[0]!.error!, /\/v1\/auth\/approle\/login: HTTP 404: no handler for route "auth\/approle\/login"\. route entry not found\./);
    } finally {
      await vault.stop();
    }
  });
});
