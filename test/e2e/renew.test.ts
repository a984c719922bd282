import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

const LOCAL = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: selfsigned, namespace: default}
spec: {selfSigned: {}}
`;

function localCert(name: string, extra = ''): string {
  return `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: default}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.local.test]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: selfsigned}
${extra}`;
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'certctl-renew-'));
}

/** Every file under `dir` with its mtime, to prove a run wrote nothing. */
async function snapshot(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of await readdir(dir, { recursive: true })) {
    const st = await stat(join(dir, String(f))).catch(() => undefined);
    if (st?.isFile()) out.set(String(f), st.mtimeMs);
  }
  return out;
}

describe('renew with the local issuers', () => {
  test('a second renew right after the first writes nothing and runs no hook; exit codes 0 / 5', async () => {
    const dir = await tempDir();
    const yaml = LOCAL + localCert('a') + localCert('b');
    const hookLog = join(dir, 'hooks.log');
    const hooks = ['--pre-hook', `echo pre >> ${hookLog}`, '--post-hook', `echo post >> ${hookLog}`, '--deploy-hook', `echo "deploy $CERTCTL_CERTIFICATE_NAME $CERTCTL_CERT_PATH" >> ${hookLog}`];
    const first = await runCli(['renew', '-f', '-', '--out-dir', join(dir, 'out'), '--no-jitter', '--detailed-exit-codes', ...hooks], { input: yaml });
    assert.equal(first.code, 5, first.stderr);
    const log = (await readFile(hookLog, 'utf8')).trim().split('\n');
    assert.equal(log[0], 'pre');
    assert.equal(log[log.length - 1], 'post');
    assert.deepEqual(log.filter((l) => l.startsWith('deploy')).sort(), [`deploy a ${join(dir, 'out/default/a-tls/tls.crt')}`, `deploy b ${join(dir, 'out/default/b-tls/tls.crt')}`]);

    const before = await snapshot(join(dir, 'out'));
    const second = await runCli(['renew', '-f', '-', '--out-dir', join(dir, 'out'), '--no-jitter', '--detailed-exit-codes', ...hooks, '-o', 'json'], { input: yaml });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout).summary.upToDate, 2);
    assert.deepEqual(await snapshot(join(dir, 'out')), before, 'nothing written');
    assert.equal((await readFile(hookLog, 'utf8')).trim().split('\n').length, log.length, 'no hook ran');
    await rm(dir, { recursive: true });
  });

  test('a spec change re-issues that certificate only', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    assert.equal((await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter'], { input: LOCAL + localCert('a') + localCert('b') })).code, 0);
    const changed = LOCAL + localCert('a').replace('a.local.test]', 'a.local.test, a2.local.test]') + localCert('b');
    const r = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '-o', 'json'], { input: changed });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout).certificates;
    assert.deepEqual(res.map((c: { name: string; action: string; reason: string }) => [c.name, c.action, c.reason]), [['a', 'issued', 'RequestChanged'], ['b', 'up-to-date', 'UpToDate']]);
    await rm(dir, { recursive: true });
  });

  test('a short duration with a large renewBefore renews once its renewal time has passed', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const yaml = LOCAL + localCert('short', '  duration: 1h\n  renewBefore: 59m57s\n');
    assert.equal((await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter'], { input: yaml })).code, 0);
    const plan = await runCli(['plan', '-f', '-', '--out-dir', out, '-o', 'json'], { input: yaml });
    assert.equal(JSON.parse(plan.stdout).certificates[0].action, 'up-to-date');
    await sleep(4000);
    const planLater = await runCli(['plan', '-f', '-', '--out-dir', out, '-o', 'json'], { input: yaml });
    const p = JSON.parse(planLater.stdout).certificates[0];
    assert.equal(p.action, 'due');
    assert.equal(p.reason, 'Renewing');
    const r = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '-o', 'json'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).certificates[0].reason, 'Renewing');
    await rm(dir, { recursive: true });
  });

  test('a failing deploy hook does not undo the renewal but fails the run; it runs again next time', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const flag = join(dir, 'fail');
    await writeFile(flag, '');
    const hook = `if [ -e ${flag} ]; then echo "reload failed" >&2; exit 3; fi; echo "$CERTCTL_CERTIFICATE_NAME" >> ${join(dir, 'deployed')}`;
    const r = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--deploy-hook', hook], { input: LOCAL + localCert('d') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /default\/d: deploy-hook exited with code 3: reload failed/);
    assert.ok((await readFile(join(out, 'default/d-tls/tls.crt'), 'utf8')).includes('BEGIN CERTIFICATE'));
    await rm(flag);
    const again = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--deploy-hook', hook], { input: LOCAL + localCert('d') });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await readFile(join(dir, 'deployed'), 'utf8')).trim(), 'd', 'the pending deploy hook ran on the next run');
    const third = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--deploy-hook', hook], { input: LOCAL + localCert('d') });
    assert.equal(third.code, 0);
    assert.equal((await readFile(join(dir, 'deployed'), 'utf8')).trim(), 'd', 'and only once');
    await rm(dir, { recursive: true });
  });

  test('a run finding the store locked exits 3 and does nothing', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const slow = spawn(process.execPath, [BIN, 'renew', '-f', '-', '--out-dir', out, '--no-jitter', '--pre-hook', 'sleep 3'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    slow.stdin.end(LOCAL + localCert('l'));
    const done = new Promise<number | null>((resolve) => slow.on('close', resolve));
    await sleep(1000);
    const r = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--lock-timeout', '0s'], { input: LOCAL + localCert('l') });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /is locked by certctl renew \(pid \d+/);
    assert.equal(await done, 0);
    await rm(dir, { recursive: true });
  });

  test('invalid input exits 2 before anything; plan contacts nothing and writes nothing', async () => {
    const dir = await tempDir();
    const r = await runCli(['renew', '-f', '-', '--out-dir', join(dir, 'out'), '--no-jitter'], { input: LOCAL + localCert('x', '  duration: 10m\n') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /spec\.duration/);
    const p = await runCli(['plan', '-f', '-', '--out-dir', join(dir, 'out'), '-o', 'json'], { input: LOCAL + localCert('x') });
    assert.equal(p.code, 0, p.stderr);
    assert.equal(JSON.parse(p.stdout).certificates[0].action, 'due');
    assert.deepEqual(await readdir(dir), [], 'plan wrote nothing');
    await rm(dir, { recursive: true });
  });

  test('--metrics-file writes cert-manager\'s metrics atomically', async () => {
    const dir = await tempDir();
    const prom = join(dir, 'certctl.prom');
    const r = await runCli(['renew', '-f', '-', '--out-dir', join(dir, 'out'), '--no-jitter', '--metrics-file', prom], { input: LOCAL + localCert('m') });
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(prom, 'utf8');
    assert.match(text, /^certmanager_certificate_expiration_timestamp_seconds\{issuer_group="",issuer_kind="",issuer_name="selfsigned",name="m",namespace="default"\} 1\.\d+e\+09$/m);
    assert.match(text, /^certmanager_certificate_renewal_timestamp_seconds\{.*name="m".*\} 1\.\d+e\+09$/m);
    assert.match(text, /^certmanager_certificate_ready_status\{condition="True",.*name="m".*\} 1$/m);
    assert.match(text, /^certctl_last_run_timestamp_seconds 1\.\d+e\+09$/m);
    // The alert users already have keeps working: the series exists with its labels.
    assert.match(text, /certmanager_certificate_expiration_timestamp_seconds\{[^}]*issuer_kind=""[^}]*\}/);
    await rm(dir, { recursive: true });
  });
});

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('renew against Pebble and BIND', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('ten renew processes at once on one store: exactly one order per due certificate', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml() + certificateYaml('c1', ['c1.example.test']) + certificateYaml('c2', ['c2.example.test', '*.c2.example.test']);
    const before = env.pebble.orderCount();
    const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--lock-timeout', '60s', ...env.dnsFlags, '-o', 'json'], { input: yaml })));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(env.pebble.orderCount() - before, 2, 'one order per certificate');
    const issued = runs.flatMap((r) => JSON.parse(r.stdout).certificates).filter((c: { action: string }) => c.action === 'issued');
    assert.equal(issued.length, 2);
    await verifyWithPebbleRoot(env, join(out, 'default/c1-tls'));
    await verifyWithPebbleRoot(env, join(out, 'default/c2-tls'));

    const again = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags], { input: yaml });
    assert.equal(again.code, 0);
    assert.equal(env.pebble.orderCount() - before, 2, 'a later renew orders nothing');
    await rm(out, { recursive: true });
  });

  test('a failure backs off: the next run does not retry (exit 4) until --force', async () => {
    const out = await tempOut();
    const bad = env.issuerYaml().replace(env.bind.keys.HMACSHA256.tsigSecret, 'd3Jvbmcgc2VjcmV0IHdyb25nIHNlY3JldA==') + certificateYaml('bo', ['bo.example.test']);
    const first = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags], { input: bad });
    assert.equal(first.code, 1, first.stderr);
    const orders = env.pebble.orderCount();
    const second = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json'], { input: bad });
    assert.equal(second.code, 4, second.stderr);
    const c = JSON.parse(second.stdout).certificates[0];
    assert.equal(c.action, 'backing-off');
    assert.ok(Date.parse(c.retryAfter) > Date.now() + 50 * 60_000, 'about an hour after the first failure');
    assert.equal(env.pebble.orderCount(), orders, 'no order while backing off');
    const good = env.issuerYaml() + certificateYaml('bo', ['bo.example.test']);
    const forced = await runCli(['renew', '-f', '-', '--out-dir', out, '--no-jitter', '--force', ...env.dnsFlags], { input: good });
    assert.equal(forced.code, 0, forced.stderr);
    await rm(out, { recursive: true });
  });
});

describe('renew --schedule', () => {
  test('keeps running on its cron schedule, renews what is due, and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [BIN, 'renew', '-f', '-', '--out-dir', out, '--no-jitter', '--schedule', '@every 2s'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(LOCAL + localCert('sched'));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 20_000;
    while ((stderr.match(/next run at/g) ?? []).length < 2 && Date.now() < deadline) await sleep(100);
    child.kill('SIGTERM');
    assert.equal(await closed, 143, stderr);
    assert.equal((stderr.match(/default\/sched: Issued:/g) ?? []).length, 1, 'issued once');
    assert.ok((stderr.match(/default\/sched: UpToDate:/g) ?? []).length >= 1, 'later ticks found it up to date');
    assert.match(stderr, /next run at .* \(--schedule "@every 2s"\)/);
    await rm(dir, { recursive: true });
  });
});
