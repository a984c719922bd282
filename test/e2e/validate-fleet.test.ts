/**
 * `validate` over many Certificates stays readable: the text names the first of the issue order
 * and counts the rest, `-o json` lists all, and one missing CA Secret is one error line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateYaml } from '../helpers/acme-env.js';
import { runCli } from '../helpers/run-cli.js';

function bundle(issuer: string, n: number): string {
  let docs = issuer;
  for (let i = 0; i < n; i++) docs += certificateYaml(`c${i}`, [`c${i}.apps.test`], { issuer: 'fleet', issuerKind: 'ClusterIssuer', namespace: 'apps' });
  return docs;
}

const SELF_SIGNED = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: fleet}\nspec: {selfSigned: {}}\n';
const CA = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: fleet}\nspec: {ca: {secretName: fleet-ca}}\n';

describe('validate with many Certificates', () => {
  it('names the first 20 of the issue order and counts the rest; -o json lists all 30', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certctl-validate-fleet-'));
    try {
      const text = await runCli(['validate', '-f', '-', '--out-dir', dir], { input: bundle(SELF_SIGNED, 30) });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /issue order: apps\/c0, apps\/c1, .*, apps\/c19 and 10 more \(-o json lists all\)\n/);
      assert.doesNotMatch(text.stdout, /apps\/c20/);
      const json = await runCli(['validate', '-f', '-', '--out-dir', dir, '-o', 'json'], { input: bundle(SELF_SIGNED, 30) });
      assert.equal(json.code, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).issueOrder.length, 30);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a CA Secret missing for 30 Certificates is one error line, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certctl-validate-fleet-'));
    try {
      const r = await runCli(['validate', '-f', '-', '--out-dir', dir], { input: bundle(CA, 30) });
      assert.equal(r.code, 2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('certctl: error:'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, /<stdin>:4:13: spec\.ca\.secretName: Secret cert-manager\/fleet-ca not found: .*used by Certificates apps\/c0, apps\/c1, apps\/c2 and 27 more\)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
