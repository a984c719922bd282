/**
 * The pure parts of `check` and `inspect`: targets, thresholds, which Certificate covers a name,
 * RFC 6125 name matching, path building, served-versus-stored, and the metrics text.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildCertificate } from '../../src/pki/certificate.js';
import { generatePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parse.js';
import { certificateForName } from '../../src/check/certificate-for-name.js';
import { renderCheckMetrics } from '../../src/check/report/render-metrics.js';
import { checkThresholdOrder, parseThreshold, thresholdMs } from '../../src/check/report/thresholds.js';
import type { CheckReport } from '../../src/check/report/types.js';
import { compareWithStored } from '../../src/check/stored-comparison.js';
import { parseTarget } from '../../src/check/target.js';
import { analyzeChain } from '../../src/check/x509/chain-path.js';
import { matchName } from '../../src/check/x509/hostname.js';
import type { CertificateResource } from '../../src/spec/types.js';
import { MODULE_TREE_BIN, ROOT } from '../helpers/run-cli.js';

const DAY = 86_400_000;

describe('targets', () => {
  test('host, host:port, IPv6, URLs with their ports and STARTTLS', () => {
    assert.deepEqual(parseTarget('example.com'), { input: 'example.com', host: 'example.com', port: 443, servername: 'example.com' });
    assert.deepEqual(parseTarget('Example.COM.:8443'), { input: 'Example.COM.:8443', host: 'example.com', port: 8443, servername: 'example.com' });
    assert.deepEqual(parseTarget('[2001:db8::1]:993'), { input: '[2001:db8::1]:993', host: '2001:db8::1', port: 993 });
    assert.deepEqual(parseTarget('::1'), { input: '::1', host: '::1', port: 443 });
    assert.deepEqual(parseTarget('https://www.example.com/path?q=1'), { input: 'https://www.example.com/path?q=1', host: 'www.example.com', port: 443, servername: 'www.example.com' });
    assert.equal(parseTarget('smtp://mx.example.com').starttls, 'smtp');
    assert.equal(parseTarget('smtp://mx.example.com').port, 25);
    assert.equal(parseTarget('smtps://mx.example.com').port, 465);
    assert.equal(parseTarget('ldaps://[::1]').port, 636);
    assert.equal(parseTarget('postgresql://db:6543').port, 6543);
    assert.equal(parseTarget('bücher.example').host, 'xn--bcher-kva.example');
    assert.equal(parseTarget('10.0.0.1', { servername: 'app.internal' }).servername, 'app.internal');
    assert.equal(parseTarget('mx.example.com', { starttls: 'imap' }).port, 143);
  });

  test('rejects what is not a target, naming it', () => {
    for (const [input, message] of [
      ['', /empty target/],
      ['gopher://x', /unsupported URL scheme gopher/],
      ['https://user:pw@x', /credentials in the URL/],
      ['host:0', /port must be 1\.\.65535/],
      ['host:70000', /port must be 1\.\.65535/],
      ['a b', /expected HOST/],
      ['ex_ample.com', /not a valid host name/],
    ] as const) {
      assert.throws(() => parseTarget(input), message, input);
    }
  });
});

describe('thresholds', () => {
  test('days, bare numbers, Go durations and shares of the lifetime', () => {
    assert.equal(thresholdMs(parseThreshold('30d'), 90 * DAY), 30 * DAY);
    assert.equal(thresholdMs(parseThreshold('30'), 90 * DAY), 30 * DAY);
    assert.equal(thresholdMs(parseThreshold('1.5d'), 90 * DAY), 1.5 * DAY);
    assert.equal(thresholdMs(parseThreshold('720h'), 90 * DAY), 30 * DAY);
    assert.equal(thresholdMs(parseThreshold('1h30m'), 90 * DAY), 90 * 60_000);
    assert.equal(thresholdMs(parseThreshold('25%'), 6 * DAY), 1.5 * DAY);
    assert.throws(() => parseThreshold('soon'), /expected days \(30d or 30\), a Go duration \(720h\) or a share of the lifetime \(25%\)/);
    assert.throws(() => parseThreshold('150%'), /cannot exceed 100%/);
    assert.throws(() => parseThreshold('-5d'), /expected days/);
  });

  test('critical must be closer to expiry than warning when both are the same kind', () => {
    assert.throws(() => checkThresholdOrder(parseThreshold('7d'), parseThreshold('30d')), /--critical 30d is earlier than --warning 7d/);
    assert.throws(() => checkThresholdOrder(parseThreshold('10%'), parseThreshold('25%')), /critical must be closer/);
    checkThresholdOrder(parseThreshold('30d'), parseThreshold('7d'));
    checkThresholdOrder(parseThreshold('1d'), parseThreshold('50%')); // mixed: the lifetime decides
  });
});

function certResource(name: string, spec: Partial<CertificateResource['spec']>): CertificateResource {
  return { metadata: { name, namespace: 'default' }, spec: { secretName: `${name}-tls`, dnsNames: [], ipAddresses: [], ...spec } } as unknown as CertificateResource;
}

test('the Certificate for a name: exact names before wildcards, one label per wildcard, IPs exactly', () => {
  const certs = [certResource('wild', { dnsNames: ['*.example.com'] }), certResource('www', { dnsNames: ['www.example.com'] }), certResource('ip', { ipAddresses: ['10.0.0.1'] })];
  assert.equal(certificateForName(certs, 'www.example.com')?.metadata.name, 'www');
  assert.equal(certificateForName(certs, 'API.example.com.')?.metadata.name, 'wild');
  assert.equal(certificateForName(certs, 'a.b.example.com'), undefined);
  assert.equal(certificateForName(certs, 'example.com'), undefined);
  assert.equal(certificateForName(certs, '10.0.0.1')?.metadata.name, 'ip');
});

interface Made {
  cert: ParsedCertificate;
  key: Awaited<ReturnType<typeof generatePrivateKey>>;
}

async function make(o: { cn?: string; dns?: string[]; ips?: string[]; ca?: boolean; issuer?: Made; key?: Made['key'] }): Promise<Made> {
  const key = o.key ?? (await generatePrivateKey({ algorithm: 'ECDSA' }));
  const now = Date.now();
  const pem = buildCertificate(
    { subject: o.cn ? { commonName: o.cn } : {}, dnsNames: o.dns ?? [], ipAddresses: o.ips ?? [], notBefore: new Date(now - 60_000), notAfter: new Date(now + 30 * DAY), isCA: Boolean(o.ca), usages: o.ca ? ['cert sign'] : ['server auth'], publicKey: key },
    o.issuer ? { privateKey: o.issuer.key, certificate: o.issuer.cert } : { privateKey: key },
  );
  return { cert: parseCertificate(pem), key };
}

describe('names (RFC 6125)', () => {
  test('wildcards cover exactly one leftmost label; IP SANs; IDNs as A-labels; the CN is not a name', async () => {
    const { cert } = await make({ cn: 'legacy.example', dns: ['*.example.com', 'xn--bcher-kva.example'], ips: ['192.0.2.7', '2001:db8::7'] });
    assert.deepEqual(matchName(cert, 'a.example.com'), { name: 'a.example.com', matches: true, matchedBy: 'DNS:*.example.com' });
    assert.equal(matchName(cert, 'a.b.example.com').matches, false);
    assert.equal(matchName(cert, 'example.com').matches, false);
    assert.equal(matchName(cert, 'bücher.example').matchedBy, 'DNS:xn--bcher-kva.example');
    assert.equal(matchName(cert, '2001:DB8::7').matches, true);
    assert.equal(matchName(cert, '[2001:db8::7]').matches, true);
    assert.equal(matchName(cert, '192.0.2.8').matches, false);
    const cn = matchName(cert, 'legacy.example');
    assert.equal(cn.matches, false);
    assert.match(cn.hint!, /only the subject CN, which clients ignore/);
    const { cert: bare } = await make({ cn: 'only-cn.example' });
    assert.match(matchName(bare, 'only-cn.example').hint!, /no subjectAltName; its CN \(only-cn\.example\) is ignored/);
  });
});

describe('path building', () => {
  test('in order, out of order, a served root, an extra certificate, a missing intermediate, an unknown root', async () => {
    const root = await make({ cn: 'Root', ca: true });
    const int = await make({ cn: 'Int', ca: true, issuer: root });
    const leaf = await make({ dns: ['a.test'], issuer: int });
    const unrelated = await make({ dns: ['b.test'], issuer: int });
    const store = { anchors: [root.cert], label: 'test roots' };
    const ok = analyzeChain([leaf.cert, int.cert], store);
    assert.deepEqual([ok.trusted, ok.inOrder, ok.path, ok.anchor?.subjectText], [true, true, [0, 1], 'CN=Root']);
    const swapped = analyzeChain([leaf.cert, root.cert, int.cert], store);
    assert.deepEqual([swapped.trusted, swapped.inOrder, swapped.path, swapped.anchorServed, swapped.extra], [true, false, [0, 2], [1], []]);
    const extra = analyzeChain([leaf.cert, int.cert, unrelated.cert], store);
    assert.deepEqual([extra.trusted, extra.inOrder, extra.extra], [true, true, [2]]);
    const missing = analyzeChain([leaf.cert], store);
    assert.equal(missing.problem?.code, 'MissingIntermediate');
    const unknownRoot = analyzeChain([leaf.cert, int.cert], { anchors: [], label: 'nothing' });
    assert.equal(unknownRoot.problem?.code, 'UnknownIssuer');
    const servedRoot = analyzeChain([leaf.cert, int.cert, root.cert], { anchors: [], label: 'nothing' });
    assert.equal(servedRoot.problem?.code, 'UntrustedRoot');
    const fromStore = analyzeChain([leaf.cert], { anchors: [root.cert, int.cert], label: 'with int' });
    assert.deepEqual([fromStore.trusted, fromStore.fromStore.map((c) => c.subjectText)], [true, ['CN=Int']]);
  });

  test('a self-signed leaf is trusted only when it is itself in the trust store; a non-CA issuer breaks the path', async () => {
    const self = await make({ dns: ['self.test'] });
    assert.equal(analyzeChain([self.cert], { anchors: [], label: 'none' }).problem?.code, 'SelfSigned');
    assert.equal(analyzeChain([self.cert], { anchors: [self.cert], label: 'pinned' }).trusted, true);
    const root = await make({ cn: 'Root', ca: true });
    const notCa = await make({ cn: 'Not a CA', issuer: root });
    const leaf = await make({ dns: ['x.test'], issuer: notCa });
    const a = analyzeChain([leaf.cert, notCa.cert], { anchors: [root.cert], label: 'r' });
    assert.deepEqual([a.trusted, a.problem?.code], [false, 'IssuerNotCA']);
  });

  test('the same root name with another key does not anchor the path (bytewise names, checked signatures)', async () => {
    const root = await make({ cn: 'Root', ca: true });
    const impostor = await make({ cn: 'Root', ca: true });
    const leaf = await make({ dns: ['a.test'], issuer: root });
    const a = analyzeChain([leaf.cert], { anchors: [impostor.cert], label: 'impostor' });
    assert.deepEqual([a.trusted, a.problem?.code], [false, 'BadSignature']);
  });
});

test('served versus stored: same, renewed but not reloaded, newer, missing, unreadable', async () => {
  const root = await make({ cn: 'Root', ca: true });
  const old = await make({ dns: ['a.test'], issuer: root });
  await new Promise((r) => setTimeout(r, 1100)); // certificates carry whole seconds
  const renewed = await make({ dns: ['a.test'], issuer: root });
  const input = (pem?: string) => ({ secret: 'ns/a', location: '/store/ns/a', ...(pem ? { tlsCrt: pem } : {}) });
  assert.equal(compareWithStored(old.cert, input(old.cert.pem)).relation, 'same');
  const stale = compareWithStored(old.cert, input(renewed.cert.pem));
  assert.equal(stale.relation, 'served-older');
  assert.match(stale.message, /^served ≠ stored: renewed but not reloaded/);
  assert.equal(compareWithStored(renewed.cert, input(old.cert.pem)).relation, 'served-newer');
  assert.equal(compareWithStored(old.cert, input()).relation, 'missing');
  assert.equal(compareWithStored(old.cert, input('not pem')).relation, 'unreadable');
  assert.equal(compareWithStored(old.cert, { secret: 'ns/a', error: 'forbidden' }).message, 'cannot read Secret ns/a: forbidden');
});

test('metrics: one valid exposition, blackbox names, escaped labels, no repeated series', () => {
  const target = (name: string, state: 'OK' | 'CRITICAL') => ({
    target: name, host: 'h', port: 443, state, summary: '', findings: [],
    connection: { address: '127.0.0.1', family: 'IPv4', protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', handshakeMs: 3 },
    chain: {
      order: 'as-sent', inOrder: true, verified: state === 'OK', trustStore: 'system roots', notServed: [],
      anchor: { subject: 'CN=R', notAfter: '2030-01-01T00:00:00.000Z', fingerprintSha256: 'ff' },
      served: [
        { role: 'leaf', subject: 'CN=a "quoted"\\name', issuer: 'CN=I', serial: '0a', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-04-01T00:00:00.000Z', daysLeft: 1, keyAlgorithm: 'ECDSA', keySize: 256, signatureAlgorithm: 'x', dnsNames: ['a', 'b'], ipAddresses: [], isCA: false, selfSigned: false, fingerprintSha256: 'aa' },
        { role: 'intermediate', subject: 'CN=I', issuer: 'CN=R', serial: '0b', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2026-03-01T00:00:00.000Z', daysLeft: 1, keyAlgorithm: 'ECDSA', keySize: 384, signatureAlgorithm: 'x', dnsNames: [], ipAddresses: [], isCA: true, selfSigned: false, fingerprintSha256: 'bb' },
      ],
    },
    name: { name: 'a', matches: true },
  });
  const report = { apiVersion: 'certctl.io/v1', kind: 'CheckReport', checkedAt: '2026-01-02T00:00:00.000Z', state: 'CRITICAL', summary: { total: 2, ok: 1, warning: 0, critical: 1, unknown: 0 }, targets: [target('a:443', 'OK'), target('b:443', 'CRITICAL')] } as unknown as CheckReport;
  const text = renderCheckMetrics(report);
  assert.ok(text.endsWith('\n'));
  const lines = text.trimEnd().split('\n');
  const series = lines.filter((l) => !l.startsWith('#'));
  for (const l of series) assert.match(l, /^[a-z_][a-z_0-9]*(\{([a-z_][a-z_0-9]*="([^"\\\n]|\\["\\n])*",?)*\})? [-+.e0-9]+$/, l);
  assert.equal(new Set(series.map((l) => l.slice(0, l.lastIndexOf(' ')))).size, series.length, 'no repeated series');
  assert.ok(series.includes('probe_ssl_earliest_cert_expiry{target="a:443"} 1.7723232e+09'), 'the earliest served expiry (the intermediate)');
  assert.ok(series.includes('probe_ssl_last_chain_expiry_timestamp_seconds{target="a:443"} 1.7723232e+09'));
  assert.ok(!series.some((l) => l.startsWith('probe_ssl_last_chain_expiry_timestamp_seconds{target="b:443"}')), 'only for a verified chain');
  assert.ok(series.includes('probe_tls_version_info{target="a:443",version="TLS 1.2"} 1'));
  assert.ok(series.some((l) => l.includes('subject="CN=a \\"quoted\\"\\\\name"')));
  assert.ok(series.includes('probe_success{target="b:443"} 0'));
  assert.ok(series.includes('certctl_check_state{target="b:443"} 2'));
  assert.equal(lines.filter((l) => l === '# TYPE probe_success gauge').length, 1);
});

test('check and inspect load no ACME library or cloud SDK', () => {
  const tracer = `${ROOT}test/helpers/import-tracer.mjs`;
  for (const args of [['check', '--help'], ['inspect', '--help'], ['check', '127.0.0.1:1', '--timeout', '1s']]) {
    const r = spawnSync(process.execPath, ['--import', tracer, MODULE_TREE_BIN, ...args], { encoding: 'utf8' });
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('IMPORT ')).map((l) => l.slice(7));
    assert.ok(loaded.some((u) => u.includes('/dist/cli/main.js')), 'the tracer sees our modules');
    assert.deepEqual(loaded.filter((u) => /acme-client|@aws-sdk|@alicloud|\/dist\/issuers\//.test(u)), [], args.join(' '));
  }
});
