/**
 * End to end through the built CLI: the Cloud DNS example manifests issue an apex + wildcard
 * certificate from Pebble, which validates against BIND, where the fake Cloud DNS publishes each
 * change once it is done (changes stay pending for a while, as in Cloud DNS). The CLI finds the
 * fake through CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS and the key's own token_uri.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut } from '../helpers/acme-env.js';
import type { AcmeEnv } from '../helpers/acme-env.js';
import { checkIssued, userManifest } from '../helpers/provider-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { PROJECT, startFakeGoogle } from '../fakes/google-server.js';
import type { FakeGoogle } from '../fakes/google-server.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('clouddns end to end: the example manifests issue apex + wildcard', { skip }, () => {
  let env: AcmeEnv;
  let g: FakeGoogle;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    g = await startFakeGoogle({ zones: [{ name: 'example-com', dnsName: 'example.com.' }], publisher: bindPublisher(env.bind), pendingMs: 300 });
  });
  after(async () => {
    await g?.stop();
    await env?.stop();
  });

  test('ambient credentials: GOOGLE_APPLICATION_CREDENTIALS names a service account key', async () => {
    const out = await tempOut();
    const keyFile = join(out, 'key.json');
    await writeFile(keyFile, g.keyJson(), { mode: 0o600 });
    const yaml = await userManifest(env, 'examples/clouddns/workload-identity.yaml', [['project: my-project', `project: ${PROJECT}`]]);
    g.identity.calls.length = 0;
    g.calls.length = 0;
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], {
      input: yaml,
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: g.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS, GOOGLE_APPLICATION_CREDENTIALS: keyFile },
    });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out, 'xxx', 'tls-example.com', { settleMs: 3000 });
    assert.deepEqual(g.identity.calls.map((c) => [c.endpoint, c.ok]), [['oauth2', true]], 'one token exchange for the whole run');
    assert.equal(g.calls.filter((c) => c.method === 'managedZones.list').length, 1, 'the zone looked up once');
    assert.ok(g.calls.some((c) => c.method === 'changes.get'), 'present waited for the pending change');
    assert.deepEqual(g.txt('_acme-challenge.example.com.'), []);
    await rm(out, { recursive: true });
  });

  test('serviceAccountSecretRef: the key from a Secret, with a ClusterIssuer', async () => {
    const out = await tempOut();
    const issuer = await userManifest(env, 'examples/clouddns/service-account-key.yaml', [['project: my-project', `project: ${PROJECT}`]]);
    const secret = ['apiVersion: v1', 'kind: Secret', 'metadata: {name: clouddns-dns01-solver-svc-acct, namespace: cert-manager}', 'data:', `  key.json: ${Buffer.from(g.keyJson()).toString('base64')}`].join('\n');
    const cert = ['apiVersion: cert-manager.io/v1', 'kind: Certificate', 'metadata: {name: example-com, namespace: web}', 'spec:', '  secretName: example-com-tls', '  dnsNames: [example.com, "*.example.com"]', '  issuerRef: {name: letsencrypt-gcp-key, kind: ClusterIssuer}'].join('\n');
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: `${issuer}\n---\n${secret}\n---\n${cert}\n`, env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: g.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS } });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out, 'web', 'example-com-tls', { settleMs: 3000 });
    assert.ok(!(r.stderr + r.stdout).includes('PRIVATE KEY'), 'the key is never printed');
    // A broken key is refused before anything is ordered, at the Secret's position.
    const broken = secret.replace(/key\.json: .*/, `key.json: ${Buffer.from('{"type": "service_account"}').toString('base64')}`);
    const bad = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: `${issuer}\n---\n${broken}\n---\n${cert}\n`, env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS: g.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_DNS } });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /data\["key\.json"\]: Secret cert-manager\/clouddns-dns01-solver-svc-acct: the service account key has no "private_key"/);
    await rm(out, { recursive: true });
  });
});
