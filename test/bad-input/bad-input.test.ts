/**
 * The bad-input corpus: one file per case under cases/, each saying in its header the exit code
 * and the stderr it must produce (`# exit:`, `# stderr:` a regular expression). Every case goes
 * through `certctl validate` and `certctl issue` as users run them. Beyond the message, issue must
 * write nothing (the --out-dir is not even created) and contact nothing: the ACME server URL in the
 * cases points at a counting proxy in front of a real Pebble, which must see zero connections.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAcmeEnv, type AcmeEnv } from '../helpers/acme-env.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { runCli } from '../helpers/run-cli.js';

const CASES = fileURLToPath(new URL('./cases/', import.meta.url));
const files = readdirSync(CASES).filter((f) => f.endsWith('.yaml')).sort();

interface Case {
  file: string;
  exit: number;
  stderr: RegExp;
  text: string;
}

function readCase(file: string): Case {
  const text = readFileSync(join(CASES, file), 'utf8');
  const header = (key: string): string => {
    const m = new RegExp(`^# ${key}: (.*)$`, 'm').exec(text);
    if (!m) throw new Error(`${file}: no "# ${key}:" header`);
    return m[1];
  };
  return { file, exit: Number(header('exit')), stderr: new RegExp(header('stderr')), text };
}

/** A TCP proxy to `port` that counts the connections made to it. */
async function countingProxy(port: number): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    const upstream = connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('bad-input corpus', { skip: skipUnlessInstalled(['pebble', 'named'], 'pebble bind9') }, () => {
  let env: AcmeEnv;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let work: string;
  before(async () => {
    env = await startAcmeEnv();
    const url = new URL(env.pebble.directoryUrl);
    proxy = await countingProxy(Number(url.port));
    work = await mkdtemp(join(tmpdir(), 'certctl-bad-input-'));
  });
  after(async () => {
    await proxy?.close();
    await env?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('has a case for every input class issue 9 names', () => {
    assert.ok(files.length >= 15, `${files.length} cases`);
  });

  for (const file of files) {
    const c = readCase(file);
    it(`${file}: exit ${c.exit}, the message, nothing written, nothing contacted`, async () => {
      const url = new URL(env.pebble.directoryUrl);
      url.port = String(proxy.port);
      const text = c.text.replaceAll('${ACME_SERVER}', url.toString()).replaceAll('${CA_BUNDLE}', Buffer.from(env.pebble.caCertPem).toString('base64'));
      const path = join(work, file);
      await import('node:fs/promises').then((fs) => fs.writeFile(path, text));
      for (const command of ['validate', 'issue']) {
        const out = join(work, `${file}-${command}-out`);
        const before = proxy.connections();
        const r = await runCli([command, '-f', path, '--out-dir', out, ...env.dnsFlags]);
        assert.equal(r.code, c.exit, `${command}: ${r.stderr}`);
        assert.match(r.stderr, c.stderr, `${command} stderr`);
        assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
        assert.equal(existsSync(out), false, `${command} created ${out}`);
        assert.equal(proxy.connections() - before, 0, `${command} contacted the ACME server`);
      }
    });
  }
});
