/**
 * HTTP-01 end to end: the built CLI against Pebble's real HTTP-01 validation (its VA connects to
 * `httpPort` on the address the name has in the test BIND), with certctl's standalone server and
 * with a webroot served by a real nginx; mixed with DNS-01 in one order; an IP address
 * identifier; the ways it fails (port taken, port reserved to root, a symlink in the webroot, a
 * self-check or a validation that fails, SIGTERM) each leaving nothing behind and, where it
 * should, ordering nothing. Every certificate is verified with openssl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, issue, rfc2136Solver, startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { exampleManifest } from '../helpers/example-issue.js';
import { startNginx, type NginxServer } from '../helpers/nginx.js';
import { BIN, openssl, ROOT, runCli } from '../helpers/run-cli.js';

const skip = skipUnlessInstalled(['named', 'pebble', 'nginx'], 'bind9 pebble nginx');

/** Names under web.test resolve to 127.0.0.1, where Pebble's VA connects for http-01. */
// Explicit records under mx: once _acme-challenge.mx.web.test exists, the wildcard no longer covers www.mx.web.test.
const WEB_ZONE = { name: 'web.test', records: ['@ A 127.0.0.1', '* A 127.0.0.1', 'mx A 127.0.0.1', 'www.mx A 127.0.0.1'] };

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** An ACME Issuer whose only solver is http01 (cert-manager's ingress type), with `annotations`. */
function http01Issuer(env: AcmeEnv, annotations = '', solvers = '    - http01: {ingress: {ingressClassName: nginx}}'): string {
  return env.issuerYaml({ solvers }).replace('metadata: {name: pebble, namespace: default}', `metadata: {name: pebble, namespace: default${annotations ? `, annotations: {${annotations}}` : ''}}`);
}

function ipCertificateYaml(name: string, ips: string[]): string {
  return `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: default}
spec:
  secretName: ${name}-tls
  ipAddresses: [${ips.map((i) => JSON.stringify(i)).join(', ')}]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: pebble}
`;
}

describe('ACME HTTP-01 against Pebble\'s validation', { skip, concurrency: 1 }, () => {
  let env: AcmeEnv;
  let selfCheck: string[];
  let standalone: string[];
  before(async () => {
    env = await startAcmeEnv({}, [WEB_ZONE]);
    selfCheck = ['--http01-self-check-port', String(env.pebble.httpPort)];
    standalone = ['--http01-listen', `127.0.0.1:${env.pebble.httpPort}`, ...selfCheck];
  });
  after(async () => {
    await env?.stop();
  });

  test('standalone: certctl serves the token while it is pending, the CA validates, the port is free again', async () => {
    const out = await tempOut();
    const r = await issue(env, http01Issuer(env) + certificateYaml('solo', ['solo.web.test', 'www.web.test']), out, standalone);
    assert.equal(r.code, 0, r.stderr);
    const text = await verifyWithPebbleRoot(env, join(out, 'default/solo-tls'));
    assert.match(text, /DNS:solo\.web\.test/);
    assert.match(text, /DNS:www\.web\.test/);
    assert.match(r.stderr, /Presented: solo\.web\.test: http:\/\/solo\.web\.test\/\.well-known\/acme-challenge\/\S+ served by certctl on 127\.0\.0\.1:\d+ \(spec\.acme\.solvers\[0\]\)/);
    assert.match(r.stderr, /SelfChecked: 2 HTTP-01 challenge\(s\) served as the CA will fetch them \(standalone 127\.0\.0\.1:\d+\)/);
    assert.match(r.stderr, /Answered: answered 2 http-01 challenge\(s\)/);
    assert.match(r.stderr, /CleanedUp: stopped serving 2 HTTP-01 token\(s\)/);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(res.certificates[0].challenges, [
      { identifier: 'solo.web.test', type: 'http-01', solver: 'spec.acme.solvers[0]', via: `standalone 127.0.0.1:${env.pebble.httpPort}` },
      { identifier: 'www.web.test', type: 'http-01', solver: 'spec.acme.solvers[0]', via: `standalone 127.0.0.1:${env.pebble.httpPort}` },
    ]);
    assert.ok(await refused(env.pebble.httpPort), 'the server is closed after the run');

    const renewed = await runCli(['renew', 'solo', '--force', '--no-jitter', '-f', '-', '--out-dir', out, '-o', 'json', ...env.dnsFlags, ...standalone], { input: http01Issuer(env) + certificateYaml('solo', ['solo.web.test', 'www.web.test']) });
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(JSON.parse(renewed.stdout).certificates[0].action, 'issued');
    await verifyWithPebbleRoot(env, join(out, 'default/solo-tls'));
    await rm(out, { recursive: true });
  });

  test('certificates issued at once share one standalone server, bound once', async () => {
    const out = await tempOut();
    const yaml = http01Issuer(env) + certificateYaml('one', ['one.web.test']) + certificateYaml('two', ['two.web.test']) + certificateYaml('three', ['three.web.test']);
    const r = await issue(env, yaml, out, [...standalone, '--concurrency', '3', '-v']);
    assert.equal(r.code, 0, r.stderr);
    for (const n of ['one', 'two', 'three']) await verifyWithPebbleRoot(env, join(out, `default/${n}-tls`));
    const binds = r.stderr.split('\n').filter((l) => /debug: Debug: http01: listening on 127\.0\.0\.1:\d+$/.test(l));
    const closes = r.stderr.split('\n').filter((l) => /http01: closed the server on 127\.0\.0\.1:\d+$/.test(l));
    assert.ok(binds.length >= 1 && binds.length === closes.length, `${binds.length} binds, ${closes.length} closes`);
    assert.ok(binds.length < 3, `three certificates at once bound ${binds.length} times`);
    assert.match(r.stderr, /debug: Debug: http01: GET \/\.well-known\/acme-challenge\/\S+ \(Host one\.web\.test\) from 127\.0\.0\.1 -> 200/);
    assert.ok(await refused(env.pebble.httpPort));
    await rm(out, { recursive: true });
  });

  test('waitInsteadOfSelfCheck on the solver replaces the self-check, as in cert-manager', async () => {
    const out = await tempOut();
    const solvers = '    - http01: {ingress: {}}\n      waitInsteadOfSelfCheck: 500ms';
    // The self-check would fetch from a port where nothing listens; the solver says not to.
    const r = await issue(env, http01Issuer(env, '', solvers) + certificateYaml('blind', ['blind.web.test']), out, ['--http01-listen', `127.0.0.1:${env.pebble.httpPort}`, '--http01-self-check-port', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Waiting: waiting 0\.5 s instead of the HTTP-01 self-check \(waitInsteadOfSelfCheck\) for blind\.web\.test/);
    assert.doesNotMatch(r.stderr, /SelfChecked/);
    await verifyWithPebbleRoot(env, join(out, 'default/blind-tls'));
    await rm(out, { recursive: true });
  });

  test('webroot served by nginx: the file is what nginx serves to the CA, and is gone afterwards', async () => {
    const out = await tempOut();
    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    await chmod(webroot, 0o755);
    const nginx = await startNginx({ port: env.pebble.httpPort, root: webroot });
    try {
      const r = await issue(env, http01Issuer(env) + certificateYaml('site', ['site.web.test']), out, ['--http01-webroot', webroot, ...selfCheck]);
      assert.equal(r.code, 0, r.stderr);
      await verifyWithPebbleRoot(env, join(out, 'default/site-tls'));
      assert.match(r.stderr, new RegExp(`Presented: site\\.web\\.test: wrote ${webroot}/\\.well-known/acme-challenge/\\S+ for http://site\\.web\\.test/`));
      assert.match(r.stderr, /CleanedUp: removed 1 HTTP-01 challenge file\(s\)/);
      const log = await nginx.accessLog();
      assert.ok(log.some((l) => /^GET \/\.well-known\/acme-challenge\/\S+ HTTP\/1\.1 200 site\.web\.test$/.test(l)), `nginx served the token (self-check and CA):\n${log.join('\n')}`);
      assert.deepEqual(await readdir(webroot), [], '.well-known created by certctl and removed with its file');
      assert.deepEqual(JSON.parse(r.stdout).certificates[0].challenges[0].via, `webroot ${webroot}`);
    } finally {
      await nginx.stop();
      await rm(webroot, { recursive: true, force: true });
      await rm(out, { recursive: true });
    }
  });

  test('the Issuer annotation says how; a flag on the command line overrides it', async () => {
    const out = await tempOut();
    const annotated = http01Issuer(env, `certctl.io/http01-listen: "127.0.0.1:${env.pebble.httpPort}"`);
    const r = await issue(env, annotated + certificateYaml('anno', ['anno.web.test']), out, selfCheck);
    assert.equal(r.code, 0, r.stderr);
    await verifyWithPebbleRoot(env, join(out, 'default/anno-tls'));

    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    await chmod(webroot, 0o755);
    const nginx = await startNginx({ port: env.pebble.httpPort, root: webroot });
    try {
      const flag = await issue(env, annotated + certificateYaml('flag', ['flag.web.test']), out, ['--http01-webroot', webroot, ...selfCheck]);
      assert.equal(flag.code, 0, flag.stderr);
      assert.match(flag.stderr, /Presented: flag\.web\.test: wrote /, 'the webroot of the flag, not the annotation\'s server');
      await verifyWithPebbleRoot(env, join(out, 'default/flag-tls'));
    } finally {
      await nginx.stop();
      await rm(webroot, { recursive: true, force: true });
    }
    await rm(out, { recursive: true });
  });

  test('one order mixes http01 and dns01 names, each picked by the solvers\' selectors', async () => {
    const out = await tempOut();
    const solvers = `    - selector: {dnsZones: [web.test]}
      http01: {ingress: {}}
    - dns01:${rfc2136Solver(env, 'HMACSHA256')}`;
    const r = await issue(env, http01Issuer(env, '', solvers) + certificateYaml('mixed', ['mixed.web.test', 'mixed.example.test', '*.mixed.example.test']), out, standalone);
    assert.equal(r.code, 0, r.stderr);
    const text = await verifyWithPebbleRoot(env, join(out, 'default/mixed-tls'));
    for (const n of ['mixed.web.test', 'mixed.example.test', '*.mixed.example.test']) assert.match(text, new RegExp(`DNS:${n.replace(/[.*]/g, '\\$&')}`));
    assert.match(r.stderr, /Answered: answered 1 http-01 and 2 dns-01 challenge\(s\)|Answered: answered 2 dns-01 and 1 http-01 challenge\(s\)/);
    assert.equal(env.pebble.orderCount() > 0, true);
    const challenges = JSON.parse(r.stdout).certificates[0].challenges;
    assert.deepEqual(challenges.map((c: { identifier: string; type: string; solver: string }) => [c.identifier, c.type, c.solver]), [
      ['mixed.web.test', 'http-01', 'spec.acme.solvers[0]'],
      ['mixed.example.test', 'dns-01', 'spec.acme.solvers[1]'],
      ['*.mixed.example.test', 'dns-01', 'spec.acme.solvers[1]'],
    ]);
    assert.deepEqual(await env.bind.txt('_acme-challenge.mixed.example.test.'), [], 'TXT values removed');
    assert.ok(await refused(env.pebble.httpPort));
    await rm(out, { recursive: true });
  });

  test('an IP address identifier (RFC 8738) validates over HTTP-01', async () => {
    const out = await tempOut();
    const r = await issue(env, http01Issuer(env) + ipCertificateYaml('ip', ['127.0.0.1']), out, standalone);
    assert.equal(r.code, 0, r.stderr);
    await verifyWithPebbleRoot(env, join(out, 'default/ip-tls'));
    assert.match(openssl(['x509', '-in', join(out, 'default/ip-tls/tls.crt'), '-noout', '-ext', 'subjectAltName']), /IP Address:127\.0\.0\.1/);
    await rm(out, { recursive: true });
  });

  test('port taken: a clear error before anything is ordered', async () => {
    const out = await tempOut();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(env.pebble.httpPort, '127.0.0.1', resolve));
    try {
      const orders = env.pebble.orderCount();
      const r = await issue(env, http01Issuer(env) + certificateYaml('taken', ['taken.web.test']), out, standalone);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${env.pebble.httpPort} for HTTP-01: the address is already in use \\(a web server\\?\\): stop it for the run, answer through it with --http01-webroot, or listen on another port`));
      assert.equal(env.pebble.orderCount(), orders, 'no order was placed');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    await rm(out, { recursive: true });
  });

  test('port 80 without the privilege: says so, and what to do', { skip: process.getuid?.() !== 0 || !findBinary('setpriv') ? 'needs root (to drop to nobody) and setpriv' : false }, async () => {
    const start = Number(await readFile('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').catch(() => '1024'));
    if (start <= 80) return; // this kernel lets anyone bind port 80: nothing to refuse
    const out = await mkdtemp(join(tmpdir(), 'certctl-nobody-'));
    await chmod(out, 0o777);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'issue', '-f', '-', '--out-dir', out, ...env.dnsFlags, '--http01-standalone'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(http01Issuer(env) + certificateYaml('priv', ['priv.web.test']));
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot listen on :80 for HTTP-01: permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE \(sudo setcap cap_net_bind_service=\+ep .*\), or listen on a high port \(--http01-listen :8080\) and redirect port 80 to it/);
    await rm(out, { recursive: true, force: true });
  });

  test('a symlink at .well-known is refused before ordering, and nothing is written through it', async () => {
    const out = await tempOut();
    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    const target = join(webroot, '..', `${webroot.split('/').pop()}-target`);
    await mkdir(target);
    await symlink(target, join(webroot, '.well-known'));
    try {
      const orders = env.pebble.orderCount();
      const r = await issue(env, http01Issuer(env) + certificateYaml('link', ['link.web.test']), out, ['--http01-webroot', webroot, ...selfCheck]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${webroot}/\\.well-known is a symbolic link: certctl does not write challenge files through symlinks`));
      assert.equal(env.pebble.orderCount(), orders, 'no order was placed');
      assert.deepEqual(await readdir(target), []);
    } finally {
      await rm(webroot, { recursive: true, force: true });
      await rm(target, { recursive: true, force: true });
      await rm(out, { recursive: true });
    }
  });

  test('a self-check that fails stops before the CA is asked, and the files are removed', async () => {
    const out = await tempOut();
    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    const other = await mkdtemp(join(tmpdir(), 'certctl-other-'));
    await chmod(other, 0o755);
    // nginx serves another directory: the classic webroot mistake.
    const nginx = await startNginx({ port: env.pebble.httpPort, root: other });
    try {
      const r = await issue(env, http01Issuer(env) + certificateYaml('wrongroot', ['wrongroot.web.test']), out, ['--http01-webroot', webroot, ...selfCheck, '--http01-self-check-timeout', '2s', '--dns01-check-retry-period', '500ms']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`wrongroot\\.web\\.test: the CA would not see the HTTP-01 challenge: GET http://wrongroot\\.web\\.test/\\.well-known/acme-challenge/\\S+ \\(127\\.0\\.0\\.1:${env.pebble.httpPort}\\): HTTP 404 from nginx/[\\d.]+ \\(self-check, \\d+ attempts in 2 s\\); check that the web server serves ${webroot} at /\\.well-known/acme-challenge/ for this name on port 80 \\(if the CA can reach it but this host cannot: --http01-skip-self-check, or waitInsteadOfSelfCheck on spec\\.acme\\.solvers\\[0\\]\\)$`, 'm'));
      assert.doesNotMatch(r.stderr, /Answered:/, 'the challenge was never answered');
      assert.deepEqual(await readdir(webroot), [], 'file and directories removed');
    } finally {
      await nginx.stop();
      await rm(webroot, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
      await rm(out, { recursive: true });
    }
  });

  test('a validation the CA fails (self-check skipped) is reported per name, and the files are removed', async () => {
    const out = await tempOut();
    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    const r = await issue(env, http01Issuer(env) + certificateYaml('nobody', ['nobody.web.test']), out, ['--http01-webroot', webroot, '--http01-skip-self-check']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the CA could not validate: nobody\.web\.test: invalid: connection /);
    assert.deepEqual(await readdir(webroot), []);
    await rm(webroot, { recursive: true, force: true });
    await rm(out, { recursive: true });
  });

  for (const how of ['webroot', 'standalone'] as const) {
    test(`SIGTERM while the challenge is pending (${how}): exit 143, nothing left behind`, async () => {
      const out = await tempOut();
      const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
      // Self-checked against a port where nothing answers, the run waits with the challenge presented.
      const dead = ['--http01-self-check-port', '1', '--http01-self-check-timeout', '60s'];
      const args = how === 'webroot' ? ['--http01-webroot', webroot, ...dead] : ['--http01-listen', `127.0.0.1:${env.pebble.httpPort}`, ...dead];
      const r = await new Promise<{ code: number | null; stderr: string; sawFile: boolean }>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'issue', '-f', '-', '--out-dir', out, ...env.dnsFlags, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        let sawFile = false;
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/Presented:/.test(stderr) && !child.killed) {
            sawFile = how === 'standalone' || existsSync(join(webroot, '.well-known/acme-challenge'));
            setTimeout(() => child.kill('SIGTERM'), 200);
          }
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr, sawFile }));
        child.stdin.end(http01Issuer(env) + certificateYaml(`term-${how}`, [`term-${how}.web.test`]));
      });
      assert.equal(r.code, 143, r.stderr);
      assert.ok(r.sawFile, 'the challenge was presented when the signal came');
      assert.match(r.stderr, /SIGTERM received/);
      assert.deepEqual(await readdir(webroot), [], 'no file, no directory left');
      assert.ok(await refused(env.pebble.httpPort), 'no server left');
      await rm(webroot, { recursive: true, force: true });
      await rm(out, { recursive: true });
    });
  }

  test('examples/http01: standalone, webroot (an Issuer default and a Certificate of its own), mixed with DNS-01', async () => {
    const out = await tempOut();
    const names: [string, string][] = [['www.example.com', 'www.ex.web.test'], ['[example.com,', '[ex.web.test,']];
    const solo = await exampleManifest(env, 'examples/http01/standalone.yaml', [['":80"', `"127.0.0.1:${env.pebble.httpPort}"`], ...names]);
    const r1 = await issue(env, solo, out, selfCheck);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(await verifyWithPebbleRoot(env, join(out, 'web/www-tls')), /DNS:www\.ex\.web\.test/);

    const html = await mkdtemp(join(tmpdir(), 'certctl-html-'));
    const shop = await mkdtemp(join(tmpdir(), 'certctl-shop-'));
    for (const d of [html, shop]) await chmod(d, 0o755);
    const nginx = await startNginx({ port: env.pebble.httpPort, root: html, sites: { 'shop.web.test': shop } });
    try {
      const webroot = await exampleManifest(env, 'examples/http01/webroot.yaml', [[/\/var\/www\/html/g, html], [/\/srv\/shop\/public/g, shop], ['shop.example.com', 'shop.web.test'], ...names]);
      const r2 = await issue(env, webroot, out, selfCheck);
      assert.equal(r2.code, 0, r2.stderr);
      await verifyWithPebbleRoot(env, join(out, 'web/www-tls'));
      assert.match(await verifyWithPebbleRoot(env, join(out, 'web/shop-tls')), /DNS:shop\.web\.test/);
      assert.match(r2.stderr, new RegExp(`web/shop: Presented: shop\\.web\\.test: wrote ${shop}/`), 'the Certificate\'s own webroot');
      const served = await nginx.accessLog();
      assert.ok(served.some((l) => / 200 shop\.web\.test$/.test(l)) && served.some((l) => / 200 www\.ex\.web\.test$/.test(l)), served.join('\n'));

      const key = env.bind.keys.HMACSHA256;
      const mixed = await exampleManifest(env, 'examples/http01/mixed.yaml', [
        ['/var/www/html', html],
        ['dnsZones: [example.com]', 'dnsZones: [mx.web.test]'],
        ['[example.com, www.example.com, "*.example.com"]', '[mx.web.test, www.mx.web.test, "*.mx.web.test"]'],
        ['nameserver: 192.0.2.53', `nameserver: "127.0.0.1:${env.bind.port}"`],
        ['tsigKeyName: certctl', `tsigKeyName: ${key.tsigKeyName}`],
        ['UkVQTEFDRS1XSVRILVlPVVItVFNJRy1LRVk=', key.tsigSecret],
      ]);
      const r3 = await issue(env, mixed, out, selfCheck);
      assert.equal(r3.code, 0, r3.stderr);
      const text = await verifyWithPebbleRoot(env, join(out, 'web/example-com-tls'));
      assert.match(text, /DNS:\*\.mx\.web\.test/);
      assert.match(r3.stderr, /Answered: answered 2 http-01 and 1 dns-01 challenge\(s\)|Answered: answered 1 dns-01 and 2 http-01 challenge\(s\)/);
      assert.deepEqual(await readdir(html), []);
      assert.deepEqual(await readdir(shop), []);
    } finally {
      await nginx.stop();
      await rm(html, { recursive: true, force: true });
      await rm(shop, { recursive: true, force: true });
      await rm(out, { recursive: true });
    }
  });

  test('SIGKILL with a file in the webroot: the next run removes it first, then issues', async () => {
    const out = await tempOut();
    const webroot = await mkdtemp(join(tmpdir(), 'certctl-www-'));
    await chmod(webroot, 0o755);
    const yaml = http01Issuer(env) + certificateYaml('killed', ['killed.web.test']);
    const challengeDir = join(webroot, '.well-known/acme-challenge');
    const killed = await new Promise<{ signal: NodeJS.Signals | null; left: string[] }>((resolve, reject) => {
      const args = [BIN, 'issue', '-f', '-', '--out-dir', out, ...env.dnsFlags, '--http01-webroot', webroot, '--http01-self-check-port', '1', '--http01-self-check-timeout', '60s'];
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      let left: string[] = [];
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/Presented:/.test(stderr) && !child.killed) {
          setTimeout(() => {
            left = existsSync(challengeDir) ? readdirSync(challengeDir) : [];
            child.kill('SIGKILL');
          }, 200);
        }
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve({ signal, left }));
      child.stdin.end(yaml);
    });
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(killed.left.length, 1, 'the killed run left its file');
    const nginx = await startNginx({ port: env.pebble.httpPort, root: webroot });
    try {
      const next = await issue(env, yaml, out, ['--http01-webroot', webroot, ...selfCheck]);
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stderr, /CleanedUp: removed 1 HTTP-01 challenge file\(s\) left by an interrupted run/);
      await verifyWithPebbleRoot(env, join(out, 'default/killed-tls'));
      assert.deepEqual(existsSync(challengeDir) ? readdirSync(challengeDir) : [], [], 'the leftover and the new file are gone');
    } finally {
      await nginx.stop();
      await rm(webroot, { recursive: true, force: true });
      await rm(out, { recursive: true });
    }
  });

  test('plan, validate and status show each name\'s challenge, in text and -o json', async () => {
    const solvers = `    - selector: {dnsZones: [web.test]}
      http01: {ingress: {}}
    - dns01:${rfc2136Solver(env, 'HMACSHA256')}`;
    const yaml = http01Issuer(env, 'certctl.io/http01-webroot: /srv/www', solvers) + certificateYaml('shown', ['shown.web.test', '*.shown.web.test']);
    const out = await tempOut();
    const common = ['-f', '-', '--out-dir', out, ...env.dnsFlags];
    const plan = await runCli(['plan', ...common], { input: yaml });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^~ renew       default\/shown: .*; http-01 \(webroot \/srv\/www\) for shown\.web\.test; dns-01 \(rfc2136\) for \*\.shown\.web\.test$/m);
    const validate = await runCli(['validate', ...common], { input: yaml });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /^ {2}default\/shown: http-01 \(webroot \/srv\/www\) for shown\.web\.test; dns-01 \(rfc2136\) for \*\.shown\.web\.test$/m);
    const json = await runCli(['validate', ...common, '-o', 'json', '--http01-standalone'], { input: yaml });
    assert.deepEqual(JSON.parse(json.stdout).certificates[0].challenges, [
      { identifier: 'shown.web.test', type: 'http-01', solver: 'spec.acme.solvers[0]', via: 'standalone :80' },
      { identifier: '*.shown.web.test', type: 'dns-01', solver: 'spec.acme.solvers[1]', via: 'rfc2136' },
    ]);
    const status = await runCli(['status', '-f', '-', '--out-dir', out], { input: yaml });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^NAMESPACE +NAME +READY .* ISSUER +CHALLENGE +LAST FAILURE$/m);
    assert.match(status.stdout, /^default +shown +False +DoesNotExist .* Issuer\/pebble +http-01\+dns-01 +-$/m);
    const statusJson = await runCli(['status', '-f', '-', '--out-dir', out, '-o', 'json'], { input: yaml });
    assert.equal(JSON.parse(statusJson.stdout).certificates[0].challenges[0].via, 'webroot /srv/www');
    await rm(out, { recursive: true, force: true });
  });
});

describe('HTTP-01 input errors (exit 2, nothing contacted)', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({}, [WEB_ZONE]);
  });
  after(async () => {
    await env?.stop();
  });

  test('both flags at once; a listen address that is not one', async () => {
    const yaml = http01Issuer(env) + certificateYaml('x', ['x.web.test']);
    const both = await runCli(['validate', '-f', '-', '--http01-webroot', '/srv', '--http01-standalone'], { input: yaml });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /option '--http01-webroot <dir>' cannot be used with option '--http01-standalone'/);
    const bad = await runCli(['validate', '-f', '-', '--http01-listen', 'localhost:80'], { input: yaml });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--http01-listen: "localhost:80": "localhost" is not an IP address \(leave it out to listen on every interface: :80\)/);
    assert.equal(env.pebble.orderCount(), 0);
  });

  test('the README\'s HTTP-01 error samples are what certctl prints for those cases', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- http01-samples: (\S+) -->\n```\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, 'the README marks its samples');
    const dir = await mkdtemp(join(tmpdir(), 'certctl-readme-'));
    const lines = m[2]!.trim().split('\n');
    assert.ok(lines.length >= 2);
    for (const line of lines) {
      const file = /^certctl: error: ([\w.-]+\.yaml):/.exec(line)?.[1];
      assert.ok(file, line);
      const text = (await readFile(join(ROOT, m[1]!, file), 'utf8')).replaceAll('${ACME_SERVER}', env.pebble.directoryUrl).replaceAll('${CA_BUNDLE}', Buffer.from(env.pebble.caCertPem).toString('base64'));
      await writeFile(join(dir, file), text);
      const r = await runCli(['validate', '-f', file, '--out-dir', join(dir, 'out')], { cwd: dir });
      assert.equal(r.code, 2);
      assert.ok(r.stderr.split('\n').includes(line), `certctl printed:\n${r.stderr}\nREADME says:\n${line}`);
    }
    await rm(dir, { recursive: true });
  });
});
