import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeRoute53, type FakeRoute53 } from '../fakes/route53-server.js';
import { startFakeAliDns, type FakeAliDns } from '../fakes/alidns-server.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

/**
 * The user's manifests from the examples, changed only where a test must: the ACME server is
 * Pebble (trusted through caBundle) instead of Let's Encrypt.
 */
async function userManifest(env: AcmeEnv, file: string, replace: [string, string][] = []): Promise<string> {
  let text = await readFile(file, 'utf8');
  const caBundle = Buffer.from(env.pebble.caCertPem).toString('base64');
  text = text.replace(/server: https:\/\/acme-v02\.api\.letsencrypt\.org\/directory/g, `server: ${env.pebble.directoryUrl}\n    caBundle: ${caBundle}`);
  for (const [a, b] of replace) text = text.replace(a, b);
  return text;
}

async function checkIssued(env: AcmeEnv, out: string): Promise<void> {
  const dir = join(out, 'xxx/tls-example.com');
  const text = await verifyWithPebbleRoot(env, dir);
  assert.match(text, /DNS:example\.com/);
  assert.match(text, /DNS:\*\.example\.com/);
  assert.match(await readFile(join(dir, 'tls.key'), 'utf8'), /^-----BEGIN EC PRIVATE KEY-----/);
  const version = (await readdir(dir)).find((e) => /^\.\.\d/.test(e))!;
  const record = JSON.parse(await readFile(join(dir, version, 'certctl.json'), 'utf8'));
  assert.equal(record.secret.annotations['my-secret-annotation-1'], 'foo');
  assert.equal(record.secret.labels['my-secret-label'], 'foo');
  assert.deepEqual(await env.bind.txt('_acme-challenge.example.com.'), []);
}

describe('cloud DNS providers end to end: the user manifests issue unchanged', { skip }, () => {
  let env: AcmeEnv;
  let aws: FakeRoute53;
  let ali: FakeAliDns;
  before(async () => {
    env = await startAcmeEnv({}, [{ name: 'example.com' }]);
    aws = await startFakeRoute53({ zones: [{ name: 'example.com' }], publisher: bindPublisher(env.bind) });
    ali = await startFakeAliDns({ domains: ['example.com'], publisher: bindPublisher(env.bind) });
  });
  after(async () => {
    await ali?.stop();
    await aws?.stop();
    await env?.stop();
  });

  test('Route 53 with ambient credentials: apex + wildcard, only the four IAM actions', async () => {
    const out = await tempOut();
    const yaml = await userManifest(env, 'examples/route53/letsencrypt-irsa.yaml');
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml, env: { ...aws.env, ...aws.keyEnv() } });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out);
    const actions = new Set(aws.calls.map((c) => c.action));
    for (const a of actions) assert.ok(['GetChange', 'ChangeResourceRecordSets', 'ListResourceRecordSets', 'ListHostedZonesByName'].includes(a), `unexpected action ${a}`);
    assert.ok(actions.has('ChangeResourceRecordSets'));
    assert.ok(!(r.stderr + r.stdout).includes(aws.keys.secretAccessKey.slice(0, 10)), 'the secret key is never printed');
    assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning/);
    await rm(out, { recursive: true });
  });

  test('AliDNS with the alidns-solver webhook shape: apex + wildcard, records deleted by id', async () => {
    const out = await tempOut();
    const yaml = await userManifest(env, 'examples/alidns/alidns-solver.yaml', [
      ['regionId: cn-beijing', `regionId: cn-beijing\n            endpoint: ${ali.url}`],
      ['LTAI-REPLACE-WITH-THE-ACCESSKEY-ID', ali.keys.accessKeyId],
      ['REPLACE-WITH-THE-ACCESSKEY-SECRET', ali.keys.accessKeySecret],
    ]);
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    await checkIssued(env, out);
    assert.ok(ali.calls.some((c) => c.action === 'AddDomainRecord'));
    assert.ok(ali.calls.some((c) => c.action === 'DeleteDomainRecord'));
    assert.deepEqual(ali.txt('_acme-challenge.example.com.'), []);
    assert.ok(!(r.stderr + r.stdout).includes(ali.keys.accessKeySecret.slice(0, 10)), 'the secret is never printed');
    await rm(out, { recursive: true });
  });

  /** Twenty Certificates in one zone, signed through one issuer in one run. */
  function twenty(issuerYaml: string): string {
    const certs = Array.from({ length: 20 }, (_, i) => `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c${i}, namespace: fleet}
spec:
  secretName: c${i}-tls
  dnsNames: [c${i}.example.com]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: cloud}`);
    return `${issuerYaml}\n${certs.join('\n')}\n`;
  }

  const fleetIssuer = (solver: string, secrets = '') => `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: cloud, namespace: fleet}
spec:
  acme:
    server: ${env.pebble.directoryUrl}
    caBundle: ${Buffer.from(env.pebble.caCertPem).toString('base64')}
    privateKeySecretRef: {name: fleet-account}
    solvers:
    - dns01:
${solver}
${secrets}`;

  test('Route 53, 20 Certificates in one zone, one run: one AssumeRole, one hosted-zone lookup', async () => {
    const out = await tempOut();
    const before = aws.calls.length;
    const yaml = twenty(fleetIssuer('        route53: {region: us-east-1, role: "arn:aws:iam::123456789012:role/dns-manager"}'));
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, '--concurrency', '8', ...env.dnsFlags, '-o', 'json'], { input: yaml, env: { ...aws.env, ...aws.keyEnv() } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.issued, 20);
    const calls = aws.calls.slice(before);
    assert.equal(calls.filter((c) => c.service === 'sts').length, 1, `STS calls: ${JSON.stringify(calls.filter((c) => c.service === 'sts'))}`);
    assert.equal(calls.filter((c) => c.action === 'ListHostedZonesByName').length, 1);
    await rm(out, { recursive: true });
  });

  test('AliDNS, 20 Certificates in one zone, one run: credentials read once, one domain lookup', async () => {
    const out = await tempOut();
    const before = ali.calls.length;
    const solver = `        webhook:
          groupName: acme.example.com
          solverName: alidns-solver
          config:
            endpoint: ${ali.url}
            accessTokenSecretRef: {name: alidns, key: access-token}
            secretKeySecretRef: {name: alidns, key: secret-key}`;
    const secret = `---
apiVersion: v1
kind: Secret
metadata: {name: alidns, namespace: fleet}
stringData: {access-token: ${ali.keys.accessKeyId}, secret-key: ${ali.keys.accessKeySecret}}`;
    const r = await runCli(['issue', '-f', '-', '--out-dir', out, '--concurrency', '8', ...env.dnsFlags, '-o', 'json'], { input: twenty(fleetIssuer(solver, secret)) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.issued, 20);
    const calls = ali.calls.slice(before);
    assert.equal(calls.filter((c) => c.action === 'DescribeDomainRecords').length, 1, 'one domain lookup for the zone');
    await rm(out, { recursive: true });
  });
});
