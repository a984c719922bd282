/**
 * The "renewed but not reloaded" case, end to end: nginx (Debian package) serves a certificate
 * from certctl's files store; certctl renews it; until nginx reloads, `check` names the
 * mismatch; after `nginx -s reload` (by hand, then from renew's deploy hook) it is OK again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBinary, skipUnlessInstalled } from '../helpers/binaries.js';
import { freePorts } from '../helpers/ports.js';
import { startProcess, type ManagedProcess } from '../helpers/process.js';
import { runCli } from '../helpers/run-cli.js';
import { checkJson } from './check-cli.js';
import { FIXTURE_MANIFESTS, makeCheckPki, type CheckPki } from './pki-fixture.js';
import { waitForPort } from './servers.js';

// One nginx and one store for all: the tests run in order (the runner's default is two at a time).
describe('check --expect-secret against nginx', { skip: skipUnlessInstalled(['nginx', 'openssl'], 'nginx openssl'), concurrency: 1 }, () => {
  let dir: string;
  let pki: CheckPki;
  let nginx: ManagedProcess;
  let port: number;
  let conf: string;
  let prefix: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certctl-check-nginx-'));
    pki = await makeCheckPki(dir);
    prefix = join(dir, 'nginx');
    await mkdir(join(prefix, 'tmp'), { recursive: true });
    [port] = (await freePorts(1)) as [number];
    const secret = join(pki.store, 'default/web-tls');
    conf = join(prefix, 'nginx.conf');
    await writeFile(
      conf,
      `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name web.test;
    ssl_certificate ${secret}/tls.crt;
    ssl_certificate_key ${secret}/tls.key;
    location / { return 200 "ok\\n"; }
  }
}
`,
    );
    // Only the web Certificate and the Issuer that signs it: renewing it must not renew the CAs
    // (issue --force would re-issue the Certificates that produce its CA Secrets too).
    await writeFile(join(dir, 'web-only.yaml'), `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: int, namespace: default}\nspec: {ca: {secretName: int-ca}}\n---\n${FIXTURE_MANIFESTS.split('---\n').find((d) => d.includes('name: web,'))!}`);
    nginx = startProcess(requireBinary('nginx', 'nginx'), ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {});
    await waitForPort('127.0.0.1', port, nginx);
  });
  after(async () => {
    await nginx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const check = (extra: string[]): ReturnType<typeof checkJson> =>
    checkJson([`127.0.0.1:${port}`, '--servername', 'web.test', '--ca-file', pki.root.cert, '--out-dir', pki.store, ...extra]);

  function reload(): void {
    const r = spawnSync(requireBinary('nginx', 'nginx'), ['-p', prefix, '-c', conf, '-s', 'reload'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }

  /** Waits until nginx's new workers serve the stored certificate. */
  async function untilServedIsStored(): Promise<Awaited<ReturnType<typeof checkJson>>> {
    for (let i = 0; ; i++) {
      const r = await check(['--expect-secret', 'default/web-tls']);
      if (r.target.stored?.relation === 'same' || i >= 50) return r;
      await sleep(100);
    }
  }

  test('served = stored, then renewed but not reloaded (WARNING), then reloaded (OK)', async () => {
    const first = await check(['--expect-secret', 'default/web-tls']);
    assert.equal(first.code, 0, JSON.stringify(first.target.findings));
    assert.equal(first.target.stored.relation, 'same');
    assert.equal(first.target.stored.match, true);
    assert.equal(first.target.stored.secret, 'default/web-tls');

    const servedSerial = first.target.chain.served[0].serial;
    // notBefore has whole seconds: a renewal within the second the served certificate was issued
    // in could not be told newer (the fixture and certctl are fast enough for that to happen).
    const sameSecond = Date.parse(first.target.chain.served[0].notBefore) + 1000 - Date.now();
    if (sameSecond > 0) await sleep(sameSecond);
    const renewed = await runCli(['issue', '-f', join(dir, 'web-only.yaml'), '--out-dir', pki.store, '--force']);
    assert.equal(renewed.code, 0, renewed.stderr);
    const stale = await check(['--expect-secret', 'default/web-tls']);
    assert.equal(stale.code, 1, JSON.stringify(stale.target.findings));
    assert.equal(stale.target.findings[0].code, 'ServedNotStored');
    assert.match(stale.target.findings[0].message, /^served ≠ stored: renewed but not reloaded — the server still presents the previous certificate \(serial [0-9a-f]+,/);
    assert.equal(stale.target.stored.relation, 'served-older');
    assert.equal(stale.target.chain.served[0].serial, servedSerial, 'nginx still serves the old one');
    assert.notEqual(stale.target.stored.stored.serial, servedSerial);
    // The text output names it too, on the Nagios status line.
    const text = await runCli(['check', `127.0.0.1:${port}`, '--servername', 'web.test', '--ca-file', pki.root.cert, '--out-dir', pki.store, '--expect-secret', 'default/web-tls']);
    assert.match(text.stdout.split('\n')[0]!, /^CERTCTL CHECK WARNING - 127\.0\.0\.1:\d+: served ≠ stored: renewed but not reloaded/);

    // -f finds the Secret through the Certificate whose dnsNames cover the name checked.
    const viaManifests = await check(['-f', join(dir, 'manifests.yaml')]);
    assert.equal(viaManifests.code, 1);
    assert.equal(viaManifests.target.stored.certificate, 'default/web');
    assert.equal(viaManifests.target.stored.relation, 'served-older');

    reload();
    const fixed = await untilServedIsStored();
    assert.equal(fixed.code, 0, JSON.stringify(fixed.target.findings));
    assert.equal(fixed.target.stored.relation, 'same');
    assert.equal(fixed.target.chain.served[0].serial, stale.target.stored.stored.serial);
  });

  test('renew with nginx -s reload as deploy hook: OK right after renewing; metrics say so', async () => {
    const hook = `${requireBinary('nginx', 'nginx')} -p ${prefix} -c ${conf} -s reload`;
    const r = await runCli(['renew', '-f', join(dir, 'web-only.yaml'), '--out-dir', pki.store, '--force', '--no-jitter', '--deploy-hook', hook]);
    assert.equal(r.code, 0, r.stderr);
    const ok = await untilServedIsStored();
    assert.equal(ok.code, 0, JSON.stringify(ok.target.findings));
    const prom = join(dir, 'check.prom');
    await runCli(['check', `127.0.0.1:${port}`, '--servername', 'web.test', '--ca-file', pki.root.cert, '--out-dir', pki.store, '--expect-secret', 'default/web-tls', '--metrics-file', prom]);
    assert.match(await readFile(prom, 'utf8'), /^certctl_check_served_matches_stored\{secret="default\/web-tls",target="127\.0\.0\.1:\d+"\} 1$/m);
  });

  test('a Secret that is not in the store: UNKNOWN StoredUnavailable', async () => {
    const r = await check(['--expect-secret', 'default/nope']);
    assert.equal(r.code, 3);
    assert.equal(r.target.findings[0].code, 'StoredUnavailable');
    assert.match(r.target.findings[0].message, /Secret default\/nope \(.*\/store\) holds no certificate to compare with/);
  });
});
