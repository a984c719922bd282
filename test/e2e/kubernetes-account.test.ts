/**
 * The account and revoke commands with `--store kubernetes` against a real kube-apiserver and
 * Pebble: an account key Secret as cert-manager creates it is used as is, rolled over only with
 * --adopt (and then still cert-manager's layout: one Opaque Secret, data key tls.key), a rollover
 * killed after the CA accepted is completed by the next run, and revoke marks the Secret.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwkThumbprint, publicJwk } from '../../src/issuers/acme/transport/jwk.js';
import { parseCertificateChain } from '../../src/pki/parse.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, type AcmeEnv } from '../helpers/acme-env.js';
import { skipUnlessApiServer, startApiServer, type ApiServer, type PolicyRule } from '../helpers/kube-apiserver.js';
import { openssl, runCli } from '../helpers/run-cli.js';

const skip = skipUnlessApiServer() || skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

/** The verbs certctl uses (examples/kubernetes/rbac.yaml). */
const RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

const thumbprintOf = (pem: string): string => jwkThumbprint(publicJwk(createPrivateKey(pem)));

describe('account and revoke with --store kubernetes', { skip }, () => {
  let k8s: ApiServer;
  let env: AcmeEnv;
  let dir: string;
  before(async () => {
    k8s = await startApiServer();
    env = await startAcmeEnv();
    dir = await mkdtemp(join(tmpdir(), 'certctl-k8s-account-'));
  });
  after(async () => {
    await env?.stop();
    await k8s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function kubeconfig(ns: string, sa = 'certctl', rules = RULES): Promise<string> {
    const token = await k8s.createServiceAccountToken(ns, sa, rules);
    const path = join(dir, `${ns}-${sa}.kubeconfig`);
    await writeFile(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: t, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: u, user: {token: "${token}"}}]
contexts: [{name: t, context: {cluster: t, user: u, namespace: ${ns}}}]
current-context: t
`,
    );
    return path;
  }

  async function secret(ns: string, name: string): Promise<any> {
    const r = await k8s.admin('GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
    return r.status === 200 ? r.body : undefined;
  }
  const dataOf = (s: any, key: string): string => Buffer.from(s.data[key], 'base64').toString('utf8');

  test('a cert-manager account key Secret: used as is; rolled over only with --adopt, keeping its layout', async () => {
    const ns = 'shared';
    const kc = await kubeconfig(ns);
    // What cert-manager creates for privateKeySecretRef: an Opaque Secret with tls.key (RSA 2048, PKCS#1).
    const cmKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const created = await k8s.admin('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pebble-account' }, type: 'Opaque', data: { 'tls.key': Buffer.from(cmKey).toString('base64') } });
    assert.equal(created.status, 201);
    const yaml = env.issuerYaml({ namespace: ns }) + certificateYaml('shop', ['shop.example.test'], { namespace: ns });
    const k = ['--store', 'kubernetes', '--kubeconfig', kc];
    const issued = await runCli(['issue', '-f', '-', ...k, ...env.dnsFlags], { input: yaml });
    assert.equal(issued.code, 0, issued.stderr);
    assert.doesNotMatch(issued.stderr, /generated a new ACME account key/);

    const show = async () => JSON.parse((await runCli(['account', 'show', '-f', '-', ...k, '-o', 'json'], { input: yaml })).stdout).items[0];
    const before = await show();
    assert.equal(before.status, 'valid');
    assert.equal(before.key.thumbprint, thumbprintOf(cmKey));
    assert.match(before.keySecret.source, /^Secret shared\/pebble-account \(kubernetes:https:/);

    const refused = await runCli(['account', 'rollover', '-f', '-', ...k], { input: yaml });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Secret shared\/pebble-account exists but was not created by certctl .* run with --adopt/);
    assert.deepEqual(Object.keys((await secret(ns, 'pebble-account')).data), ['tls.key'], 'nothing written');
    assert.equal((await show()).key.thumbprint, thumbprintOf(cmKey), 'the CA still has the old key');

    const r = await runCli(['account', 'rollover', '-f', '-', ...k, '--adopt', '-o', 'json'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    const s = await secret(ns, 'pebble-account');
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(Object.keys(s.data), ['tls.key'], 'cert-manager layout: tls.key only');
    const newKey = dataOf(s, 'tls.key');
    assert.match(newKey, /^-----BEGIN RSA PRIVATE KEY-----/);
    await writeFile(join(dir, 'new-account.key'), newKey);
    assert.match(openssl(['pkey', '-in', join(dir, 'new-account.key'), '-noout', '-text']), /Private-Key: \(2048 bit/);
    const after = await show();
    assert.equal(after.url, before.url);
    assert.equal(after.key.thumbprint, thumbprintOf(newKey));
    assert.notEqual(after.key.thumbprint, before.key.thumbprint);
  });

  test('rollover killed after the CA accepted: the next issue stores the new key; revoke marks the Secret and renew replaces it', async () => {
    const ns = 'crash';
    const kc = await kubeconfig(ns);
    const yaml = env.issuerYaml({ namespace: ns }) + certificateYaml('api', ['api.example.test'], { namespace: ns });
    const k = ['--store', 'kubernetes', '--kubeconfig', kc];
    assert.equal((await runCli(['issue', '-f', '-', ...k, ...env.dnsFlags], { input: yaml })).code, 0);
    const oldKey = dataOf(await secret(ns, 'pebble-account'), 'tls.key');

    const killed = await runCli(['account', 'rollover', '-f', '-', ...k], { input: yaml, env: { CERTCTL_FAULT: 'account:rollover-accepted' } });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const mid = await secret(ns, 'pebble-account');
    assert.deepEqual(Object.keys(mid.data).sort(), ['tls.key', 'tls.key.next']);
    assert.equal(dataOf(mid, 'tls.key'), oldKey);
    const pending = dataOf(mid, 'tls.key.next');
    // The killed run's Lease would expire after 60 s; remove it rather than wait.
    assert.equal((await k8s.admin('DELETE', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/certctl-renew`)).status, 200);

    const next = await runCli(['issue', '-f', '-', ...k, ...env.dnsFlags, '--force'], { input: yaml });
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /stored the new key of an account key rollover the CA had accepted/);
    assert.doesNotMatch(next.stderr, /registered ACME account/);
    const done = await secret(ns, 'pebble-account');
    assert.deepEqual(Object.keys(done.data), ['tls.key']);
    assert.equal(dataOf(done, 'tls.key'), pending);

    const leaf = parseCertificateChain(dataOf(await secret(ns, 'api-tls'), 'tls.crt'))[0];
    // Credentials that may read but not update Secrets: refused before the CA is asked.
    const reader = await kubeconfig(ns, 'reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, RULES[1]]);
    const denied = await runCli(['revoke', '-f', '-', '--store', 'kubernetes', '--kubeconfig', reader, 'api', '--reason', 'superseded'], { input: yaml });
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(denied.stderr, /update/);
    assert.equal((await env.pebble.certStatus(leaf.serialHex)).status, 'Valid', 'nothing was sent to the CA');
    const revoked = await runCli(['revoke', '-f', '-', ...k, 'api', '--reason', 'superseded', '-o', 'json'], { input: yaml });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(JSON.parse(revoked.stdout).marked, { secret: 'crash/api-tls', location: 'Secret crash/api-tls' });
    assert.deepEqual(await env.pebble.certStatus(leaf.serialHex).then((x) => [x.status, x.reason]), ['Revoked', 4]);
    const status = JSON.parse((await secret(ns, 'api-tls')).metadata.annotations['certctl.io/status']);
    assert.equal(status.revoked.serial, leaf.serialHex);
    assert.equal(status.revoked.reason, 'superseded');
    const renewed = await runCli(['renew', '-f', '-', ...k, ...env.dnsFlags, '--no-jitter', '-o', 'json'], { input: yaml });
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(JSON.parse(renewed.stdout).certificates[0].reason, 'Revoked');
    assert.notEqual(parseCertificateChain(dataOf(await secret(ns, 'api-tls'), 'tls.crt'))[0].serialHex, leaf.serialHex);
  });
});
