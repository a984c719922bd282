/**
 * `certctl check` against openssl s_server serving certctl-issued chains: the chain as sent
 * (order, missing or extra certificates, the root), trust, names, expiry and thresholds, TLS 1.2
 * and 1.3, IPv6, exit codes, the JSON shape, the Nagios status line and the metrics file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runCli } from '../helpers/run-cli.js';
import { checkJson, codes } from './check-cli.js';
import { makeCheckPki, type CheckPki } from './pki-fixture.js';
import { startSServer, type Running } from './servers.js';

const skip = skipUnlessInstalled(['openssl'], 'openssl');

describe('check: the chain a server sends', { skip }, () => {
  let dir: string;
  let pki: CheckPki;
  const servers: Running[] = [];
  const serve = async (o: Parameters<typeof startSServer>[0]): Promise<string> => {
    const s = await startSServer(o);
    servers.push(s);
    return `${s.host}:${s.port}`;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-check-'));
    pki = await makeCheckPki(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  test('a complete chain in order: OK, exit 0, every field of the JSON report', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const { code, report, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(report.apiVersion, 'certctl.io/v1');
    assert.equal(report.kind, 'CheckReport');
    assert.equal(report.state, 'OK');
    assert.deepEqual(report.summary, { total: 1, ok: 1, warning: 0, critical: 0, unknown: 0 });
    assert.equal(t.state, 'OK');
    assert.deepEqual(t.findings.filter((f) => f.severity !== 'info'), []);
    assert.equal(t.connection.address, '127.0.0.1');
    assert.equal(t.connection.family, 'IPv4');
    assert.equal(t.connection.protocol, 'TLSv1.3');
    assert.match(t.connection.cipher, /^TLS_/);
    assert.equal(t.chain.order, 'as-sent');
    assert.equal(t.chain.inOrder, true);
    assert.equal(t.chain.verified, true);
    assert.deepEqual(t.chain.served.map((c: any) => [c.role, c.subject]), [['leaf', ''], ['intermediate', 'CN=certctl Test Intermediate']]);
    const leaf = t.chain.served[0];
    assert.deepEqual(leaf.dnsNames, ['localhost', 'web.test']);
    assert.deepEqual(leaf.ipAddresses, ['127.0.0.1', '::1']);
    assert.equal(leaf.keyAlgorithm, 'ECDSA');
    assert.equal(leaf.curve, 'P-256');
    assert.equal(leaf.signatureAlgorithm, 'ECDSAWithSHA256');
    // The serial and fingerprint are the certificate's, as openssl reads them.
    const pem = await readFile(pki.leaf.cert, 'utf8');
    const { openssl } = await import('../helpers/run-cli.js');
    assert.equal(leaf.serial.toUpperCase().replace(/^0+/, ''), openssl(['x509', '-noout', '-serial'], pem).trim().replace('serial=', '').replace(/^0+/, ''));
    assert.equal(leaf.fingerprintSha256.toUpperCase(), openssl(['x509', '-noout', '-fingerprint', '-sha256'], pem).trim().split('=')[1]!.replace(/:/g, ''));
    assert.equal(t.chain.anchor.subject, 'CN=certctl Test Root,O=certctl tests');
    assert.deepEqual(t.name, { name: 'localhost', matches: true, matchedBy: 'DNS:localhost' });
    assert.equal(t.expiry.daysLeft, 89);
    assert.equal(t.revocation.source, 'none');
    assert.equal(t.revocation.status, 'unchecked');
  });

  test('the system roots do not know a private CA: CRITICAL, exit 2', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost']);
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'UnknownIssuer');
    assert.match(t.findings[0].message, /certctl Test Root.*system roots.*--ca-file.*OpenSSL: UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
  });

  test('wrong order (root before intermediate): WARNING ChainOrder, the root named as served', async () => {
    const chain = await pki.bundle('root-int.pem', [pki.root.cert, pki.int.cert]);
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 1, JSON.stringify(t.findings));
    assert.deepEqual(codes(t), ['ChainOrder', 'RootServed', 'NoRevocationInfo']);
    assert.deepEqual(t.chain.served.map((c: any) => c.role), ['leaf', 'root', 'intermediate']);
    assert.equal(t.chain.inOrder, false);
    assert.equal(t.chain.verified, true, 'OpenSSL still builds the path');
  });

  test('the same chain over TLS 1.2 is read in the same order', async () => {
    const chain = await pki.bundle('root-int.pem', [pki.root.cert, pki.int.cert]);
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain, extra: ['-tls1_2'] });
    const { target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(t.connection.protocol, 'TLSv1.2');
    assert.equal(t.chain.order, 'as-sent');
    assert.deepEqual(t.chain.served.map((c: any) => c.role), ['leaf', 'root', 'intermediate']);
  });

  test('TLS 1.3 after a HelloRetryRequest (server insists on P-384) with ChaCha20-Poly1305 is still read as sent', async () => {
    const chain = await pki.bundle('root-int.pem', [pki.root.cert, pki.int.cert]);
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain, extra: ['-groups', 'P-384', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'] });
    const { target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(t.connection.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
    assert.equal(t.chain.order, 'as-sent');
    assert.deepEqual(t.chain.served.map((c: any) => c.role), ['leaf', 'root', 'intermediate']);
  });

  test('missing intermediate: CRITICAL MissingIntermediate naming the issuer', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'MissingIntermediate');
    assert.match(t.findings[0].message, /issuer of .* \(CN=certctl Test Intermediate\) is neither served nor in the trust store/);
    assert.match(t.findings[0].message, /OpenSSL: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    assert.equal(t.chain.verified, false);
  });

  test('an intermediate only the trust store has: WARNING IncompleteChain', async () => {
    const ca = await pki.bundle('root+int.pem', [pki.root.cert, pki.int.cert]);
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', ca]);
    assert.equal(code, 1, JSON.stringify(t.findings));
    assert.equal(t.findings[0].code, 'IncompleteChain');
    assert.deepEqual(t.chain.notServed.map((c: any) => c.subject), ['CN=certctl Test Intermediate']);
  });

  test('an unrelated extra certificate: WARNING ExtraCertificate', async () => {
    const chain = await pki.bundle('int-other.pem', [pki.int.cert, pki.other.cert]);
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 1);
    assert.deepEqual(codes(t).filter((c) => c !== 'NoRevocationInfo'), ['ExtraCertificate']);
    assert.match(t.findings[0].message, /#2 CN=|#2 <empty subject>/);
    assert.equal(t.chain.served[2].role, 'extra');
  });

  test('a name the certificate does not cover: CRITICAL NameMismatch listing its names', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const { code, target: t } = await checkJson([target, '--servername', 'www.example.org', '--ca-file', pki.root.cert]);
    assert.equal(code, 2);
    assert.equal(t.findings[0].code, 'NameMismatch');
    assert.match(t.findings[0].message, /not valid for www\.example\.org: the certificate is for DNS:localhost, DNS:web\.test, IP:127\.0\.0\.1, IP:::1/);
  });

  test('an IP address target is matched against the IP SANs, without SNI', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const { code, target: t } = await checkJson([target, '--ca-file', pki.root.cert]);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.servername, undefined);
    assert.deepEqual(t.name, { name: '127.0.0.1', matches: true, matchedBy: 'IP:127.0.0.1' });
  });

  test('a wildcard covers one label only (RFC 6125)', async () => {
    const { issueWildcard } = await wildcardFixture(dir);
    const w = await issueWildcard();
    const target = await serve({ cert: w.cert, key: w.key, chain: pki.int.cert });
    const ok = await checkJson([target, '--servername', 'a.wild.test', '--ca-file', pki.root.cert]);
    assert.equal(ok.code, 0, JSON.stringify(ok.target.findings));
    assert.equal(ok.target.name.matchedBy, 'DNS:*.wild.test');
    const deep = await checkJson([target, '--servername', 'a.b.wild.test', '--ca-file', pki.root.cert]);
    assert.equal(deep.code, 2);
    assert.equal(deep.target.findings[0].code, 'NameMismatch');
    const apex = await checkJson([target, '--servername', 'wild.test', '--ca-file', pki.root.cert]);
    assert.equal(apex.target.findings[0].code, 'NameMismatch');
  });

  test('an expired leaf: CRITICAL Expired (once, not also as "untrusted")', async () => {
    const target = await serve({ cert: pki.expired.cert, key: pki.expired.key, chain: pki.int.cert });
    const { code, target: t } = await checkJson([target, '--servername', 'localhost', '--ca-file', pki.root.cert]);
    assert.equal(code, 2);
    assert.deepEqual(codes(t).filter((c) => c !== 'NoRevocationInfo'), ['Expired']);
    assert.match(t.findings[0].message, /^the certificate expired 2 day\(s\) ago/);
    assert.equal(t.chain.verifyError, 'CERT_HAS_EXPIRED');
    assert.equal(t.expiry.daysLeft, -3);
  });

  test('--warning and --critical in days, Go durations and shares of the lifetime', async () => {
    const target = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const base = [target, '--servername', 'localhost', '--ca-file', pki.root.cert];
    const warn = await checkJson([...base, '--warning', '100d', '--critical', '7d']);
    assert.equal(warn.code, 1);
    assert.equal(warn.target.findings[0].code, 'ExpiresSoon');
    assert.match(warn.target.findings[0].message, /expires in 89 days .*--warning 100d/);
    const crit = await checkJson([...base, '-w', '2400h', '-c', '91']);
    assert.equal(crit.code, 2);
    assert.match(crit.target.findings[0].message, /--critical 91/);
    const share = await checkJson([...base, '-w', '100%', '-c', '1%']);
    assert.equal(share.code, 1);
    const quiet = await checkJson([...base, '-w', '30d', '-c', '7d']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.target.expiry.warningAt.slice(0, 10), new Date(Date.parse(quiet.target.expiry.notAfter) - 30 * 86_400_000).toISOString().slice(0, 10));
  });

  test('usage errors exit 3 (UNKNOWN), as Nagios expects', async () => {
    for (const args of [['--warning', 'soon', 'localhost'], ['-w', '5d', '-c', '10d', 'localhost'], ['ftp+ssh://x'], ['localhost:99999'], ['-4', '-6', 'localhost'], ['--no-such-flag', 'x']]) {
      const r = await runCli(['check', ...args]);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  test('connection refused: CRITICAL ConnectFailed; unresolvable: UNKNOWN ResolveFailed', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await checkJson([`127.0.0.1:${closed}`]);
    assert.equal(refused.code, 2);
    assert.equal(refused.target.findings[0].code, 'ConnectFailed');
    assert.match(refused.target.summary, /cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/);
    const nx = await checkJson(['no-such-host.invalid', '--timeout', '5s']);
    assert.equal(nx.code, 3);
    assert.equal(nx.target.findings[0].code, 'ResolveFailed');
  });

  test('a server that never answers the handshake: CRITICAL Timeout within --timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const r = await checkJson([`127.0.0.1:${port}`, '--timeout', '1s']);
    silent.close();
    assert.equal(r.code, 2);
    assert.equal(r.target.findings[0].code, 'Timeout');
    assert.ok(Date.now() - started < 5000, 'returned soon after the deadline');
  });

  test('IPv6: [::1]:port', async () => {
    const s = await startSServer({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert, host: '::1' }).catch(() => undefined);
    if (!s) return; // no IPv6 loopback in this environment
    servers.push(s);
    const { code, target: t } = await checkJson([`[::1]:${s.port}`, '--ca-file', pki.root.cert]);
    assert.equal(code, 0, JSON.stringify(t.findings));
    assert.equal(t.connection.family, 'IPv6');
    assert.equal(t.name.matchedBy, 'IP:::1');
  });

  test('several targets: the worst decides the exit code; text output starts with the Nagios status line; metrics file', async () => {
    const good = await serve({ cert: pki.leaf.cert, key: pki.leaf.key, chain: pki.int.cert });
    const bad = await serve({ cert: pki.other.cert, key: join(pki.store, 'default/other-tls/tls.key'), chain: pki.int.cert });
    const prom = join(dir, 'check.prom');
    const r = await runCli(['check', good, bad, '--servername', 'localhost', '--ca-file', pki.root.cert, '--metrics-file', prom]);
    assert.equal(r.code, 2, r.stdout);
    const first = r.stdout.split('\n')[0]!;
    assert.match(first, new RegExp(`^CERTCTL CHECK CRITICAL - 2 targets \\(1 critical, 0 warning, 0 unknown, 1 ok\\); ${bad.replace(/\./g, '\\.')}: the certificate is not valid for localhost`));
    assert.match(first, new RegExp(`\\| '${good.replace(/\./g, '\\.')} days'=89;22;[89];; '${bad.replace(/\./g, '\\.')} days'=89;22;[89];;$`));
    const text = await readFile(prom, 'utf8');
    const line = (name: string, target: string): string | undefined => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`target="${target}"`));
    assert.match(line('probe_success', good)!, / 1$/);
    assert.match(line('probe_success', bad)!, / 0$/);
    assert.match(line('certctl_check_state', bad)!, / 2$/);
    const notAfter = Math.floor(Date.parse(JSON.parse((await checkJson([good, '--servername', 'localhost', '--ca-file', pki.root.cert])).stdout).targets[0].chain.served[0].notAfter) / 1000);
    assert.equal(Number(line('probe_ssl_earliest_cert_expiry', good)!.split(' ')[1]), notAfter);
    assert.match(line('probe_tls_version_info', good)!, /version="TLS 1\.3"/);
    assert.match(line('probe_ssl_last_chain_info', good)!, /subjectalternative="localhost,web\.test"/);
    assert.match(text, /^# TYPE probe_ssl_last_chain_expiry_timestamp_seconds gauge$/m);
    assert.match(text, /^certctl_check_timestamp_seconds \d\.\d+e\+09$/m);
  });
});

/** A *.wild.test certificate issued by the fixture's intermediate through the CLI. */
async function wildcardFixture(dir: string): Promise<{ issueWildcard: () => Promise<{ cert: string; key: string }> }> {
  const { FIXTURE_MANIFESTS } = await import('./pki-fixture.js');
  const { writeFile } = await import('node:fs/promises');
  return {
    issueWildcard: async () => {
      const yaml = `${FIXTURE_MANIFESTS}---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: wild, namespace: default}
spec:
  secretName: wild-tls
  dnsNames: ["*.wild.test"]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: int}
`;
      await writeFile(join(dir, 'wild.yaml'), yaml);
      const r = await runCli(['issue', '-f', join(dir, 'wild.yaml'), '--out-dir', join(dir, 'store'), 'wild']);
      if (r.code !== 0) throw new Error(r.stderr);
      const chain = await readFile(join(dir, 'store/default/wild-tls/tls.crt'), 'utf8');
      const cert = join(dir, 'wild.pem');
      await writeFile(cert, chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + 26));
      return { cert, key: join(dir, 'store/default/wild-tls/tls.key') };
    },
  };
}
