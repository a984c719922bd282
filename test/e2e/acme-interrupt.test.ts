import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, issue, startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';
import { freePort } from '../helpers/ports.js';
import { BIN, ROOT } from '../helpers/run-cli.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

/**
 * Starts `certctl issue` with the authoritative port pointing nowhere, so it presents the TXT
 * value in BIND and then waits for propagation forever; sends `signal` once it has presented.
 */
function issueAndSignal(env: AcmeEnv, yaml: string, out: string, deadPort: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = [BIN, 'issue', '-f', '-', '--out-dir', out, ...env.dnsFlags, '--dns01-nameserver-port', String(deadPort), '--dns01-propagation-timeout', '60s'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /Presented:/.test(stderr)) {
        sent = true;
        setTimeout(() => child.kill(signal), 200);
      }
    });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stderr }));
    child.stdin.end(yaml);
  });
}

describe('interrupted ACME runs leave no DNS records behind', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('SIGTERM while waiting for propagation: records removed, exit 143', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml() + certificateYaml('term', ['term.example.test']);
    const r = await issueAndSignal(env, yaml, out, await freePort({ udp: true }), 'SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /SIGTERM received/);
    assert.match(r.stderr, /CleanedUp: removed 1 TXT value/);
    assert.deepEqual(await env.bind.txt('_acme-challenge.term.example.test.'), []);
    await rm(out, { recursive: true });
  });

  test('SIGKILL while waiting: the next run removes the leftover record first, then issues', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml() + certificateYaml('killed', ['killed.example.test']);
    const r = await issueAndSignal(env, yaml, out, await freePort({ udp: true }), 'SIGKILL');
    assert.equal(r.signal, 'SIGKILL');
    const left = await env.bind.txt('_acme-challenge.killed.example.test.');
    assert.equal(left.length, 1, 'the killed run left its record');
    await env.bind.nsupdate(['zone example.test.', 'update add _acme-challenge.killed.example.test. 60 TXT "not-ours"', 'send']);

    const next = await issue(env, yaml, out);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /CleanedUp: removed 1 TXT value\(s\) left by an interrupted run/);
    assert.deepEqual(await env.bind.txt('_acme-challenge.killed.example.test.'), ['not-ours'], 'only our value was removed');
    await verifyWithPebbleRoot(env, join(out, 'default/killed-tls'));
    await rm(out, { recursive: true });
  });
});

describe('a run killed after the CA issued the certificate', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv();
  });
  after(async () => {
    await env?.stop();
  });

  for (const point of ['acme:finalized', 'acme:order-valid', 'files:version-complete']) {
    test(`killed at ${point}: the next run finishes the same order, no second order`, async () => {
      const out = await tempOut();
      const name = point.replace(/\W/g, '');
      const yaml = env.issuerYaml() + certificateYaml(name, [`${name}.example.test`]);
      // Register the account first so that the only order counted is the certificate's.
      const warm = await issue(env, env.issuerYaml() + certificateYaml(`${name}-warm`, [`${name}-warm.example.test`]), out);
      assert.equal(warm.code, 0, warm.stderr);
      const ordersBefore = env.pebble.orderCount();
      const killed = await runCliWithEnv(['issue', '-f', '-', '--out-dir', out, ...env.dnsFlags], yaml, { CERTCTL_FAULT: point });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      assert.equal(env.pebble.orderCount(), ordersBefore + 1);

      const next = await issue(env, yaml, out);
      assert.equal(next.code, 0, next.stderr);
      assert.equal(env.pebble.orderCount(), ordersBefore + 1, 'no second order');
      if (point !== 'files:version-complete') assert.match(next.stderr, /Resume: resuming order/);
      await verifyWithPebbleRoot(env, join(out, `default/${name}-tls`));
      await assertNoTxt(env, `_acme-challenge.${name}.example.test.`);
      await rm(out, { recursive: true });
    });
  }
});

async function assertNoTxt(env: AcmeEnv, fqdn: string): Promise<void> {
  assert.deepEqual(await env.bind.txt(fqdn), []);
}

function runCliWithEnv(args: string[], input: string, extra: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...extra }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    child.stdin.end(input);
  });
}
