/**
 * `spec.vault` as cert-manager v1.21 validates it (webhook and issuer setup), and what certctl
 * checks before contacting Vault: Secrets present, keys present, CA bundles and client
 * certificates usable, a Vault client certificate issued earlier in the same run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpecError, formatIssue } from '../../src/spec/errors.js';
import { loadManifests } from '../../src/spec/load.js';
import type { VaultIssuerSpec } from '../../src/spec/types.js';
import { startFakeVault } from '../fakes/vault-server.js';
import { issueLeaf, makeCa } from '../fakes/vault-tls.js';
import { certificateYaml, makePki, opensslVerify, runVault, secretYaml, vaultIssuerYaml } from './vault-harness.js';

function issues(yaml: string): string[] {
  try {
    loadManifests([{ name: 'in.yaml', text: yaml }]);
  } catch (err) {
    if (err instanceof SpecError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

function spec(yaml: string): VaultIssuerSpec {
  const m = loadManifests([{ name: 'in.yaml', text: yaml }]);
  const s = [...m.issuers.values()][0]!.spec;
  assert.equal(s.type, 'vault');
  return (s as { vault: VaultIssuerSpec }).vault;
}

const issuer = (lines: string): string => vaultIssuerYaml(lines);
const BASE = '    server: https://vault.example.test:8200\n    path: pki/sign/web\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('spec.vault validation (cert-manager v1.21)', () => {
  test('a full issuer reads with cert-manager\'s defaults', () => {
    const v = spec(issuer(`${BASE}    namespace: team-a\n    serverName: vault.internal\n    auth:\n      kubernetes: {role: certctl, serviceAccountRef: {name: certctl, audiences: [a]}}`));
    assert.equal(v.server, 'https://vault.example.test:8200');
    assert.equal(v.path, 'pki/sign/web');
    assert.equal(v.namespace, 'team-a');
    assert.equal(v.serverName, 'vault.internal');
    assert.deepEqual({ ...v.auth, pos: undefined, serviceAccountRef: { ...(v.auth as { serviceAccountRef: object }).serviceAccountRef, pos: undefined } }, {
      method: 'kubernetes',
      mountPath: '/v1/auth/kubernetes',
      role: 'certctl',
      pos: undefined,
      path: 'spec.vault.auth.kubernetes',
      serviceAccountRef: { name: 'certctl', audiences: ['a'], pos: undefined, path: 'spec.vault.auth.kubernetes.serviceAccountRef' },
    });
    assert.equal((spec(issuer(`${BASE}    auth:\n      appRole: {path: '', roleId: ' r ', secretRef: {name: s, key: k}}`)).auth as { mountPath: string }).mountPath, 'approle');
    assert.equal((spec(issuer(`${BASE}    auth:\n      clientCertificate: {}`)).auth as { mountPath: string }).mountPath, '/v1/auth/cert');
    assert.equal((spec(issuer(`${BASE}    auth:\n      aws: {role: r}`)).auth as { mountPath: string }).mountPath, '/v1/auth/aws');
  });

  test('required fields and the webhook\'s rules', () => {
    assert.deepEqual(issues(issuer('    auth: {tokenSecretRef: {name: t}}')), ['in.yaml:7:5: spec.vault.server: required field is missing', 'in.yaml:7:5: spec.vault.path: required field is missing']);
    assert.deepEqual(issues(issuer('    server: https://v\n    path: pki/../sys/sign\n    auth: {tokenSecretRef: {name: t}}')), ["in.yaml:8:11: spec.vault.path: must not contain '..' path segments"]);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {}`)), ['in.yaml:9:11: spec.vault.auth: please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate, aws']);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {tokenSecretRef: {name: t}, kubernetes: {role: r, secretRef: {name: s}}}`)), [
      'in.yaml:9:11: spec.vault.auth: Multiple auth methods cannot be set on the same Vault issuer (found tokenSecretRef, kubernetes; keep one)',
    ]);
    assert.deepEqual(issues(issuer('    server: ftp://v\n    path: p\n    auth: {tokenSecretRef: {name: t}}')), ['in.yaml:7:13: spec.vault.server: must be an https:// (or http://) URL, got ftp://']);
  });

  test('CA bundle and client certificate rules', () => {
    const notCert = b64('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n');
    assert.deepEqual(issues(issuer(`${BASE}    caBundle: ${notCert}\n    auth: {tokenSecretRef: {name: t}}`)), ["in.yaml:9:15: spec.vault.caBundle: cert bundle didn't contain any valid certificates"]);
    assert.deepEqual(issues(issuer(`${BASE}    caBundle: '%%%'\n    auth: {tokenSecretRef: {name: t}}`)), ['in.yaml:9:15: spec.vault.caBundle: is not valid base64 (caBundle is base64-encoded PEM: base64 -w0 ca.pem)']);
    const both = issues(issuer(`${BASE}    caBundle: ${notCert}\n    caBundleSecretRef: {name: ca}\n    auth: {tokenSecretRef: {name: t}}`));
    assert.ok(both.includes('in.yaml:9:15: spec.vault.caBundle: specified caBundle and caBundleSecretRef cannot be used together'), both.join('\n'));
    assert.ok(both.includes('in.yaml:10:24: spec.vault.caBundleSecretRef: specified caBundleSecretRef and caBundle cannot be used together'), both.join('\n'));
    assert.deepEqual(issues(issuer(`${BASE}    clientCertSecretRef: {name: c}\n    auth: {tokenSecretRef: {name: t}}`)), ['in.yaml:9:26: spec.vault.clientCertSecretRef: clientKeySecretRef must be provided when defining the clientCertSecretRef']);
    assert.deepEqual(issues(issuer(`${BASE}    clientKeySecretRef: {name: c}\n    auth: {tokenSecretRef: {name: t}}`)), ['in.yaml:9:25: spec.vault.clientKeySecretRef: clientCertSecretRef must be provided when defining the clientKeySecretRef']);
    assert.deepEqual(issues(issuer('    server: http://v:8200\n    path: p\n    auth: {clientCertificate: {secretName: c}}')), ['in.yaml:9:31: spec.vault.auth.clientCertificate: TLS client certificate auth works only over https (use an https:// server address)']);
  });

  test('auth method rules', () => {
    assert.deepEqual(issues(issuer(`${BASE}    auth: {appRole: {path: approle, roleId: r, secretRef: {name: s}}}`)), [
      'in.yaml:9:48: spec.vault.auth.appRole.secretRef: Vault AppRole auth requires secretRef.key (the key of the Secret entry holding the AppRole secret_id)',
    ]);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {appRole: {path: approle, roleId: '', secretRef: {name: s, key: k}}}`)), ['in.yaml:9:45: spec.vault.auth.appRole.roleId: must not be empty']);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {kubernetes: {secretRef: {name: s}}}`)), ['in.yaml:9:24: spec.vault.auth.kubernetes.role: required field is missing']);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {kubernetes: {role: r}}`)), ['in.yaml:9:24: spec.vault.auth.kubernetes: please supply one of: secretRef, serviceAccountRef']);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {kubernetes: {role: r, secretRef: {name: s}, serviceAccountRef: {name: a}}}`)), [
      'in.yaml:9:24: spec.vault.auth.kubernetes: please supply one of: secretRef, serviceAccountRef (Vault Kubernetes auth cannot be used with both secretRef.name and serviceAccountRef.name)',
    ]);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {kubernetes: {role: r, mountPath: /v1/auth/../sys, secretRef: {name: s}}}`)), ["in.yaml:9:45: spec.vault.auth.kubernetes.mountPath: must not contain '..' path segments"]);
    assert.deepEqual(issues(issuer(`${BASE}    auth: {aws: {role: r, serviceAccountRef: {name: a}}}`)), ['in.yaml:9:17: spec.vault.auth.aws.iamRoleArn: iamRoleArn is required when using serviceAccountRef for IRSA']);
  });
});

describe('vault issuer: checks before Vault is contacted', () => {
  const tokenIssuer = (extra = ''): string => issuer(`${BASE}${extra}    auth:\n      tokenSecretRef: {name: vault-token}`);
  const rejected = async (yaml: string): Promise<string[]> => {
    try {
      await runVault(yaml);
    } catch (err) {
      if (err instanceof SpecError) return err.issues.map(formatIssue);
      throw err;
    }
    throw new Error('expected a SpecError');
  };

  test('a missing Secret, named with the reference and the Certificate that needs it', async () => {
    assert.deepEqual(await rejected(tokenIssuer() + certificateYaml()), [
      'in.yaml:10:7: spec.vault.auth.tokenSecretRef: Secret apps/vault-token not found in the inputs or the store (referenced by Issuer vault, needed by Certificate apps/web)',
    ]);
  });

  test('a ClusterIssuer reads its Secrets from the cluster resource namespace, and says so', async () => {
    const yaml = vaultIssuerYaml(`${BASE}    auth:\n      tokenSecretRef: {name: vault-token}`, { kind: 'ClusterIssuer' }) + secretYaml('apps', 'vault-token', { token: 't' }) + certificateYaml({ issuerKind: 'ClusterIssuer' });
    const [message] = await rejected(yaml);
    assert.match(message!, /Secret cert-manager\/vault-token not found .*\(a Secret vault-token exists in namespace apps; a ClusterIssuer reads its Secrets from --cluster-resource-namespace \(now cert-manager\)/);
  });

  test('missing keys, a CA bundle without certificates, a client key that does not match', async () => {
    const a = await issueLeaf(await makeCa('a'), { commonName: 'a', usages: ['client auth'] });
    const b = await issueLeaf(await makeCa('b'), { commonName: 'b', usages: ['client auth'] });
    const yaml =
      tokenIssuer('    caBundleSecretRef: {name: vault-ca}\n    clientCertSecretRef: {name: client}\n    clientKeySecretRef: {name: client-key, key: key.pem}\n') +
      secretYaml('apps', 'vault-token', { other: 'x' }) +
      secretYaml('apps', 'vault-ca', { 'ca.crt': 'not a certificate' }) +
      secretYaml('apps', 'client', { 'tls.crt': a.certPem }) +
      secretYaml('apps', 'client-key', { 'key.pem': b.keyPem }) +
      certificateYaml();
    const found = await rejected(yaml);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0]!, /data\["token"\]: Secret apps\/vault-token \(in\.yaml:\d+\) has no key "token" \(or it is empty\): the Vault token of Issuer vault/);
    assert.match(found[1]!, /data\["ca\.crt"\]: Secret apps\/vault-ca \(in\.yaml:\d+\) key "ca\.crt" holds no PEM certificate: the CA bundle for the Vault server/);
    assert.match(found[2]!, /data\["key\.pem"\]: Secret apps\/client-key \(in\.yaml:\d+\) key "key\.pem": the private key does not match the certificate \(the client key for mTLS to Vault\)/);
    assert.ok(!found.join('\n').includes('PRIVATE KEY'), 'no key material in messages');
  });

  test('a Certificate whose own Secret the issuer reads is refused', async () => {
    const yaml = tokenIssuer() + certificateYaml({ name: 'vault' }).replace('secretName: vault-tls', 'secretName: vault-token');
    const [message] = await rejected(yaml);
    assert.match(message!, /Certificate vault is signed by Issuer vault, which reads its own Secret apps\/vault-token \(spec\.vault\.auth\.tokenSecretRef\)/);
  });

  test('a client certificate for Vault issued by a ca Issuer in the same run comes first, then the Vault certificate', async () => {
    const pki = await makePki();
    const clientCa = await makeCa('internal client CA');
    const vault = await startFakeVault({ clientCa: clientCa.pem, pki: { issuers: [pki.issuer], roles: { web: { allowed_domains: ['example.test'], allow_subdomains: true } } }, policies: { pki: ['pki/sign/web'] } });
    try {
      const token = vault.createToken(['pki']);
      const { encodePrivateKey } = await import('../../src/pki/keys.js');
      const yaml =
        issuer(`    server: ${vault.url}\n    path: pki/sign/web\n    caBundle: ${b64(vault.caPem)}\n    clientCertSecretRef: {name: vault-client-tls}\n    clientKeySecretRef: {name: vault-client-tls}\n    auth:\n      tokenSecretRef: {name: vault-token}`) +
        secretYaml('apps', 'vault-token', { token }) +
        certificateYaml() +
        `---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: internal, namespace: apps}\nspec:\n  ca: {secretName: internal-ca}\n` +
        secretYaml('apps', 'internal-ca', { 'tls.crt': clientCa.pem, 'tls.key': encodePrivateKey(clientCa.key, 'PKCS8') }) +
        `---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: vault-client, namespace: apps}\nspec:\n  secretName: vault-client-tls\n  commonName: certctl\n  usages: [client auth, digital signature]\n  issuerRef: {name: internal}\n`;
      const r = await runVault(yaml);
      assert.deepEqual(r.results.map((x) => `${x.name} ${x.action}`), ['vault-client issued', 'web issued']);
      assert.match(await opensslVerify(pki.root.pem, (await r.secret('web-tls'))['tls.crt']!), /: OK/);
      assert.match(vault.calls.at(-1)!.clientCertificate ?? '', /CN=certctl/);
    } finally {
      await vault.stop();
    }
  });
});
