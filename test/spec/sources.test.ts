/**
 * readSources: files, directories and the checks made before anything is read whole.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatIssue, SpecError } from '../../src/spec/errors.js';
import { decodeSource, readSources } from '../../src/spec/sources.js';

let dir = '';

async function failures(paths: string[]): Promise<string[]> {
  try {
    await readSources(paths);
  } catch (err) {
    if (err instanceof SpecError) return err.issues.map((i) => formatIssue(i).replace(dir, '<tmp>'));
    throw err;
  }
  throw new Error('expected readSources to fail');
}

describe('readSources', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'certctl-sources-'));
    mkdirSync(join(dir, 'manifests', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'b.yaml'), 'b: 1\n');
    writeFileSync(join(dir, 'manifests', 'a.yml'), '\uFEFFa: 1\n');
    writeFileSync(join(dir, 'manifests', 'c.JSON'), '{}');
    writeFileSync(join(dir, 'manifests', 'README.md'), '# not a manifest');
    writeFileSync(join(dir, 'manifests', '.hidden.yaml'), 'h: 1\n');
    writeFileSync(join(dir, 'manifests', 'nested', 'deep.yaml'), 'd: 1\n');
    symlinkSync(join(dir, 'manifests', 'b.yaml'), join(dir, 'manifests', 'd-link.yaml'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'big.yaml'), Buffer.alloc(1024 * 1024 + 1, 0x20));
    writeFileSync(join(dir, 'nul.yaml'), Buffer.from('a: 1\0\n'));
    writeFileSync(join(dir, 'utf16.yaml'), Buffer.from('\uFEFFa: 1\n', 'utf16le'));
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory: manifest extensions only, sorted, no hidden files, not recursive', async () => {
    const sources = await readSources([join(dir, 'manifests')]);
    assert.deepEqual(
      sources.map((s) => s.name.replace(dir, '<tmp>')),
      ['<tmp>/manifests/a.yml', '<tmp>/manifests/b.yaml', '<tmp>/manifests/c.JSON', '<tmp>/manifests/d-link.yaml'],
    );
    assert.equal(sources[0].text, 'a: 1\n', 'the BOM is stripped');
  });

  it('reads files in the order given', async () => {
    const sources = await readSources([join(dir, 'manifests', 'b.yaml'), join(dir, 'manifests', 'a.yml')]);
    assert.deepEqual(sources.map((s) => s.text), ['b: 1\n', 'a: 1\n']);
  });

  it('reports every bad path at line 1, column 1', async () => {
    assert.deepEqual(await failures([join(dir, 'missing.yaml'), join(dir, 'empty'), join(dir, 'big.yaml'), join(dir, 'nul.yaml'), join(dir, 'utf16.yaml'), join(dir, 'latin1.yaml')]), [
      '<tmp>/missing.yaml:1:1: no such file or directory',
      '<tmp>/empty:1:1: no *.yaml, *.yml or *.json files in this directory',
      '<tmp>/big.yaml:1:1: larger than 1 MiB',
      '<tmp>/nul.yaml:1:1: contains NUL bytes: not a text file',
      '<tmp>/utf16.yaml:1:1: UTF-16 is not supported: save the file as UTF-8',
      '<tmp>/latin1.yaml:1:1: not valid UTF-8',
    ]);
  });

  it('refuses devices without reading them', { skip: !existsSync('/dev/zero') }, async () => {
    assert.deepEqual(await failures(['/dev/zero']), ['/dev/zero:1:1: not a regular file']);
  });

  it('refuses a FIFO without blocking on it', async (t) => {
    const fifo = join(dir, 'pipe.yaml');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      t.skip('mkfifo is not available');
      return;
    }
    assert.deepEqual(await failures([fifo]), ['<tmp>/pipe.yaml:1:1: not a regular file']);
  });

  it('decodeSource applies the same checks to stdin bytes', () => {
    assert.deepEqual(decodeSource('<stdin>', Buffer.from('\uFEFFa: 1\n')), { name: '<stdin>', text: 'a: 1\n' });
    assert.throws(() => decodeSource('<stdin>', Buffer.from([0xc3, 0x28])), /<stdin>:1:1: not valid UTF-8/);
  });
});
