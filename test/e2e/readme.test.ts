/**
 * The README shows real output, not remembered output: the error samples in its "Errors" section
 * are reproduced by running the bad-input cases they come from, and the guarantees link only to
 * test files that exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('every error sample in the README is what certctl prints for that case', async () => {
  const m = /<!-- readme-samples: (\S+), (.*?) -->\n```\n([\s\S]*?)```/.exec(README);
  assert.ok(m, 'the README marks its samples');
  const [, dir, flags, block] = m;
  const lines = block.trim().split('\n');
  assert.ok(lines.length >= 4);
  for (const line of lines) {
    const file = /^certctl: error: ([\w.-]+\.yaml):/.exec(line)?.[1];
    assert.ok(file, `sample names its case file: ${line}`);
    const r = await runCli(['validate', '-f', file, ...flags.split(' ')], { cwd: join(ROOT, dir) });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.split('\n').includes(line), `certctl printed:\n${r.stderr}\nREADME says:\n${line}`);
  }
});

test('every test the guarantees point to exists', () => {
  const section = README.slice(README.indexOf('## What certctl guarantees'), README.indexOf('## Development'));
  const links = [...section.matchAll(/\]\((test\/[^)]+)\)/g)].map((x) => x[1]);
  assert.ok(links.length >= 10);
  for (const l of links) assert.ok(existsSync(join(ROOT, l)), l);
});

test('the DNS providers table is one table', () => {
  const section = README.slice(README.indexOf('## DNS providers'), README.indexOf('\n\n', README.indexOf('| --- | --- | --- |', README.indexOf('## DNS providers'))));
  assert.ok(section.split('\n').filter((l) => l.startsWith('|')).length >= 4, 'the provider rows follow the header without a blank line');
});
