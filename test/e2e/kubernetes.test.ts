import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, type AcmeEnv } from '../helpers/acme-env.js';
import { skipUnlessApiServer, startApiServer, type ApiServer, type PolicyRule } from '../helpers/kube-apiserver.js';
import { openssl, runCli } from '../helpers/run-cli.js';
import { bindPublisher } from '../fakes/dns-publisher.js';
import { startFakeRoute53 } from '../fakes/route53-server.js';

const skip = skipUnlessApiServer() || skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

/** Exactly the verbs certctl uses, as in examples/kubernetes/rbac.yaml. */
const RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

describe('renew --store kubernetes against a real kube-apiserver', { skip }, () => {
  let k8s: ApiServer;
  let env: AcmeEnv;
  let dir: string;
  before(async () => {
    k8s = await startApiServer();
    env = await startAcmeEnv();
    dir = await mkdtemp(join(tmpdir(), 'certctl-k8s-e2e-'));
  });
  after(async () => {
    await env?.stop();
    await k8s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function kubeconfig(name: string, token: string, namespace: string): Promise<string> {
    const path = join(dir, `${name}.kubeconfig`);
    await writeFile(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "${k8s.url}", certificate-authority-data: ${Buffer.from(k8s.caPem).toString('base64')}}}]
users: [{name: ${name}, user: {token: "${token}"}}]
contexts: [{name: test, context: {cluster: test, user: ${name}, namespace: ${namespace}}}]
current-context: test
`,
    );
    return path;
  }

  async function secret(ns: string, name: string): Promise<any> {
    const r = await k8s.admin('GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
    return r.status === 200 ? r.body : undefined;
  }

  test('the local CA quickstart: Secrets exactly as cert-manager writes them; a second run writes nothing', async () => {
    const token = await k8s.createServiceAccountToken('sandbox', 'certctl', RULES);
    const kc = await kubeconfig('local', token, 'sandbox');
    const args = ['renew', '-f', 'examples/quickstart.yaml', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter', '-o', 'json'];
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.renewed, 3);
    const web = await secret('sandbox', 'web-tls');
    assert.equal(web.type, 'kubernetes.io/tls');
    assert.equal(web.metadata.annotations['cert-manager.io/certificate-name'], 'web');
    assert.equal(web.metadata.annotations['cert-manager.io/issuer-name'], 'sandbox-ca');
    assert.equal(web.metadata.annotations['cert-manager.io/alt-names'], 'web.sandbox.test,*.web.sandbox.test');
    assert.equal(web.metadata.labels.app, 'web');
    assert.equal(web.metadata.labels['controller.cert-manager.io/fao'], 'true');
    await writeFile(join(dir, 'ca.crt'), Buffer.from(web.data['ca.crt'], 'base64'));
    await writeFile(join(dir, 'tls.crt'), Buffer.from(web.data['tls.crt'], 'base64'));
    assert.match(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'tls.crt')]), /: OK/);

    const versions = await Promise.all(['root-ca', 'web-tls', 'client-tls'].map(async (n) => (await secret('sandbox', n)).metadata.resourceVersion));
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).summary.upToDate, 3);
    const after = await Promise.all(['root-ca', 'web-tls', 'client-tls'].map(async (n) => (await secret('sandbox', n)).metadata.resourceVersion));
    assert.deepEqual(after, versions, 'nothing written');
  });

  test('a Role without update fails fast with the rule to add, before any ACME order', async () => {
    const token = await k8s.createServiceAccountToken('weak', 'certctl', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    const kc = await kubeconfig('weak', token, 'weak');
    const orders = env.pebble.orderCount();
    const yaml = env.issuerYaml({ namespace: 'weak' }) + certificateYaml('w', ['w.example.test'], { namespace: 'weak' });
    const r = await runCli(['renew', '-f', '-', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter', ...env.dnsFlags], { input: yaml });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /update/);
    assert.match(r.stderr, /secrets/);
    assert.equal(env.pebble.orderCount(), orders, 'no order was spent');
  });

  test('ACME through Pebble + BIND into Secrets; two renews at once order once', async () => {
    const token = await k8s.createServiceAccountToken('acme', 'certctl', RULES);
    const kc = await kubeconfig('acme', token, 'acme');
    const yaml = env.issuerYaml({ namespace: 'acme' }) + certificateYaml('shop', ['shop.example.test', '*.shop.example.test'], { namespace: 'acme' });
    const orders = env.pebble.orderCount();
    const args = ['renew', '-f', '-', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter', '--lock-timeout', '60s', ...env.dnsFlags, '-o', 'json'];
    const [a, b] = await Promise.all([runCli(args, { input: yaml }), runCli(args, { input: yaml })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(env.pebble.orderCount() - orders, 1, 'exactly one order');
    const s = await secret('acme', 'shop-tls');
    assert.equal(s.type, 'kubernetes.io/tls');
    assert.equal(s.data['ca.crt'], undefined, 'ACME certificates have no ca.crt');
    await writeFile(join(dir, 'shop.crt'), Buffer.from(s.data['tls.crt'], 'base64'));
    await writeFile(join(dir, 'pebble-root.pem'), await env.pebble.rootPem());
    assert.match(openssl(['verify', '-CAfile', join(dir, 'pebble-root.pem'), '-untrusted', join(dir, 'shop.crt'), join(dir, 'shop.crt')]), /: OK/);
    const account = await secret('acme', 'pebble-account');
    assert.ok(account?.data['tls.key'], 'the ACME account key is kept in its Secret');
    assert.deepEqual(await env.bind.txt('_acme-challenge.shop.example.test.'), []);
  });

  test('Route 53 with auth.kubernetes.serviceAccountRef: a TokenRequest token exchanged for the role', async () => {
    const aws = await startFakeRoute53({ zones: [{ name: 'example.test' }], publisher: bindPublisher(env.bind) });
    try {
      const token = await k8s.createServiceAccountToken('aws', 'certctl', [...RULES, { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]);
      const created = await k8s.admin('POST', '/api/v1/namespaces/aws/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'dns-sa' } });
      assert.ok([201, 409].includes(created.status));
      const kc = await kubeconfig('aws', token, 'aws');
      const solvers = `    - dns01:
        route53:
          region: us-east-1
          role: arn:aws:iam::123456789012:role/dns-from-sa
          auth: {kubernetes: {serviceAccountRef: {name: dns-sa}}}`;
      const yaml = env.issuerYaml({ namespace: 'aws', solvers }) + certificateYaml('sa', ['sa.example.test'], { namespace: 'aws' });
      const r = await runCli(['renew', '-f', '-', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter', ...env.dnsFlags], { input: yaml, env: aws.env });
      assert.equal(r.code, 0, r.stderr);
      const sts = aws.calls.filter((c) => c.service === 'sts');
      assert.deepEqual(sts.map((c) => [c.action, c.roleArn]), [['AssumeRoleWithWebIdentity', 'arn:aws:iam::123456789012:role/dns-from-sa']]);
      assert.ok((await secret('aws', 'sa-tls'))?.data['tls.crt']);
    } finally {
      await aws.stop();
    }
  });

  test('issue --store none -o yaml, applied as is, is managed by renew --store kubernetes without --adopt', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifests = (await readFile('examples/quickstart.yaml', 'utf8')).replaceAll('namespace: sandbox', 'namespace: gitops');
    const printed = await runCli(['issue', '-f', '-', '--store', 'none', '-o', 'yaml', '--include-private-key'], { input: manifests });
    assert.equal(printed.code, 0, printed.stderr);
    const { parseAllDocuments } = await import('yaml');
    const docs = parseAllDocuments(printed.stdout).map((d) => d.toJSON() as { metadata: { name: string; namespace: string; labels?: Record<string, string> } });
    assert.equal(docs.length, 3);
    // What `kubectl apply -f -` does with them: create each object as printed.
    await k8s.ensureNamespace('gitops');
    for (const d of docs) {
      assert.equal(d.metadata.labels?.['certctl.io/managed-by'], 'certctl');
      const r = await k8s.admin('POST', `/api/v1/namespaces/${d.metadata.namespace}/secrets`, d);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const token = await k8s.createServiceAccountToken('gitops', 'certctl', RULES);
    const kc = await kubeconfig('gitops', token, 'gitops');
    const renew = await runCli(['renew', '-f', '-', '--store', 'kubernetes', '--kubeconfig', kc, '--no-jitter', '-o', 'json'], { input: manifests });
    assert.equal(renew.code, 0, renew.stderr);
    const res = JSON.parse(renew.stdout);
    assert.deepEqual(res.certificates.map((c: { name: string; action: string }) => [c.name, c.action]), [['root-ca', 'up-to-date'], ['web', 'up-to-date'], ['client', 'up-to-date']]);
  });
});
