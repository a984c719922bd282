/**
 * The `vault` issuer through a whole certctl run (plan, input checks, issuer registry, CSR,
 * chain checks, store) against the fake Vault (test/fakes/vault-server.ts), one auth method at
 * a time; every certificate verified with openssl against the PKI's root.
 */
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseCertificateChain } from '../../src/pki/parse.js';
import { ApiError } from '../fakes/route53-state.js';
import { handleSts, stsError } from '../fakes/sts-handler.js';
import type { FakeKey } from '../fakes/sts-handler.js';
import { startFakeVault } from '../fakes/vault-server.js';
import type { FakeVault, FakeVaultOptions } from '../fakes/vault-server.js';
import { issueLeaf, makeCa } from '../fakes/vault-tls.js';
import { certificateYaml, makePki, opensslVerify, runVault, secretYaml, vaultIssuerYaml } from './vault-harness.js';
import type { TestPki } from './vault-harness.js';

const ROLE = { allowed_domains: ['example.test'], allow_subdomains: true };

/** A Kubernetes-style ServiceAccount JWT signed with `key` (what the API server issues). */
function serviceAccountJwt(key: KeyObject, ns: string, name: string, aud: string[]): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${enc({ alg: 'RS256', kid: 'test' })}.${enc({ aud, exp: now + 600, iat: now, iss: 'https://kubernetes.default.svc', sub: `system:serviceaccount:${ns}:${name}`, 'kubernetes.io': { namespace: ns, serviceaccount: { name, uid: '0b7e' } } })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

/** Vault's JWT check (signature with the API server's key) standing in for the TokenReview. */
function reviewWith(publicKey: KeyObject): NonNullable<FakeVaultOptions['kubernetes']>['review'] {
  return async (jwt) => {
    const [h, p, s] = jwt.trim().split('.');
    const { createVerify } = await import('node:crypto');
    if (!h || !p || !s || !createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(s, 'base64url'))) return 'permission denied';
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud: string[]; 'kubernetes.io': { namespace: string; serviceaccount: { name: string } } };
    return { namespace: claims['kubernetes.io'].namespace, name: claims['kubernetes.io'].serviceaccount.name, audiences: claims.aud };
  };
}

describe('vault issuer: every auth method, a whole run each, openssl-verified', () => {
  let pki: TestPki;
  let vault: FakeVault;
  let dir: string;
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let clientCa: Awaited<ReturnType<typeof makeCa>>;
  let authCert: { certPem: string; keyPem: string };
  const awsKeys = new Map<string, FakeKey>([['AKIAVAULTTEST0001', { secret: 'c2VjcmV0LWtleS1mb3ItdmF1bHQ', principal: 'arn:aws:iam::123456789012:user/certctl' }]]);

  before(async () => {
    pki = await makePki();
    dir = await mkdtemp(join(tmpdir(), 'certctl-vault-'));
    clientCa = await makeCa('Vault client auth CA');
    authCert = await issueLeaf(clientCa, { commonName: 'certctl-login', usages: ['digital signature', 'client auth'] });
    vault = await startFakeVault({
      acceptClientCas: [clientCa.pem],
      pki: { issuers: [pki.issuer], roles: { web: ROLE } },
      policies: { pki: ['pki/sign/web'] },
      approle: { roles: { certctl: { role_id: 'role-1234', secret_ids: ['secret-id-5678'], token_policies: ['pki'] } } },
      kubernetes: {
        roles: { certctl: { bound_service_account_names: ['certctl'], bound_service_account_namespaces: ['apps'], token_policies: ['pki'] } },
        review: reviewWith(sa.publicKey),
      },
      cert: { roles: { certctl: { certificate: clientCa.pem, token_policies: ['pki'] } } },
      aws: {
        roles: {
          certctl: { bound_iam_principal_arn: ['arn:aws:iam::123456789012:user/certctl'], token_policies: ['pki'] },
          irsa: { bound_iam_principal_arn: ['arn:aws:iam::123456789012:role/vault-login'], token_policies: ['pki'] },
        },
        iamServerIdHeaderValue: 'vault.example.test',
        keys: awsKeys,
      },
    });
  });
  after(async () => {
    await vault?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const common = (): string => `    server: ${vault.url}\n    path: pki/sign/web\n    caBundle: ${Buffer.from(vault.caPem).toString('base64')}\n`;

  async function expectIssued(yaml: string, o: Parameters<typeof runVault>[1] = {}): Promise<Record<string, string>> {
    const r = await runVault(yaml, o);
    const web = r.results.find((x) => x.name === 'web')!;
    assert.equal(web.action, 'issued', `${web.error ?? ''}\n${r.events.map((e) => `${e.reason}: ${e.message}`).join('\n')}`);
    const s = await r.secret('web-tls');
    assert.match(await opensslVerify(pki.root.pem, s['tls.crt']!), /: OK/);
    return s;
  }

  test('tokenSecretRef: the sign request as cert-manager sends it; tls.crt = leaf + intermediate, ca.crt = root; the token is not revoked', async () => {
    const token = vault.createToken(['pki']);
    const before = vault.pki.signings.length;
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      tokenSecretRef: {name: vault-token}`) + secretYaml('apps', 'vault-token', { token: `${token}\n` }) + certificateYaml({ commonName: 'web.example.test', dnsNames: ['web.example.test', 'api.example.test'], ipAddresses: ['127.0.0.1'], duration: '720h' });
    vault.pki.opts.roles.web = { ...ROLE, allow_ip_sans: true };
    const s = await expectIssued(yaml);
    const signing = vault.pki.signings[before]!;
    assert.equal(signing.path, 'sign/web');
    const body = signing.body;
    assert.deepEqual(Object.keys(body).sort(), ['alt_names', 'common_name', 'csr', 'exclude_cn_from_sans', 'ip_sans', 'ttl', 'uri_sans']);
    assert.deepEqual({ ...body, csr: undefined }, { common_name: 'web.example.test', alt_names: 'web.example.test,api.example.test', ip_sans: '127.0.0.1', uri_sans: '', ttl: '720h0m0s', exclude_cn_from_sans: 'true', csr: undefined });
    assert.match(String(body.csr), /^-----BEGIN CERTIFICATE REQUEST-----/);
    const chain = parseCertificateChain(s['tls.crt']!);
    assert.deepEqual(chain.map((c) => c.commonName), ['web.example.test', 'Example Issuing CA']);
    assert.equal(parseCertificateChain(s['ca.crt']!)[0]!.fingerprintSha256, pki.root.certificate.fingerprintSha256);
    assert.deepEqual(chain[0]!.dnsNames, ['web.example.test', 'api.example.test']);
    assert.deepEqual(chain[0]!.ipAddresses, ['127.0.0.1']);
    const lifetime = chain[0]!.notAfter.getTime() - Date.now();
    assert.ok(Math.abs(lifetime - 720 * 3_600_000) < 120_000, `ttl honoured (${lifetime} ms)`);
    const calls = vault.calls.filter((c) => c.path === '/v1/pki/sign/web');
    assert.ok(calls.every((c) => c.vaultRequestHeader && c.tokenVia === 'static'));
    assert.equal(vault.tokens.get(token)!.revoked, false, "a user's token is never revoked");
    assert.equal(vault.calls.filter((c) => c.path.startsWith('/v1/auth/token/')).length, 0, 'and never renewed');
  });

  test('appRole: one login per run, the token revoked at the end', async () => {
    const n = vault.calls.length;
    const yaml =
      vaultIssuerYaml(`${common()}    auth:\n      appRole: {path: approle, roleId: role-1234, secretRef: {name: approle, key: secretId}}`) +
      secretYaml('apps', 'approle', { secretId: 'secret-id-5678' }) +
      certificateYaml() +
      certificateYaml({ name: 'api', dnsNames: ['api.example.test'] });
    const r = await runVault(yaml);
    assert.deepEqual(r.results.map((x) => x.action), ['issued', 'issued']);
    for (const name of ['web-tls', 'api-tls']) assert.match(await opensslVerify(pki.root.pem, (await r.secret(name))['tls.crt']!), /: OK/);
    const calls = vault.calls.slice(n);
    assert.deepEqual(calls.filter((c) => c.path.startsWith('/v1/auth/')).map((c) => `${c.path} ${c.status}`), ['/v1/auth/approle/login 200', '/v1/auth/token/revoke-self 204']);
    assert.equal(calls.filter((c) => c.path === '/v1/pki/sign/web' && c.tokenVia === 'approle').length, 2);
    const approleTokens = [...vault.tokens.values()].filter((t) => t.via === 'approle');
    assert.ok(approleTokens.length > 0 && approleTokens.every((t) => t.revoked));
  });

  test('appRole with a wrong secret_id: Vault\'s error with the path and status, never the secret', async () => {
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      appRole: {path: approle, roleId: role-1234, secretRef: {name: approle, key: secretId}}`) + secretYaml('apps', 'approle', { secretId: 'not-the-secret-id' }) + certificateYaml();
    const r = await runVault(yaml);
    const web = r.results[0]!;
    assert.equal(web.action, 'failed');
    assert.match(web.error!, /logging in to Vault with AppRole auth at \/v1\/auth\/approle\/login: Vault POST https:\/\/127\.0\.0\.1:\d+\/v1\/auth\/approle\/login: HTTP 400: invalid role or secret ID$/);
    assert.doesNotMatch(JSON.stringify(r), /not-the-secret-id/);
  });

  test('kubernetes with secretRef: the JWT from the Secret, role and mount path as configured', async () => {
    const jwt = serviceAccountJwt(sa.privateKey, 'apps', 'certctl', ['vault']);
    const n = vault.calls.length;
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      kubernetes: {role: certctl, mountPath: /v1/auth/kubernetes, secretRef: {name: sa-token}}`) + secretYaml('apps', 'sa-token', { token: jwt }) + certificateYaml();
    await expectIssued(yaml);
    assert.deepEqual(vault.calls.slice(n).filter((c) => c.path.includes('/auth/')).map((c) => c.path), ['/v1/auth/kubernetes/login', '/v1/auth/token/revoke-self']);
  });

  test('kubernetes with serviceAccountRef: a TokenRequest for the ServiceAccount with cert-manager\'s audiences', async () => {
    const requests: { ns: string; name: string; audiences: string[] }[] = [];
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      kubernetes: {role: certctl, serviceAccountRef: {name: certctl, audiences: [extra-aud]}}`) + certificateYaml();
    await expectIssued(yaml, {
      serviceAccountToken: async (ns, name, audiences) => {
        requests.push({ ns, name, audiences });
        return serviceAccountJwt(sa.privateKey, ns, name, audiences);
      },
    });
    assert.deepEqual(requests, [{ ns: 'apps', name: 'certctl', audiences: ['extra-aud', 'vault://apps/vault', vault.url] }]);
  });

  test('kubernetes with serviceAccountRef and no cluster API: the pod\'s projected token, if it is that ServiceAccount\'s', async () => {
    const file = join(dir, 'token');
    await writeFile(file, serviceAccountJwt(sa.privateKey, 'apps', 'certctl', ['vault://apps/vault']));
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      kubernetes: {role: certctl, serviceAccountRef: {name: certctl}}`) + certificateYaml();
    await expectIssued(yaml, { env: { CERTCTL_SERVICE_ACCOUNT_TOKEN_FILE: file } });
    await writeFile(file, serviceAccountJwt(sa.privateKey, 'apps', 'other', ['x']));
    const r = await runVault(yaml, { env: { CERTCTL_SERVICE_ACCOUNT_TOKEN_FILE: file } });
    assert.match(r.results[0]!.error!, /the pod's token .*token is for ServiceAccount apps\/other, but auth\.kubernetes\.serviceAccountRef names apps\/certctl/);
    const none = await runVault(yaml, { env: { CERTCTL_SERVICE_ACCOUNT_TOKEN_FILE: join(dir, 'missing') } });
    assert.match(none.results[0]!.error!, /needs a token: run certctl with --store kubernetes \(TokenRequest\), or in a pod running as that ServiceAccount/);
  });

  test('kubernetes: a ServiceAccount the role does not bind is refused with Vault\'s 403', async () => {
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      kubernetes: {role: certctl, secretRef: {name: sa-token}}`) + secretYaml('apps', 'sa-token', { token: serviceAccountJwt(sa.privateKey, 'apps', 'intruder', ['vault']) }) + certificateYaml();
    const r = await runVault(yaml);
    assert.match(r.results[0]!.error!, /\/v1\/auth\/kubernetes\/login: HTTP 403: service account name not authorized/);
  });

  test('clientCertificate with secretName: TLS certificate auth presents the kubernetes.io/tls Secret\'s certificate', async () => {
    const n = vault.calls.length;
    const yaml = vaultIssuerYaml(`${common()}    auth:\n      clientCertificate: {secretName: vault-login, name: certctl}`) + secretYaml('apps', 'vault-login', { 'tls.crt': authCert.certPem, 'tls.key': authCert.keyPem }) + certificateYaml();
    await expectIssued(yaml);
    const login = vault.calls.slice(n).find((c) => c.path === '/v1/auth/cert/login')!;
    assert.equal(login.status, 200);
    assert.match(login.clientCertificate ?? '', /CN=certctl-login/);
    const sign = vault.calls.slice(n).find((c) => c.path === '/v1/pki/sign/web')!;
    assert.equal(sign.clientCertificate, undefined, 'the login identity is used for the login only');
  });

  test('aws IAM auth: a SigV4-signed GetCallerIdentity with the server ID header, checked as STS checks it', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAVAULTTEST0001', AWS_SECRET_ACCESS_KEY: awsKeys.get('AKIAVAULTTEST0001')!.secret, AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    const auth = (extra: string): string => `${common()}    auth:\n      aws: {role: certctl${extra}}`;
    await expectIssued(vaultIssuerYaml(auth(', vaultHeaderValue: vault.example.test')) + certificateYaml(), { env });
    const wrongHeader = await runVault(vaultIssuerYaml(auth(', vaultHeaderValue: other')) + certificateYaml(), { env });
    assert.match(wrongHeader.results[0]!.error!, /HTTP 400: error validating X-Vault-AWS-IAM-Server-ID header: expected "vault\.example\.test" but got "other"/);
    const wrongSecret = await runVault(vaultIssuerYaml(auth(', vaultHeaderValue: vault.example.test')) + certificateYaml(), { env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-value' } });
    assert.match(wrongSecret.results[0]!.error!, /AWS IAM auth at \/v1\/auth\/aws\/login \(role certctl, credentials from environment \(AWS_ACCESS_KEY_ID\), region eu-west-1\).*received error code 403 from STS: .*SignatureDoesNotMatch/);
    assert.doesNotMatch(wrongSecret.results[0]!.error!, /wrong-secret-value/);
  });

  test('aws IAM auth with serviceAccountRef: a TokenRequest token exchanged at STS for iamRoleArn, then the signed login', async () => {
    // STS's AssumeRoleWithWebIdentity (the shared fake handler); its session keys are the ones Vault's STS check knows.
    const jwt = serviceAccountJwt(sa.privateKey, 'apps', 'vault-aws', ['sts.amazonaws.com']);
    const sts = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        try {
          const r = handleSts({ keys: awsKeys, webIdentityToken: jwt, deniedRoles: new Set() }, new URLSearchParams(body), undefined);
          res.writeHead(200, { 'Content-Type': 'text/xml' }).end(r.body);
        } catch (err) {
          const e = err as ApiError;
          res.writeHead(e.status ?? 400, { 'Content-Type': 'text/xml' }).end(stsError(e.code, e.message));
        }
      });
    });
    await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
    try {
      const requests: string[][] = [];
      const env = { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as AddressInfo).port}`, AWS_EC2_METADATA_DISABLED: 'true' };
      const yaml = vaultIssuerYaml(`${common()}    auth:\n      aws: {role: irsa, region: eu-central-1, vaultHeaderValue: vault.example.test, iamRoleArn: 'arn:aws:iam::123456789012:role/vault-login', serviceAccountRef: {name: vault-aws}}`) + certificateYaml();
      await expectIssued(yaml, {
        env,
        serviceAccountToken: async (ns, name, audiences) => {
          requests.push([ns, name, ...audiences]);
          return jwt;
        },
      });
      assert.deepEqual(requests, [['apps', 'vault-aws', 'sts.amazonaws.com']]);
      const token = [...vault.tokens.values()].find((t) => t.via === 'aws' && t.metadata.role === 'irsa')!;
      assert.equal(token.metadata.canonical_arn, 'arn:aws:iam::123456789012:role/vault-login');
    } finally {
      sts.close();
    }
  });
});
