import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { openssl, ROOT, runCli } from '../helpers/run-cli.js';

/** Examples that need a companion file generated first (tested below). */
const NEEDS_COMPANION = new Set(['examples/ca/issuer-with-inline-secret.yaml']);

/** Every manifest under examples/ (except Kubernetes deployment files) must pass `certctl validate`. */
function exampleManifests(): string[] {
  const dir = join(ROOT, 'examples');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('kubernetes'))
    .map((f) => join('examples', f))
    .sort();
}

test('every example manifest validates', async () => {
  const files = exampleManifests();
  assert.ok(files.length >= 8, `found only ${files.length} examples`);
  for (const f of files.filter((x) => !NEEDS_COMPANION.has(x))) {
    const r = await runCli(['validate', '-f', f, '--out-dir', '/nonexistent-certctl-store']);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, /^valid: /, f);
  }
});

test('the ca example issues with the CA Secret its script generates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'certctl-ca-example-'));
  const secret = join(dir, 'corp-ca.yaml');
  await writeFile(secret, execFileSync('sh', [join(ROOT, 'examples/ca/make-ca-secret.sh')]));
  const r = await runCli(['issue', '-f', 'examples/ca/issuer-with-inline-secret.yaml', '-f', secret, '--out-dir', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const leaf = join(dir, 'out/backend/internal-api-tls');
  assert.match(openssl(['verify', '-CAfile', join(leaf, 'ca.crt'), join(leaf, 'tls.crt')]), /: OK/);
  assert.match(openssl(['x509', '-in', join(leaf, 'tls.crt'), '-noout', '-issuer']), /Example Corp CA/);
  await rm(dir, { recursive: true });
});
