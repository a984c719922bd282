import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openssl, ROOT, runCli, type CliResult } from '../helpers/run-cli.js';

/** A receipt is written only by a run that began this long after its inputs last changed. */
const RACY_WAIT_MS = 2_100;

let dir: string;
let cache: string;
let manifest: string;
let out: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certctl-noop-'));
  cache = join(dir, 'cache');
  out = join(dir, 'certs');
  manifest = join(dir, 'certs.yaml');
  copyFileSync(join(ROOT, 'examples/quickstart.yaml'), manifest);
  const issued = await cli(['issue', '-f', manifest, '--out-dir', out]);
  assert.equal(issued.code, 0, issued.stderr);
  await sleep(RACY_WAIT_MS);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { CERTCTL_CACHE_DIR: cache, ...env } });
}

const renewArgs = (...more: string[]): string[] => ['renew', '-f', manifest, '--out-dir', out, '--lock-timeout', '1s', '--no-jitter', ...more];

/** The one receipt file, and its text ('' when there is none). */
function receipt(): { path: string; text: string } {
  const names = (() => {
    try {
      return readdirSync(join(cache, 'noop')).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
  })();
  assert.ok(names.length <= 1, `one receipt at most, found ${names.join(', ')}`);
  if (names.length === 0) return { path: '', text: '' };
  const path = join(cache, 'noop', names[0]);
  return { path, text: readFileSync(path, 'utf8') };
}

/**
 * Runs renew and tells whether it replayed: a replay leaves the receipt as it was; a full run
 * writes a new one (new createdAt) or removes it.
 */
async function renew(args = renewArgs(), env: Record<string, string> = {}): Promise<{ r: CliResult; replayed: boolean }> {
  const before = receipt().text;
  await sleep(5); // a full run's receipt then has another createdAt
  const r = await cli(args, env);
  return { r, replayed: before !== '' && receipt().text === before };
}

test('a clean no-op leaves a private receipt, and the next identical renew replays it byte for byte', async () => {
  const first = await renew();
  assert.equal(first.r.code, 0, first.r.stderr);
  assert.equal(first.replayed, false);
  const { path, text } = receipt();
  assert.ok(path, 'the no-op left a receipt');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(cache, 'noop')).mode & 0o777, 0o700);
  const parsed = JSON.parse(text) as { validUntil: number; createdAt: number; deps: [string, number, string][] };
  // Every Secret directory the decision read, the manifest, and the code that replays.
  const depPaths = parsed.deps.map((d) => d[0]);
  for (const secret of ['root-ca', 'web-tls', 'client-tls']) assert.ok(depPaths.includes(join(out, 'sandbox', secret)), `depends on ${secret}`);
  assert.ok(depPaths.includes(manifest));
  assert.ok(depPaths.some((p) => p.startsWith(join(ROOT, 'dist/bundle/'))), 'depends on the code that replays');
  assert.doesNotMatch(text, /PRIVATE KEY/);

  const second = await renew();
  assert.equal(second.replayed, true);
  assert.equal(second.r.code, 0);
  assert.equal(second.r.stdout, first.r.stdout);
  assert.equal(second.r.stderr, first.r.stderr);
});

test('another invocation (flags, environment, --no-cache) runs in full and leaves the first receipt alone', async () => {
  await renew(); // a fresh receipt for the plain invocation
  const kept = receipt().text;
  assert.notEqual(kept, '');
  for (const [args, env] of [
    [renewArgs('--no-cache'), {}],
    [renewArgs('-q'), {}],
    [renewArgs(), { CERTCTL_EXTRA: '1' }],
  ] as [string[], Record<string, string>][]) {
    const rmOthers = (): void => {
      for (const n of readdirSync(join(cache, 'noop'))) if (!kept.includes(n.replace('.json', ''))) rmSync(join(cache, 'noop', n));
    };
    const r = await cli(args, env);
    assert.equal(r.code, 0, r.stderr);
    rmOthers();
    assert.equal(receipt().text, kept, `${args.join(' ')} ${JSON.stringify(env)}: the first receipt is untouched`);
  }
  const again = await renew();
  assert.equal(again.replayed, true);
});

test('a changed manifest, a touched manifest or an edited certificate file means a full run', async () => {
  await renew();
  assert.equal((await renew()).replayed, true);

  const now = new Date();
  utimesSync(manifest, now, now);
  assert.equal((await renew()).replayed, false, 'touched manifest');
  await sleep(RACY_WAIT_MS);
  await renew();
  assert.equal((await renew()).replayed, true);

  appendFileSync(join(out, 'sandbox/client-tls/tls.crt'), '\n');
  assert.equal((await renew()).replayed, false, 'tls.crt edited in place');
  await sleep(RACY_WAIT_MS);
  await renew();
  assert.equal((await renew()).replayed, true);

  // A new name: the full run renews the certificate at once.
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/- web\.sandbox\.test\n/, '- web.sandbox.test\n    - www.sandbox.test\n'));
  const changed = await renew();
  assert.equal(changed.replayed, false);
  assert.match(changed.r.stdout, /issued {6}sandbox\/web /);
  assert.match(openssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', join(out, 'sandbox/web-tls/tls.crt')]), /www\.sandbox\.test/);
  assert.equal(receipt().text, '', 'a run that issued leaves no receipt');
});

test('while another run holds the store, renew waits for it as always (exit 3 here), never replays', async () => {
  await sleep(RACY_WAIT_MS);
  await renew();
  assert.equal((await renew()).replayed, true);
  const lock = join(out, '.certctl.lock');
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), holder: 'certctl renew', bootId, token: 'held-by-the-test' }));
  try {
    const held = await renew();
    assert.equal(held.r.code, 3, held.r.stderr);
    assert.match(held.r.stderr, /locked by/);
  } finally {
    rmSync(lock, { force: true });
  }
});

test('a receipt past its moment, or one others could have written, is not replayed', async () => {
  await sleep(RACY_WAIT_MS);
  await renew();
  const { path, text } = receipt();
  assert.ok(path);
  const r = JSON.parse(text) as { validUntil: number };
  writeFileSync(path, JSON.stringify({ ...r, validUntil: Date.now() - 1 }), { mode: 0o600 });
  assert.equal((await renew()).replayed, false, 'past validUntil');

  await renew();
  const fresh = receipt();
  chmodSync(fresh.path, 0o644);
  assert.equal((await renew()).replayed, false, 'a receipt readable or writable by others is ignored');
});

test('the receipt lasts until the first renewal time', async () => {
  // 1 h certificates renewed 59 min before expiry: due 1 min after issuance.
  const short = join(dir, 'short.yaml');
  writeFileSync(
    short,
    readFileSync(join(ROOT, 'examples/self-signed/certificate.yaml'), 'utf8').replace(/duration: .*\n/, 'duration: 1h\n  renewBefore: 59m\n'),
  );
  const args = ['renew', '-f', short, '--out-dir', out, '--no-jitter', '-o', 'json'];
  const issued = await cli(args);
  assert.equal(issued.code, 0, issued.stderr);
  await sleep(RACY_WAIT_MS);
  const full = await cli(args);
  const renewalTime = (JSON.parse(full.stdout) as { certificates: { renewalTime: string }[] }).certificates[0].renewalTime;
  const name = readdirSync(join(cache, 'noop')).find((n) => readFileSync(join(cache, 'noop', n), 'utf8').includes(short));
  assert.ok(name, 'the no-op left a receipt');
  const r = JSON.parse(readFileSync(join(cache, 'noop', name), 'utf8')) as { validUntil: number };
  assert.equal(r.validUntil, Date.parse(renewalTime));
});

test('with --metrics-file, the replay writes the metrics again, with its own run time', async () => {
  const metrics = join(dir, 'certctl.prom');
  const args = renewArgs('--metrics-file', metrics);
  await sleep(RACY_WAIT_MS);
  const full = await cli(args);
  assert.equal(full.code, 0, full.stderr);
  const name = readdirSync(join(cache, 'noop')).find((n) => readFileSync(join(cache, 'noop', n), 'utf8').includes(metrics));
  assert.ok(name, 'a run with a metrics file leaves a receipt too');
  const before = readFileSync(metrics, 'utf8');
  const receiptText = readFileSync(join(cache, 'noop', name), 'utf8');
  await sleep(1_100);
  const replay = await cli(args);
  assert.equal(replay.code, 0);
  assert.equal(readFileSync(join(cache, 'noop', name), 'utf8'), receiptText, 'replayed');
  const after = readFileSync(metrics, 'utf8');
  const stamp = (t: string): number => Number(/^certctl_last_run_timestamp_seconds (\S+)$/m.exec(t)![1]);
  assert.ok(stamp(after) > stamp(before), 'the run time is the replay\'s');
  const samples = (t: string): string => t.split('\n').filter((l) => !/^certctl_last_run_(timestamp|duration)_seconds /.test(l)).join('\n');
  assert.equal(samples(after), samples(before), 'every other sample is the same');
  assert.match(after, /^certmanager_certificate_expiration_timestamp_seconds\{/m);
});
