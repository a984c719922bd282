import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BIN, MODULE_TREE_BIN, ROOT } from '../helpers/run-cli.js';

const TRACER = `${ROOT}test/helpers/import-tracer.mjs`;
const BUNDLE_DIR = `${ROOT}dist/bundle/`;
/** Declarations only the ACME client holds: JWS signing and the nonce pool. */
const ACME_CLIENT_CODE = /\bfunction signFlattened\(|\bclass NoncePool\b/;

function importsOf(bin: string, args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', TRACER, bin, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return [...new Set(r.stderr.split('\n').filter((l) => l.startsWith('IMPORT ')).map((l) => l.slice(7)))];
}

function tempDir(): string {
  return spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
}

const ownFiles = (loaded: string[]): string[] => loaded.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));

test('--version and --help load no ACME library, cloud SDK, or issuing code', () => {
  for (const args of [['--version'], ['--help'], ['issue', '--help']]) {
    const loaded = importsOf(MODULE_TREE_BIN, args);
    assert.ok(loaded.some((u) => u.includes('/dist/cli/entry.js')), 'the tracer sees our modules');
    if (args[0] === '--version') assert.deepEqual(loaded.filter((u) => u.includes('commander')), [], '--version answers without loading commander');
    for (const heavy of ['@aws-sdk', '@alicloud', 'node-forge', '/dist/core/', '/dist/issuers/', '/dist/pki/', '/dist/dns/']) {
      const hit = loaded.filter((u) => u.includes(heavy));
      assert.deepEqual(hit, [], `${args.join(' ')} loaded ${heavy}`);
    }
  }
});

test('issuing with local issuers loads no ACME client code', () => {
  const out = tempDir();
  const loaded = importsOf(MODULE_TREE_BIN, ['issue', '-f', 'examples/self-signed/certificate.yaml', '--out-dir', out]);
  assert.ok(loaded.some((u) => u.includes('/dist/issuers/self-signed.js')));
  assert.deepEqual(loaded.filter((u) => /\/issuers\/acme\/(acme-http|acme-issuer|account|order-flow|transport\/)|@aws-sdk|@alicloud/.test(u)), []);
  spawnSync('rm', ['-rf', out]);
});

test('bin/certctl.js runs the bundle, which keeps the lazy loading of the module tree', () => {
  const bundled = readdirSync(BUNDLE_DIR).filter((f) => f.endsWith('.js'));
  assert.ok(bundled.some((f) => ACME_CLIENT_CODE.test(readFileSync(BUNDLE_DIR + f, 'utf8'))), 'the bundle holds the ACME client, under its own names');

  const version = ownFiles(importsOf(BIN, ['--version']));
  const versionBytes = version.filter((f) => f.startsWith(BUNDLE_DIR)).reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(versionBytes < 16_384, `--version read ${versionBytes} bytes of bundle: only the entry and the version chunk`);

  const out = tempDir();
  const runs = [['--help'], ['issue', '-f', 'examples/self-signed/certificate.yaml', '--out-dir', out], ['renew', '-f', 'examples/self-signed/certificate.yaml', '--out-dir', out]];
  for (const args of runs) {
    const files = ownFiles(importsOf(BIN, args));
    assert.deepEqual(files.filter((f) => f !== BIN && !f.startsWith(BUNDLE_DIR)), [], `${args[0]} loads nothing outside the bundle: no node_modules, no module tree`);
    assert.deepEqual(files.filter((f) => f.startsWith(BUNDLE_DIR) && ACME_CLIENT_CODE.test(readFileSync(f, 'utf8'))), [], `${args[0]} loads no chunk of ACME client code`);
  }
  spawnSync('rm', ['-rf', out]);
});

test('a renew replayed from the no-op cache loads only the entry and the cache, a few KB of the bundle', async () => {
  const out = tempDir();
  const env = { ...process.env, CERTCTL_CACHE_DIR: `${out}/cache` };
  const args = ['renew', '-f', 'examples/self-signed/certificate.yaml', '--out-dir', out];
  assert.equal(spawnSync(process.execPath, [BIN, 'issue', ...args.slice(1)], { env }).status, 0);
  // The cache trusts only inputs that have not changed for 2 s.
  await new Promise((r) => setTimeout(r, 2_100));
  assert.equal(spawnSync(process.execPath, [BIN, ...args], { env }).status, 0);
  const r = spawnSync(process.execPath, ['--import', TRACER, BIN, ...args], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /UpToDate/);
  const files = ownFiles([...new Set(r.stderr.split('\n').filter((l) => l.startsWith('IMPORT ')).map((l) => l.slice(7)))]);
  assert.ok(files.some((f) => f.startsWith(BUNDLE_DIR)), 'the tracer sees the bundle');
  assert.deepEqual(files.filter((f) => f !== BIN && !f.startsWith(BUNDLE_DIR)), []);
  const bytes = files.filter((f) => f.startsWith(BUNDLE_DIR)).reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(bytes < 24_576, `the replay read ${bytes} bytes of bundle (${files.map((f) => f.slice(BUNDLE_DIR.length)).join(', ')})`);
  rmSync(out, { recursive: true, force: true });
});
