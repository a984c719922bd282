import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT } from '../helpers/run-cli.js';

const TRACER = `${ROOT}test/helpers/import-tracer.mjs`;

function importsOf(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', TRACER, BIN, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr.split('\n').filter((l) => l.startsWith('IMPORT ')).map((l) => l.slice(7));
}

test('--version and --help load no ACME library, cloud SDK, or issuing code', () => {
  for (const args of [['--version'], ['--help'], ['issue', '--help']]) {
    const loaded = importsOf(args);
    assert.ok(loaded.some((u) => u.includes('/dist/cli/entry.js')), 'the tracer sees our modules');
    if (args[0] === '--version') assert.deepEqual(loaded.filter((u) => u.includes('commander')), [], '--version answers without loading commander');
    for (const heavy of ['@aws-sdk', '@alicloud', 'node-forge', '/dist/core/', '/dist/issuers/', '/dist/pki/', '/dist/dns/']) {
      const hit = loaded.filter((u) => u.includes(heavy));
      assert.deepEqual(hit, [], `${args.join(' ')} loaded ${heavy}`);
    }
  }
});

test('issuing with local issuers loads no ACME client code', () => {
  const out = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
  const loaded = importsOf(['issue', '-f', 'examples/self-signed/certificate.yaml', '--out-dir', out]);
  assert.ok(loaded.some((u) => u.includes('/dist/issuers/self-signed.js')));
  assert.deepEqual(loaded.filter((u) => /\/issuers\/acme\/(acme-http|acme-issuer|account|order-flow|transport\/)|@aws-sdk|@alicloud/.test(u)), []);
  spawnSync('rm', ['-rf', out]);
});
