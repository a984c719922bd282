import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCertificate } from '../../src/pki/parse.js';
import { ariCertId } from '../../src/renewal/ari.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, startAcmeEnv, tempOut, type AcmeEnv } from '../helpers/acme-env.js';
import { MODULE_TREE_BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { startAriServer, type FakeAriServer } from '../fakes/ari-server.js';
import { spawn } from 'node:child_process';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');
const DAY = 86_400_000;
const TRACER = `${ROOT}test/helpers/import-tracer.mjs`;
/** Modules that sign: none may load when a renew only asks the CA's renewal window. */
const SIGNING = /\/issuers\/acme\/(acme-http|transport\/(jws|jws-signer|jwk|eab|key-change|key-authorization))\.js$/;

/** Runs the built CLI with the import tracer; resolves the result and the module URLs it loaded. */
function tracedRun(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string; loaded: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TRACER, MODULE_TREE_BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const loaded = stderr.split('\n').filter((l) => l.startsWith('IMPORT ')).map((l) => l.slice(7));
      resolve({ code, stdout, stderr: stderr.split('\n').filter((l) => !l.startsWith('IMPORT ')).join('\n'), loaded });
    });
    child.stdin.end(input);
  });
}

describe('a renew with nothing due asks ARI without loading any signing code', { skip }, () => {
  let env: AcmeEnv;
  let ari: FakeAriServer;
  before(async () => {
    env = await startAcmeEnv();
    ari = await startAriServer({ upstream: { directoryUrl: env.pebble.directoryUrl, caPem: env.pebble.caCertPem } });
  });
  after(async () => {
    await ari?.stop();
    await env?.stop();
  });

  test('up-to-date by the CA\'s window: one directory GET and one renewalInfo GET, no JWS module', async () => {
    const caBundle = Buffer.from(env.pebble.caCertPem + ari.caPem).toString('base64');
    const yaml = env.issuerYaml().replace(`server: ${env.pebble.directoryUrl}`, `server: ${ari.directoryUrl}`).replace(/caBundle: \S+/, `caBundle: ${caBundle}`) + certificateYaml('lazy', ['lazy.example.test']);
    const out = await tempOut();
    const args = ['renew', '-f', '-', '--out-dir', out, '--no-jitter', ...env.dnsFlags, '-o', 'json'];
    const first = await runCli(args, { input: yaml });
    assert.equal(first.code, 0, first.stderr);

    const leaf = parseCertificate((await readFile(join(out, 'default/lazy-tls/tls.crt'), 'utf8')).split(/(?<=-----END CERTIFICATE-----)/)[0]!);
    const now = Date.now();
    ari.set(ariCertId(leaf), { window: { start: new Date(now + 20 * DAY), end: new Date(now + 21 * DAY) } });
    const before = ari.requests.length;
    const r = await tracedRun(args, yaml);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).certificates[0].action, 'up-to-date');
    assert.deepEqual(ari.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/^(\/renewal-info\/).+/, '$1…')}`), ['GET /dir', 'GET /renewal-info/…']);
    assert.ok(r.loaded.some((u) => u.endsWith('/issuers/acme/transport/server-client.js')), 'the tracer sees the ARI client');
    assert.deepEqual(r.loaded.filter((u) => SIGNING.test(u)), []);

    // The window is known until its Retry-After: the next run asks nothing, and loads no HTTPS
    // client, no DNS wire code and no sockets.
    const later = await tracedRun(args, yaml);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(JSON.parse(later.stdout).certificates[0].action, 'up-to-date');
    assert.equal(ari.requests.length, before + 2);
    assert.deepEqual(later.loaded.filter((u) => /\/issuers\/acme\/transport\/|\/dns\/(resolver|wire\/)|^node:(https|tls|dgram|dns)/.test(u)), []);
    await rm(out, { recursive: true });
  });
});
