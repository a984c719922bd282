/**
 * Valid inputs parse to exactly the expected typed objects, with cert-manager's defaults.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadManifests } from '../../src/spec/load.js';
import type { AcmeIssuerSpec, CertificateResource, IssuerResource, SourcePos } from '../../src/spec/types.js';
import { acmeSolver, cert, FILE, issuer, load } from './util.js';
import { supportedProviders } from '../../src/providers/catalog.js';

const USER_FILE = 'certificate.yaml';
/** What the messages list as implemented (the list grows with every provider in the catalog). */
const supported = (): string => {
  const s = supportedProviders();
  return `certctl supports ${s.dns01.join(', ')}, and webhook with solverName ${s.webhook.join(', ')}`;
};

const USER_TEXT = readFileSync(new URL('./fixtures/user-manifests.yaml', import.meta.url), 'utf8');
const at = (line: number, col: number, file = USER_FILE): SourcePos => ({ file, line, col });

function acmeOf(i: IssuerResource | undefined): AcmeIssuerSpec {
  assert.ok(i && i.spec.type === 'acme');
  return i.spec.acme;
}

describe('the manifests users paste', () => {
  const m = loadManifests([{ name: USER_FILE, text: USER_TEXT }]);

  it('loads the Certificate with every field and default', () => {
    const expected: CertificateResource = {
      kind: 'Certificate',
      metadata: { name: 'example-com', namespace: 'xxx', labels: {}, annotations: {} },
      spec: {
        secretName: 'tls-example.com',
        secretTemplate: { annotations: { 'my-secret-annotation-1': 'foo' }, labels: { 'my-secret-label': 'foo' } },
        commonName: 'example.com',
        dnsNames: ['example.com', '*.example.com'],
        ipAddresses: [],
        uris: [],
        emailAddresses: [],
        subject: { organizations: ['xxx'], countries: [], organizationalUnits: [], localities: [], provinces: [], streetAddresses: [], postalCodes: [] },
        durationMs: 2160 * 3_600_000,
        durationSet: true,
        renewBeforeMs: 360 * 3_600_000,
        renewalDisabled: false,
        renewalWindows: [],
        isCA: false,
        usages: ['server auth', 'client auth'],
        privateKey: { algorithm: 'ECDSA', encoding: 'PKCS1', size: 256, rotationPolicy: 'Always' },
        issuerRef: { name: 'letsencrypt-prod-aws', kind: 'Issuer', group: 'cert-manager.io', rawKind: 'Issuer', rawGroup: 'cert-manager.io' },
        revisionHistoryLimit: 1,
        keystores: {},
        additionalOutputFormats: [],
      },
      pos: at(1, 1),
      refs: {
        issuerRef: { pos: at(15, 3), path: 'spec.issuerRef' },
        secretName: { pos: at(5, 15), path: 'spec.secretName' },
        dnsNames: new Map([
          ['example.com', { pos: at(11, 14), path: 'spec.dnsNames[0]' }],
          ['*.example.com', { pos: at(11, 27), path: 'spec.dnsNames[1]' }],
        ]),
        ipAddresses: new Map(),
      },
    };
    assert.deepEqual(m.certificates, [expected]);
  });

  it('loads the Route53 Issuer', () => {
    const expected: IssuerResource = {
      kind: 'Issuer',
      metadata: { name: 'letsencrypt-prod-aws', namespace: 'xxx', labels: {}, annotations: {} },
      spec: {
        type: 'acme',
        acme: {
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          email: 'ops@example.com',
          privateKeySecretRef: { name: 'letsencrypt-prod-aws', pos: at(24, 5), path: 'spec.acme.privateKeySecretRef' },
          skipTLSVerify: false,
          disableAccountKeyGeneration: false,
          enableDurationFeature: false,
          solvers: [
            {
              index: 0,
              selector: { dnsZones: ['example.com'] },
              dns01: { cnameStrategy: 'None', provider: { kind: 'provider', provider: 'route53', config: { region: 'us-east-1' }, secretRefs: [] } },
              path: 'spec.acme.solvers[0]',
              pos: at(26, 7),
            },
          ],
        },
      },
      pos: at(17, 1),
    };
    assert.deepEqual(m.issuers.get('Issuer/xxx/letsencrypt-prod-aws'), expected);
  });

  it('loads the AliDNS webhook Issuer through its provider descriptor', () => {
    const acme = acmeOf(m.issuers.get('Issuer/xxx/letsencrypt-prod-alidns'));
    assert.deepEqual(acme.solvers[0].dns01, {
      cnameStrategy: 'None',
      provider: {
        kind: 'provider',
        provider: 'alidns',
        config: {
          accessKeyId: { name: 'alidns-secrets', key: 'access-token', pos: at(46, 13), path: 'spec.acme.solvers[0].dns01.webhook.config.accessTokenSecretRef' },
          accessKeySecret: { name: 'alidns-secrets', key: 'secret-key', pos: at(47, 13), path: 'spec.acme.solvers[0].dns01.webhook.config.secretKeySecretRef' },
          securityToken: undefined,
          region: 'cn-beijing',
          endpoint: 'https://alidns.aliyuncs.com',
          fields: { id: 'accessTokenSecretRef', secret: 'secretKeySecretRef' },
          configPath: 'spec.acme.solvers[0].dns01.webhook.config',
        },
        secretRefs: [
          { name: 'alidns-secrets', key: 'access-token', pos: at(46, 13), path: 'spec.acme.solvers[0].dns01.webhook.config.accessTokenSecretRef' },
          { name: 'alidns-secrets', key: 'secret-key', pos: at(47, 13), path: 'spec.acme.solvers[0].dns01.webhook.config.secretKeySecretRef' },
        ],
      },
    });
    assert.deepEqual([...m.issuers.keys()], ['Issuer/xxx/letsencrypt-prod-aws', 'Issuer/xxx/letsencrypt-prod-alidns']);
    assert.deepEqual(m.secrets, new Map());
    assert.deepEqual(m.notes, []);
  });
});

describe('defaults and normalisation', () => {
  it('fills in cert-manager defaults for a minimal Certificate', () => {
    const [c] = load(cert('  dnsNames: [Example.COM., www.example.com]')).certificates;
    assert.deepEqual(c.metadata, { name: 'c', namespace: 'default', labels: {}, annotations: {} });
    assert.deepEqual(c.spec.privateKey, { algorithm: 'RSA', encoding: 'PKCS1', size: 2048, rotationPolicy: 'Always' });
    assert.deepEqual(c.spec.usages, ['digital signature', 'key encipherment']);
    assert.equal(c.spec.durationMs, 90 * 24 * 3_600_000);
    assert.equal(c.spec.durationSet, false);
    assert.equal(c.spec.renewBeforeMs, undefined);
    assert.equal(c.spec.renewBeforePercentage, undefined);
    assert.equal(c.spec.renewalDisabled, false);
    assert.equal(c.spec.isCA, false);
    assert.equal(c.spec.revisionHistoryLimit, 1);
    assert.equal(c.spec.commonName, undefined);
    assert.deepEqual(c.spec.issuerRef, { name: 'ca', kind: 'Issuer', group: 'cert-manager.io', rawKind: '', rawGroup: '' });
    assert.deepEqual(c.spec.dnsNames, ['example.com', 'www.example.com']);
  });

  it('applies key size defaults per algorithm', () => {
    const key = (pk: string) => load(cert(`  commonName: a.com\n  privateKey: ${pk}`)).certificates[0].spec.privateKey;
    assert.equal(key('{algorithm: ECDSA}').size, 256);
    assert.equal(key('{algorithm: RSA, size: 0}').size, 2048);
    assert.equal(key('{size: 3072}').size, 3072);
    assert.deepEqual(key('{algorithm: Ed25519, size: 4096}'), { algorithm: 'Ed25519', encoding: 'PKCS1', size: 0, rotationPolicy: 'Always' });
  });

  it('normalises SANs and notes removed duplicates', () => {
    const m = load(cert('  dnsNames: [a.example.com, A.Example.com, bücher.example]\n  ipAddresses: ["2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1", 192.0.2.1]'));
    assert.deepEqual(m.certificates[0].spec.dnsNames, ['a.example.com', 'xn--bcher-kva.example']);
    assert.deepEqual(m.certificates[0].spec.ipAddresses, ['2001:db8::1', '192.0.2.1']);
    assert.deepEqual(m.notes, [
      `${FILE}:7:29: spec.dnsNames[1]: duplicate "a.example.com" removed`,
      `${FILE}:8:61: spec.ipAddresses[2]: duplicate "192.0.2.1" removed`,
    ]);
  });

  it('reads renewBeforePercentage and renewal policy Disabled', () => {
    const [c] = load(cert('  commonName: a.com\n  duration: 1h30m\n  renewBeforePercentage: 10\n  renewal: {policy: Disabled}')).certificates;
    assert.equal(c.spec.durationMs, 90 * 60_000);
    assert.equal(c.spec.renewBeforePercentage, 10);
    assert.equal(c.spec.renewalDisabled, true);
  });

  it('--namespace fills in resources that name none, as kubectl does; ClusterIssuers have none', () => {
    const text = `${cert('  commonName: a.com', '{name: c}')}---\n${issuer('  selfSigned: {}', 'ClusterIssuer').replace('{name: i}', '{name: i, namespace: ignored}')}`;
    const m = load(text, { namespace: 'staging' });
    assert.equal(m.certificates[0].metadata.namespace, 'staging');
    assert.deepEqual([...m.issuers.keys()], ['Issuer/staging/ca', 'ClusterIssuer//i']);
    assert.equal(m.issuers.get('ClusterIssuer//i')?.metadata.namespace, '');
    const same = load(cert('  commonName: a.com', '{name: c, namespace: staging}'), { namespace: 'staging' });
    assert.equal(same.certificates[0].metadata.namespace, 'staging');
  });

  it('--namespace that contradicts metadata.namespace is an error naming both, as in kubectl', () => {
    assert.throws(() => load(cert('  commonName: a.com', '{name: c, namespace: prod}'), { namespace: 'staging' }), {
      message: 'in.yaml:3:32: metadata.namespace: the namespace "prod" does not match --namespace "staging" (pass --namespace prod, or remove metadata.namespace to let --namespace choose)',
    });
  });

  it('reads rfc2136, route53 with every field, webhook without config and http01 solvers', () => {
    const text = acmeSolver(`    - dns01:
        cnameStrategy: Follow
        rfc2136: {nameserver: "[2001:db8::53]", tsigKeyName: k., tsigAlgorithm: hmacsha512, tsigSecretSecretRef: {name: t, key: s}, protocol: TCP}
    - dns01:
        route53:
          region: eu-west-1
          hostedZoneID: Z1
          accessKeyIDSecretRef: {name: aws, key: id}
          secretAccessKeySecretRef: {name: aws, key: secret}
          role: arn:aws:iam::1:role/r
          auth: {kubernetes: {serviceAccountRef: {name: sa, audiences: [sts.amazonaws.com]}}}
    - dns01: {webhook: {groupName: g, solverName: s}}
      waitInsteadOfSelfCheck: 2m
    - http01: {ingress: {class: nginx}}`);
    const solvers = acmeOf(load(text).issuers.get('Issuer/default/i')).solvers;
    const tsigRef = { name: 't', key: 's', pos: at(11, 93, FILE), path: 'spec.acme.solvers[0].dns01.rfc2136.tsigSecretSecretRef' };
    assert.deepEqual(solvers[0].dns01, {
      cnameStrategy: 'Follow',
      provider: {
        kind: 'provider',
        provider: 'rfc2136',
        config: { nameserver: '[2001:db8::53]:53', tsigAlgorithm: 'HMACSHA512', tsigKeyName: 'k.', tsigSecretSecretRef: tsigRef, protocol: 'TCP' },
        secretRefs: [tsigRef],
      },
    });
    const p = 'spec.acme.solvers[1].dns01.route53';
    const idRef = { name: 'aws', key: 'id', pos: at(16, 11, FILE), path: `${p}.accessKeyIDSecretRef` };
    const secretRef = { name: 'aws', key: 'secret', pos: at(17, 11, FILE), path: `${p}.secretAccessKeySecretRef` };
    assert.deepEqual(solvers[1].dns01?.provider, {
      kind: 'provider',
      provider: 'route53',
      config: {
        region: 'eu-west-1',
        hostedZoneID: 'Z1',
        role: 'arn:aws:iam::1:role/r',
        accessKeyIDSecretRef: idRef,
        secretAccessKeySecretRef: secretRef,
        serviceAccountRef: { name: 'sa', audiences: ['sts.amazonaws.com'] },
      },
      secretRefs: [idRef, secretRef],
    });
    assert.deepEqual(solvers[2].dns01?.provider, {
      kind: 'unsupported',
      name: 'dns01.webhook (groupName "g", solverName "s")',
      message: `dns01.webhook (groupName "g", solverName "s") is not a solver certctl implements (${supported()})`,
    });
    assert.equal(solvers[2].waitInsteadOfSelfCheckMs, 120_000);
    assert.deepEqual(solvers[3], { index: 3, http01: { type: 'ingress' }, path: 'spec.acme.solvers[3]', pos: at(22, 7, FILE) });
  });

  it('reads certctl.io/http01-* annotations on Issuers and Certificates, normalised, with their position', () => {
    const i = acmeSolver('    - http01: {gatewayHTTPRoute: {}}').replace('{name: i}', '{name: i, annotations: {certctl.io/http01-webroot: /var/www//html/}}');
    const j = issuer('  selfSigned: {}', 'ClusterIssuer').replace('{name: i}', '{name: j, annotations: {"certctl.io/http01-listen": "[::1]:8080"}}');
    const c = cert('  dnsNames: [a.example.com]', '{name: c, annotations: {certctl.io/http01-listen: "80", other: x}}');
    const m = load(`${i}---\n${j}---\n${c}`);
    assert.deepEqual(m.issuers.get('Issuer/default/i')?.http01, {
      method: { kind: 'webroot', dir: '/var/www/html' },
      pos: at(3, 62, FILE),
      path: 'metadata.annotations["certctl.io/http01-webroot"]',
    });
    assert.deepEqual(acmeOf(m.issuers.get('Issuer/default/i')).solvers[0]?.http01, { type: 'gatewayHTTPRoute' });
    assert.deepEqual(m.issuers.get('ClusterIssuer//j')?.http01?.method, { kind: 'standalone', listen: { host: '::1', port: 8080 } });
    assert.deepEqual(m.certificates[0]?.http01?.method, { kind: 'standalone', listen: { port: 80 } });
    assert.equal(m.certificates[0]?.metadata.annotations['certctl.io/http01-listen'], '80', 'still an annotation like any other');
  });

  it('reads vault issuers, marks venafi unsupported, and has a provider for every dns01 key cert-manager has', () => {
    const vault = issuer('  vault: {server: https://vault, path: pki/sign/x, auth: {tokenSecretRef: {name: t}}}');
    const venafi = issuer('  venafi: {zone: z, cloud: {apiTokenSecretRef: {name: v}}}', 'ClusterIssuer').replace('{name: i}', '{name: v}');
    const akamai = acmeSolver('    - dns01: {akamai: {serviceConsumerDomain: akab.example, clientTokenSecretRef: {name: a, key: t}, clientSecretSecretRef: {name: a, key: s}, accessTokenSecretRef: {name: a, key: a}}}').replace('{name: i}', '{name: j}');
    const m = load(`${vault}---\n${venafi}---\n${akamai}`);
    assert.equal(m.issuers.get('Issuer/default/i')?.spec.type, 'vault');
    assert.deepEqual(m.issuers.get('ClusterIssuer//v')?.spec, { type: 'unsupported', name: 'venafi' });
    const provider = acmeOf(m.issuers.get('Issuer/default/j')).solvers[0].dns01?.provider;
    assert.equal(provider?.kind === 'provider' && provider.provider, 'akamai');
    for (const key of ['acmeDNS', 'akamai', 'azureDNS', 'cloudDNS', 'cloudflare', 'digitalocean', 'rfc2136', 'route53']) {
      assert.ok(supportedProviders().dns01.includes(key), key);
    }
  });

  it('merges Secret data and stringData (stringData wins) and defaults the type', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: ns}\nimmutable: true\ndata:\n  a: YWFh\n  b: |\n    YmJi\n    YmJi\nstringData: {a: override}\n';
    const s = load(text).secrets.get('ns/creds');
    assert.ok(s);
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { a: Buffer.from('override'), b: Buffer.from('bbbbbb') });
  });

  it('ignores other kinds with a note, skips empty documents, reads List items and JSON', () => {
    const text = `# leading comment
---
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 1}
---
# only a comment
---
apiVersion: v1
kind: List
items:
- {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "root"}, "spec": {"selfSigned": {}}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}
- {apiVersion: cert-manager.io/v1, kind: CertificateRequest, metadata: {name: cr}}
`;
    const m = load(text);
    assert.deepEqual(m.notes, [
      `${FILE}:4:1: ignoring apps/v1 Deployment web`,
      `${FILE}:15:3: ignoring v1 ConfigMap cm`,
      `${FILE}:16:3: ignoring cert-manager.io/v1 CertificateRequest cr`,
    ]);
    assert.deepEqual([...m.issuers.keys()], ['ClusterIssuer//root']);
  });

  it('tolerates a UTF-8 BOM and CRLF line endings', () => {
    const m = load(`\uFEFF${cert('  commonName: a.com').replace(/\n/g, '\r\n')}`);
    assert.equal(m.certificates.length, 1);
    assert.deepEqual(m.certificates[0].pos, at(1, 1, FILE));
  });

  it('returns empty Manifests for empty and comment-only input', () => {
    const empty = { certificates: [], issuers: new Map(), secrets: new Map(), notes: [] };
    assert.deepEqual(load(''), empty);
    assert.deepEqual(load('# nothing\n---\n...\n'), empty);
  });

  it('decodes caBundle to PEM', () => {
    const pem = readFileSync(new URL('./fixtures/ca.crt', import.meta.url), 'utf8');
    const text = issuer(`  acme:\n    server: https://pebble:14000/dir\n    privateKeySecretRef: {name: k}\n    caBundle: ${Buffer.from(pem).toString('base64')}`);
    assert.equal(acmeOf(load(text).issuers.get('Issuer/default/i')).caBundle, pem);
  });
});
