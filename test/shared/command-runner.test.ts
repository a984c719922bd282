import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CertificateResult } from '../../src/core/events.js';
import { deployHookEnv } from '../../src/core/hooks.js';
import { createCommandRunner, OUTPUT_TAIL_BYTES as HOOK_OUTPUT_BYTES } from '../../src/shared/command-runner.js';
import type { KillGroup } from '../../src/shared/command-runner.js';

interface HookOptions {
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  cwd?: string;
  killGraceMs?: number;
  killGroup?: KillGroup;
  secrets?: string[];
}

/** Hooks run through the shared runner with a shell, as the core runs them. */
const runHook = (command: string, o: HookOptions) =>
  createCommandRunner({ killGroup: o.killGroup, killGraceMs: o.killGraceMs })({ shell: command, env: o.env, timeoutMs: o.timeoutMs, signal: o.signal, cwd: o.cwd, secrets: o.secrets });

const ENV = { PATH: '/usr/bin:/bin' };
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certctl-hooks-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Running, not a zombie: a killed orphan waits for pid 1 to reap it, which may take a while here. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitDead(pid: number, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return !alive(pid);
}

test('success: exit 0, output captured from stdout and stderr', async () => {
  const r = await runHook('echo out; echo err >&2; printf "%s" "$GREETING"', { env: { ...ENV, GREETING: 'hi there' }, timeoutMs: 5000 });
  assert.deepEqual({ ok: r.ok, code: r.code, signal: r.signal, timedOut: r.timedOut }, { ok: true, code: 0, signal: null, timedOut: false });
  // The two pipes are read independently: their relative order is not guaranteed.
  assert.match(r.output, /out\n/);
  assert.match(r.output, /err\n/);
  assert.match(r.output, /hi there/);
});

test('the environment is exactly what was passed (nothing inherited), cwd is honoured', async () => {
  const r = await runHook('echo "home=${HOME:-unset} x=$X"; pwd', { env: { ...ENV, X: '1' }, timeoutMs: 5000, cwd: dir });
  assert.ok(r.ok);
  assert.match(r.output, /^home=unset x=1\n/);
  assert.equal(r.output.trim().split('\n')[1], dir);
});

test('failure: the exit code is reported and ok is false', async () => {
  const r = await runHook('echo failing >&2; exit 3', { env: ENV, timeoutMs: 5000 });
  assert.equal(r.ok, false);
  assert.equal(r.code, 3);
  assert.equal(r.timedOut, false);
  assert.match(r.output, /failing/);
  const missing = await runHook('no-such-command-certctl', { env: ENV, timeoutMs: 5000 });
  assert.equal(missing.code, 127);
  assert.match(missing.output, /not found/);
});

test('timeout kills the whole process group, grandchildren included', async () => {
  const pidFile = join(dir, 'grandchild.pid');
  const t0 = Date.now();
  const r = await runHook(`sleep 30 & echo $! > ${pidFile}; sleep 30`, { env: ENV, timeoutMs: 300, killGraceMs: 1000 });
  const took = Date.now() - t0;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.equal(r.code, null);
  assert.equal(r.signal, 'SIGTERM');
  assert.match(r.output, /timed out after 300 ms; killed/);
  assert.ok(took < 2500, `took ${took} ms`);
  const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(await waitDead(grandchild), `sleep grandchild ${grandchild} was killed`);
});

test('a hook ignoring SIGTERM is killed with SIGKILL after the grace period', async () => {
  const pidFile = join(dir, 'stubborn.pid');
  const t0 = Date.now();
  const r = await runHook(`trap "" TERM; sh -c 'trap "" TERM; sleep 30' & echo $! > ${pidFile}; wait`, { env: ENV, timeoutMs: 200, killGraceMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 < 3000);
  assert.ok(await waitDead(Number((await readFile(pidFile, 'utf8')).trim())));
});

test('an injected killGroup is used for the group', async () => {
  const calls: string[] = [];
  const r = await runHook('sleep 30', {
    env: ENV,
    timeoutMs: 100,
    killGraceMs: 200,
    killGroup: (pgid, sig) => {
      calls.push(sig);
      process.kill(-pgid, sig);
    },
  });
  assert.equal(r.timedOut, true);
  assert.equal(calls[0], 'SIGTERM');
});

test('abort kills the hook like a timeout (but is not a timeout)', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const r = await runHook('sleep 30', { env: ENV, timeoutMs: 10_000, signal: ac.signal });
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, false);
  assert.equal(r.signal, 'SIGTERM');
  const pre = await runHook('echo never', { env: ENV, timeoutMs: 10_000, signal: AbortSignal.abort() });
  assert.equal(pre.ok, false);
});

test('output keeps only the last ~4 KB of a flood', async () => {
  const r = await runHook(`head -c 10000000 /dev/zero | tr '\\0' x; echo; echo THE-END`, { env: ENV, timeoutMs: 10_000 });
  assert.ok(r.ok);
  assert.ok(Buffer.byteLength(r.output) <= HOOK_OUTPUT_BYTES, `${Buffer.byteLength(r.output)} bytes`);
  assert.ok(r.output.length > HOOK_OUTPUT_BYTES - 100);
  assert.match(r.output, /x\nTHE-END\n$/);
});

test('a background child holding the output pipe does not keep the run waiting', async () => {
  const pidFile = join(dir, 'daemon.pid');
  const t0 = Date.now();
  const r = await runHook(`sleep 5 & echo $! > ${pidFile}; echo started`, { env: ENV, timeoutMs: 10_000 });
  assert.ok(r.ok);
  assert.match(r.output, /started/);
  assert.ok(Date.now() - t0 < 2000, 'did not wait for the background sleep');
  process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');
});

test('a missing cwd resolves with ok false and the reason', async () => {
  const r = await runHook('true', { env: ENV, timeoutMs: 5000, cwd: join(dir, 'nope') });
  assert.equal(r.ok, false);
  assert.match(r.output, /cannot run \/bin\/sh: .*ENOENT/);
});

const result: CertificateResult = {
  name: 'web',
  namespace: 'prod',
  secretName: 'web-tls',
  action: 'issued',
  reason: 'Renewing',
  message: 'Renewing certificate as renewal was scheduled at 2026-01-01T00:00:00.000Z',
  location: '/var/lib/certs/prod/web-tls',
  files: {
    'tls.crt': '/var/lib/certs/prod/web-tls/tls.crt',
    'tls.key': '/var/lib/certs/prod/web-tls/tls.key',
    'ca.crt': '/var/lib/certs/prod/web-tls/ca.crt',
  },
  notAfter: '2026-04-01T00:00:00.000Z',
  dnsNames: ['example.com', '*.example.com'],
};

test('deployHookEnv: names, paths and identifiers for a file store', () => {
  assert.deepEqual(deployHookEnv(result), {
    RENEWED_DOMAINS: 'example.com *.example.com',
    RENEWED_LINEAGE: '/var/lib/certs/prod/web-tls',
    CERTCTL_CERTIFICATE_NAME: 'web',
    CERTCTL_NAMESPACE: 'prod',
    CERTCTL_SECRET_NAME: 'web-tls',
    CERTCTL_REASON: 'Renewing',
    CERTCTL_DNS_NAMES: 'example.com *.example.com',
    CERTCTL_NOT_AFTER: '2026-04-01T00:00:00.000Z',
    CERTCTL_DIR: '/var/lib/certs/prod/web-tls',
    CERTCTL_CERT_PATH: '/var/lib/certs/prod/web-tls/tls.crt',
    CERTCTL_KEY_PATH: '/var/lib/certs/prod/web-tls/tls.key',
    CERTCTL_CA_PATH: '/var/lib/certs/prod/web-tls/ca.crt',
  });
});

test('deployHookEnv: no paths for a Secret, no CA path without ca.crt, explicit files win', () => {
  const kube = deployHookEnv({ ...result, files: undefined, location: 'Secret prod/web-tls' });
  assert.deepEqual(Object.keys(kube).sort(), ['CERTCTL_CERTIFICATE_NAME', 'CERTCTL_DNS_NAMES', 'CERTCTL_NAMESPACE', 'CERTCTL_NOT_AFTER', 'CERTCTL_REASON', 'CERTCTL_SECRET_NAME', 'RENEWED_DOMAINS']);
  const acme = deployHookEnv(result, { 'tls.crt': '/d/tls.crt', 'tls.key': '/d/tls.key' });
  assert.equal(acme.CERTCTL_CA_PATH, undefined);
  assert.equal(acme.CERTCTL_DIR, '/d');
  assert.equal(deployHookEnv({ ...result, dnsNames: undefined }).CERTCTL_DNS_NAMES, '');
});

test('deployHookEnv never carries key material, and a hook sees the variables', async () => {
  const withKey = { ...result, message: 'x', error: undefined } as CertificateResult & { tlsKey?: string };
  withKey.tlsKey = '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----';
  const env = deployHookEnv(withKey);
  assert.ok(Object.values(env).every((v) => !/PRIVATE KEY|secret/.test(v)));
  assert.ok(Object.keys(env).every((k) => k.startsWith('CERTCTL_') || k.startsWith('RENEWED_')));
  const r = await runHook('echo "$CERTCTL_CERTIFICATE_NAME $CERTCTL_DNS_NAMES"', { env: { ...ENV, ...env }, timeoutMs: 5000 });
  assert.equal(r.output, 'web example.com *.example.com\n');
});

test('output is redacted: PEM private keys (whole or cut by the tail) and the values the command was given', async () => {
  const secret = 'tok-3f9a1c77e2';
  const r = await runHook(
    `echo "token is $API_TOKEN"; openssl genpkey -algorithm ed25519 2>/dev/null; printf 'partial:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow'`,
    { env: { ...ENV, API_TOKEN: secret }, timeoutMs: 10_000, secrets: [secret] },
  );
  assert.ok(r.ok);
  assert.doesNotMatch(r.output, new RegExp(secret));
  assert.doesNotMatch(r.output, /MC4CAQAwBQYDK2VwBCIE|MIIEow/);
  assert.match(r.output, /token is \[redacted\]/);
  assert.match(r.output, /\[private key redacted\]/);
  assert.match(r.output, /partial:\n\[rsa private key redacted\]$/);
});

test('a secret cut by the start of the kept tail is still removed', async () => {
  const secret = 'S'.repeat(40) + 'ecret-value';
  // The secret straddles the point where the 4 KiB tail begins.
  const r = await runHook(`head -c 4090 /dev/zero | tr '\\0' x; printf '%s' "$V"; echo`, { env: { ...ENV, V: secret }, timeoutMs: 10_000, secrets: [secret] });
  assert.ok(r.ok);
  assert.doesNotMatch(r.output, /ecret-value/);
  assert.doesNotMatch(r.output, /SSSS/);
});
