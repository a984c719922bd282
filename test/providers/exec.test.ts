import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createExecProvider } from '../../src/providers/exec.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startBind, type BindServer } from '../helpers/bind.js';
import { runProviderConformance } from './conformance.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOOK = fileURLToPath(new URL('../../examples/acme/exec/nsupdate-hook.sh', import.meta.url));

// The exec provider, driving the nsupdate hook shipped in examples/, must behave like any built-in provider.
describe('exec provider with the example nsupdate hook', { skip: skipUnlessInstalled(['named', 'nsupdate'], 'bind9 bind9-dnsutils') }, () => {
  let bind: BindServer;
  let dir: string;
  let keyFile: string;
  before(async () => {
    bind = await startBind();
    dir = await mkdtemp(join(tmpdir(), 'certctl-exec-'));
    keyFile = join(dir, 'tsig.key');
    const k = bind.tsig;
    await writeFile(keyFile, `key "${k.tsigKeyName}" { algorithm hmac-sha256; secret "${k.tsigSecret}"; };\n`, { mode: 0o600 });
  });
  after(async () => {
    await bind?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  runProviderConformance('exec', async () => ({
    provider: createExecProvider(
      { command: ['sh', HOOK], env: { NSUPDATE_SERVER: `127.0.0.1:${bind.port}`, NSUPDATE_KEYFILE: keyFile }, timeoutMs: 20_000 },
      { PATH: process.env.PATH },
    ),
    zone: 'example.test.',
    readTxt: (fqdn) => bind.txt(fqdn),
    // The example hook passes CERTCTL_TTL on to nsupdate.
    readTtl: async (fqdn) => (await bind.resolver().query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    seedTxt: async (fqdn, value) => bind.nsupdate(['zone example.test.', `update add ${fqdn} 60 TXT "${value}"`, 'send']),
  }));
});
