import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { parseCertificate, parseCertificateChain } from '../../src/pki/parse.js';
import { runCli } from '../helpers/run-cli.js';
import { join } from 'node:path';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { certificateYaml, issue, rfc2136Solver, startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

/** After every scenario no TXT value of ours may be left in BIND. */
async function assertNoChallengeRecords(env: AcmeEnv, names: string[]): Promise<void> {
  for (const n of names) {
    const base = n.replace(/^\*\./, '');
    assert.deepEqual(await env.bind.txt(`_acme-challenge.${base}.`), [], `TXT left at _acme-challenge.${base}`);
  }
}

describe('ACME DNS-01 against Pebble and BIND', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({ nonceReject: 5 });
  });
  after(async () => {
    await env?.stop();
  });

  test('one name: issued, verified against Pebble\'s root, no ca.crt, records cleaned up', async () => {
    const out = await tempOut();
    const r = await issue(env, env.issuerYaml() + certificateYaml('www', ['www.example.test']), out);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.certificates[0].action, 'issued');
    const dir = join(out, 'default/www-tls');
    const text = await verifyWithPebbleRoot(env, dir);
    assert.match(text, /DNS:www\.example\.test/);
    assert.ok(!(await readdir(dir)).includes('ca.crt'), 'ACME issuers write no ca.crt');
    assert.match(r.stderr, /Presented: www\.example\.test: TXT _acme-challenge\.www\.example\.test\. in zone example\.test\./);
    assert.match(r.stderr, /registered ACME account/);
    // The account key was stored and is reused: a second certificate registers nothing new.
    const again = await issue(env, env.issuerYaml() + certificateYaml('www2', ['www2.example.test']), out);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /registered ACME account/);
    await assertNoChallengeRecords(env, ['www.example.test', 'www2.example.test']);
    await rm(out, { recursive: true });
  });

  test('apex + wildcard share one TXT name: both values present at once, both validate', async () => {
    const out = await tempOut();
    const r = await issue(env, env.issuerYaml() + certificateYaml('apex', ['other.test', '*.other.test']), out);
    assert.equal(r.code, 0, r.stderr);
    const text = await verifyWithPebbleRoot(env, join(out, 'default/apex-tls'));
    assert.match(text, /DNS:other\.test/);
    assert.match(text, /DNS:\*\.other\.test/);
    await assertNoChallengeRecords(env, ['other.test']);
    await rm(out, { recursive: true });
  });

  test('ten names across two zones with two solvers (selected by dnsZones, different TSIG keys)', async () => {
    const out = await tempOut();
    const names = [...Array.from({ length: 6 }, (_, i) => `h${i}.example.test`), ...Array.from({ length: 4 }, (_, i) => `h${i}.other.test`)];
    const solvers = `    - selector: {dnsZones: [example.test]}
      dns01:${rfc2136Solver(env, 'HMACSHA256')}
    - selector: {dnsZones: [other.test]}
      dns01:${rfc2136Solver(env, 'HMACSHA512')}`;
    const r = await issue(env, env.issuerYaml({ solvers }) + certificateYaml('ten', names), out);
    assert.equal(r.code, 0, r.stderr);
    const text = await verifyWithPebbleRoot(env, join(out, 'default/ten-tls'));
    for (const n of names) assert.match(text, new RegExp(`DNS:${n.replace(/\./g, '\\.')}`));
    assert.match(r.stderr, /h0\.other\.test: TXT .* \(spec\.acme\.solvers\[1\]\)/);
    assert.match(r.stderr, /h0\.example\.test: TXT .* \(spec\.acme\.solvers\[0\]\)/);
    await assertNoChallengeRecords(env, names);
    await rm(out, { recursive: true });
  });

  test('cnameStrategy Follow writes the record at the end of the CNAME chain (delegated zone)', async () => {
    const out = await tempOut();
    const solvers = `    - dns01:
        cnameStrategy: Follow${rfc2136Solver(env, 'HMACSHA256')}`;
    const r = await issue(env, env.issuerYaml({ solvers }) + certificateYaml('cname', ['cname.example.test']), out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /is a CNAME to _acme-challenge\.delegated\.test\./);
    await verifyWithPebbleRoot(env, join(out, 'default/cname-tls'));
    assert.deepEqual(await env.bind.txt('_acme-challenge.delegated.test.'), []);
    await rm(out, { recursive: true });
  });

  test('a wrong TSIG secret: a clear error, exit 1, no certificate, nothing left in DNS', async () => {
    const out = await tempOut();
    const yaml = env.issuerYaml().replace(env.bind.keys.HMACSHA256.tsigSecret, 'd3Jvbmcgc2VjcmV0IHdyb25nIHNlY3JldA==');
    const r = await issue(env, yaml + certificateYaml('badkey', ['bad.example.test']), out);
    assert.equal(r.code, 1, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.certificates[0].action, 'failed');
    assert.match(res.certificates[0].error, /rfc2136: .*BADSIG/);
    assert.doesNotMatch(r.stderr + r.stdout, /d3Jvbmcgc2VjcmV0/, 'the secret is never printed');
    assert.deepEqual((await readdir(join(out, 'default/badkey-tls'))).filter((e) => !e.startsWith('.')), []);
    await assertNoChallengeRecords(env, ['bad.example.test']);
    await rm(out, { recursive: true });
  });

  test('a solver that never propagates: timeout with the per-nameserver report, no challenge answered', async () => {
    const out = await tempOut();
    const hook = join(out, 'noop-hook.sh');
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
    await chmod(hook, 0o755);
    const solvers = `    - dns01:
        webhook:
          groupName: certctl.io
          solverName: exec
          config: {command: ["${hook}"]}`;
    const r = await issue(env, env.issuerYaml({ solvers }) + certificateYaml('never', ['never.example.test']), out, ['--dns01-propagation-timeout', '1500ms']);
    assert.equal(r.code, 1, r.stderr);
    const err = JSON.parse(r.stdout).certificates[0].error as string;
    assert.match(err, /never\.example\.test: TXT _acme-challenge\.never\.example\.test\. did not propagate/);
    assert.match(err, /ns1\.example\.test\. \(127\.0\.0\.1:\d+\): NXDOMAIN/);
    assert.doesNotMatch(r.stderr, /Answered:/);
    await rm(out, { recursive: true });
  });
});

describe('ACME with External Account Binding and 50% badNonce', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({ eab: true, nonceReject: 50 });
  });
  after(async () => {
    await env?.stop();
  });

  test('EAB: registration without binding fails clearly; with keyID and keySecretRef it issues', async () => {
    const out = await tempOut();
    const noEab = await issue(env, env.issuerYaml({ accountSecret: 'no-eab' }) + certificateYaml('noeab', ['noeab.example.test']), out);
    assert.equal(noEab.code, 1);
    assert.match(JSON.parse(noEab.stdout).certificates[0].error, /externalAccountRequired|External Account Binding/i);

    const extra = `    externalAccountBinding:
      keyID: ${env.pebble.eab.kid}
      keySecretRef: {name: eab-hmac, key: secret}`;
    const eabSecret = `---
apiVersion: v1
kind: Secret
metadata: {name: eab-hmac, namespace: default}
stringData: {secret: "${env.pebble.eab.hmacKey}"}
`;
    const r = await issue(env, env.issuerYaml({ extra }) + eabSecret + certificateYaml('eab', ['eab.example.test', '*.eab.example.test']), out);
    assert.equal(r.code, 0, r.stderr);
    await verifyWithPebbleRoot(env, join(out, 'default/eab-tls'));
    assert.ok(!(r.stderr + r.stdout).includes(env.pebble.eab.hmacKey.slice(0, 12)), 'the HMAC key is never printed');
    await rm(out, { recursive: true });
  });

  test('Pebble rejecting half of all nonces: three issuances in a row all succeed', async () => {
    const out = await tempOut();
    const extra = `    externalAccountBinding:
      keyID: ${env.pebble.eab.kid}
      keySecretRef: {name: eab-hmac, key: secret}`;
    const eabSecret = `---
apiVersion: v1
kind: Secret
metadata: {name: eab-hmac, namespace: default}
stringData: {secret: "${env.pebble.eab.hmacKey}"}
`;
    for (let i = 0; i < 3; i++) {
      const r = await issue(env, env.issuerYaml({ extra }) + eabSecret + certificateYaml(`nonce${i}`, [`n${i}.example.test`, `n${i}.other.test`]), out);
      assert.equal(r.code, 0, r.stderr);
      await verifyWithPebbleRoot(env, join(out, `default/nonce${i}-tls`));
    }
    await rm(out, { recursive: true });
  });
});

describe('preferredChain picks the alternate chain by its top issuer', { skip }, () => {
  let env: AcmeEnv;
  before(async () => {
    env = await startAcmeEnv({ alternateRoots: 1 });
  });
  after(async () => {
    await env?.stop();
  });

  test('the chain whose topmost certificate is issued by the named root is written', async () => {
    const out = await tempOut();
    const alternate = parseCertificate(await env.pebble.rootPem(1)).commonName;
    const def = parseCertificate(await env.pebble.rootPem(0)).commonName;
    assert.notEqual(alternate, def);
    const extra = `    preferredChain: "${alternate}"`;
    const r = await issue(env, env.issuerYaml({ extra }) + certificateYaml('pref', ['pref.example.test']), out);
    assert.equal(r.code, 0, r.stderr);
    const chain = parseCertificateChain(await readFile(join(out, 'default/pref-tls/tls.crt'), 'utf8'));
    assert.equal(chain[chain.length - 1].issuer.commonName, alternate);
    await rm(out, { recursive: true });
  });
});

test('an unreachable ACME server is one clear line, not a crash', async () => {
  const out = await tempOut();
  const yaml = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: gone, namespace: default}
spec:
  acme:
    server: https://127.0.0.1:1/directory
    privateKeySecretRef: {name: gone-account}
    solvers: [{dns01: {webhook: {groupName: certctl.io, solverName: exec, config: {command: [/bin/true]}}}}]
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: gone, namespace: default}
spec: {secretName: gone-tls, dnsNames: [gone.example.test], issuerRef: {name: gone}}
`;
  const r = await runCli(['issue', '-f', '-', '--out-dir', out, '-o', 'json'], { input: yaml });
  assert.equal(r.code, 1, r.stderr);
  const error = JSON.parse(r.stdout).certificates[0].error as string;
  assert.match(error, /^cannot reach the ACME server: GET https:\/\/127\.0\.0\.1:1\/directory: ECONNREFUSED/);
  assert.doesNotMatch(r.stderr, /TypeError|at .*\.js:\d+/);
  await rm(out, { recursive: true });
});
