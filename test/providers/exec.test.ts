import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { SpecError } from '../../src/spec/errors.js';
import { contextWith, parseProviderConfig, providerFromManifest, webhook } from './parse-config.js';
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
    provider: await providerFromManifest(
      webhook('exec', { command: ['sh', HOOK], env: { NSUPDATE_SERVER: `127.0.0.1:${bind.port}`, NSUPDATE_KEYFILE: keyFile }, timeoutSeconds: 20 }),
      contextWith({}, { PATH: process.env.PATH }),
    ),
    zone: 'example.test.',
    readTxt: (fqdn) => bind.txt(fqdn),
    // The example hook passes CERTCTL_TTL on to nsupdate.
    readTtl: async (fqdn) => (await bind.resolver().query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    seedTxt: async (fqdn, value) => bind.nsupdate(['zone example.test.', `update add ${fqdn} 60 TXT "${value}"`, 'send']),
  }));
});

describe('exec solver config', () => {
  const rejects = (config: Record<string, unknown> | undefined, message: RegExp) =>
    assert.throws(() => parseProviderConfig(webhook('exec', config)), (e: Error) => e instanceof SpecError && message.test(e.message));

  it('is checked at load time, with positions', () => {
    rejects(undefined, /^issuer\.yaml:9:\d+: spec\.acme\.solvers\[0\]\.dns01\.webhook: the exec solver needs config\.command/);
    rejects({ command: [] }, /config\.command: must not be empty/);
    rejects({ command: 7 }, /config\.command: expected a list/);
    assert.deepEqual(parseProviderConfig<{ command: string[] }>(webhook('exec', { command: '/usr/local/bin/dns hook' })).command, ['/usr/local/bin/dns hook']);
    rejects({ command: ['x'], timeoutSeconds: 0 }, /config\.timeoutSeconds/);
    rejects({ command: ['x'], env: { 'BAD-NAME': 'v' } }, /config\.env: "BAD-NAME" is not an environment variable name/);
    rejects({ command: ['x'], comand: ['y'] }, /unknown field "comand"/);
    rejects({ command: ['x'], secretEnv: { TOKEN: { name: 'dns' } } }, /config\.secretEnv\.TOKEN\.key: required field is missing/);
  });

  it('passes secretEnv values to the hook and never shows them in its errors', async () => {
    const provider = await providerFromManifest(
      webhook('exec', { command: ['sh', '-c', 'echo "token=$API_TOKEN fqdn=$2" >&2; exit 4', 'hook'], secretEnv: { API_TOKEN: { name: 'dns-api', key: 'token' } } }),
      contextWith({ 'dns-api/token': 's3cr3t-t0ken-value' }, { PATH: process.env.PATH }),
    );
    await assert.rejects(provider.present({ fqdn: '_acme-challenge.a.example.', zone: 'example.', value: 'v', ttl: 60 }), (e: Error) => {
      assert.match(e.message, /^exec: sh present _acme-challenge\.a\.example\. exited with code 4: token=\[redacted\] fqdn=_acme-challenge\.a\.example\.$/);
      assert.doesNotMatch(e.message, /s3cr3t/);
      return true;
    });
  });
});
