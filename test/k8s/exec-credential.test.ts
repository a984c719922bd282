import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecAuth } from '../../src/stores/kubernetes/exec-credential.js';
import { loadKubeconfig } from '../../src/stores/kubernetes/kubeconfig.js';

/**
 * A fake credential plugin: appends one line per run to `runs`, records its environment, and
 * prints an ExecCredential whose token and expiry come from its arguments.
 */
const PLUGIN = `
const fs = require('node:fs');
const [runs, token, expires, mode] = process.argv.slice(2);
fs.appendFileSync(runs, 'run\\n');
fs.writeFileSync(runs + '.env', JSON.stringify({ info: process.env.KUBERNETES_EXEC_INFO, extra: process.env.PLUGIN_EXTRA }));
if (mode === 'fail') { process.stderr.write('no credentials configured for profile'); process.exit(3); }
if (mode === 'garbage') { process.stdout.write('not json'); process.exit(0); }
const status = { token: token + '-' + fs.readFileSync(runs, 'utf8').split('\\n').length };
if (expires !== '-') status.expirationTimestamp = expires;
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status }));
`;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function setup(): Promise<{ dir: string; plugin: string; runs: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'certctl-exec-'));
  dirs.push(dir);
  await writeFile(join(dir, 'plugin.cjs'), PLUGIN);
  return { dir, plugin: join(dir, 'plugin.cjs'), runs: join(dir, 'runs') };
}

const runCount = async (runs: string) => (await readFile(runs, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

test('exec plugin: token cached until expirationTimestamp, run again after it or after invalidate()', async () => {
  const { dir, plugin, runs } = await setup();
  let clock = new Date('2026-01-01T00:00:00Z');
  const auth = new ExecAuth(
    { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin, runs, 'tok', '2026-01-01T00:15:00Z'], env: [{ name: 'PLUGIN_EXTRA', value: 'x' }], provideClusterInfo: true },
    { env: { PATH: process.env.PATH }, baseDir: dir, now: () => clock, cluster: { server: 'https://k.example' } },
  );
  const [a, b] = await Promise.all([auth.get(), auth.get()]);
  assert.equal(a.token, 'tok-2');
  assert.equal(b.token, 'tok-2');
  assert.equal(await runCount(runs), 1, 'concurrent requests share one plugin run');
  const seen = JSON.parse(await readFile(`${runs}.env`, 'utf8'));
  assert.equal(seen.extra, 'x');
  assert.deepEqual(JSON.parse(seen.info), {
    apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://k.example' } },
  });
  clock = new Date('2026-01-01T00:14:00Z');
  assert.equal((await auth.get()).token, 'tok-2');
  assert.equal(await runCount(runs), 1);
  clock = new Date('2026-01-01T00:14:55Z');
  assert.equal((await auth.get()).token, 'tok-3', 'refreshed shortly before expiry');
  assert.equal(auth.invalidate(), true);
  assert.equal((await auth.get()).token, 'tok-4');
});

test('exec plugin errors say which plugin and why; relative commands resolve against the kubeconfig', async () => {
  const { dir, plugin, runs } = await setup();
  const opts = { env: { PATH: process.env.PATH }, baseDir: dir, now: () => new Date() };
  await assert.rejects(new ExecAuth({ command: process.execPath, args: [plugin, runs, 't', '-', 'fail'] }, opts).get(), /exec credential plugin ".*node" failed \(exit code 3\): no credentials configured for profile/);
  await assert.rejects(new ExecAuth({ command: process.execPath, args: [plugin, runs, 't', '-', 'garbage'] }, opts).get(), /did not print an ExecCredential/);
  await assert.rejects(
    new ExecAuth({ command: 'certctl-no-such-plugin', installHint: 'Install it with: apt-get install awscli' }, opts).get(),
    /"certctl-no-such-plugin" was not found \(not installed or not in PATH\)\nInstall it with: apt-get install awscli/,
  );
  await assert.rejects(new ExecAuth({ command: 'x', interactiveMode: 'Always' }, opts).get(), /requires an interactive terminal/);
  await writeFile(join(dir, 'wrapper.sh'), `#!/bin/sh\nexec "${process.execPath}" "${plugin}" "${runs}" rel -\n`, { mode: 0o755 });
  await writeFile(join(dir, 'config'), JSON.stringify({
    'current-context': 'x',
    clusters: [{ name: 'c', cluster: { server: 'https://k.example' } }],
    users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: './wrapper.sh' } } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  }));
  const ep = await loadKubeconfig({ env: { PATH: process.env.PATH }, path: join(dir, 'config'), now: () => new Date() });
  assert.match((await ep.auth.get()).token ?? '', /^rel-\d+$/);
  assert.match(ep.auth.source, /exec credential plugin "\.\/wrapper\.sh"/);
});
