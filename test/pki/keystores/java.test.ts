// The real Java consumers (Debian openjdk-17-jre-headless): keytool lists every keystore and
// truststore; a tiny Java TLS server (java/KeystoreTls.java, source-launch mode) loads each
// keystore and serves TLS that `openssl s_client -verify_return_error` verifies against the
// root; a Java client trusting only each truststore completes a handshake with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { encodeJksKeystore, encodeJksTruststore, encodePkcs12Keystore, encodePkcs12Truststore } from '../../../src/pki/keystores/index.js';
import type { Pkcs12Profile } from '../../../src/pki/keystores/index.js';
import { findBinary, skipUnlessInstalled } from '../../helpers/binaries.js';
import { startProcess } from '../../helpers/process.js';
import type { ManagedProcess } from '../../helpers/process.js';
import { runOpenssl, tempDir } from '../helpers.js';
import { LEAF_KEYS, makeCa, makeLeaf } from './fixtures.js';
import type { KeystoreMaterial } from './fixtures.js';

const skip = skipUnlessInstalled(['java', 'keytool'], 'openjdk-17-jre-headless');
const JAVA_SOURCE = fileURLToPath(new URL('./java/KeystoreTls.java', import.meta.url));
// JKS takes any password Java can type; Java 17's PKCS#12 store only printable ASCII (below).
const JKS_PASSWORD = 'Tomcat pässwörd €1';
const P12_PASSWORD = 'Kafka pass 1';
const PROFILES: Pkcs12Profile[] = ['LegacyRC2', 'LegacyDES', 'Modern2023'];

interface Run {
  code: number | null;
  out: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function keytool(file: string, type: 'JKS' | 'PKCS12', passFile: string): Promise<Run> {
  return run(findBinary('keytool') ?? 'keytool', ['-J-Dfile.encoding=UTF-8', '-list', '-v', '-keystore', file, '-storetype', type, `-storepass:file`, passFile]);
}

const sha256 = (der: Buffer): string => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

let dir: Awaited<ReturnType<typeof tempDir>>;
let materials: KeystoreMaterial[];
let rootFile: string;
let jksPass: string;
let p12Pass: string;
const files = new Map<string, string>();

describe('Java 17 reads the keystores', { skip }, () => {
  before(async () => {
    dir = await tempDir();
    const ca = await makeCa();
    materials = await Promise.all(LEAF_KEYS.map((spec) => makeLeaf(ca, spec)));
    rootFile = await dir.write('root.pem', ca.rootPem);
    jksPass = await dir.write('jks-pass.txt', `${JKS_PASSWORD}\n`);
    p12Pass = await dir.write('p12-pass.txt', `${P12_PASSWORD}\n`);
    const now = new Date();
    for (const m of materials) {
      const base = { privateKey: m.key, chainDer: m.chainDer, caDer: m.caDer };
      files.set(`${m.label}.jks`, await dir.write(`${m.label}.jks`, encodeJksKeystore({ ...base, password: JKS_PASSWORD, alias: 'Tomcat', now })));
      for (const profile of [...PROFILES, 'Modern2026' as const]) {
        files.set(`${m.label}-${profile}.p12`, await dir.write(`${m.label}-${profile}.p12`, encodePkcs12Keystore({ ...base, password: P12_PASSWORD, profile })));
      }
    }
    const caDer = materials[0]!.caDer;
    files.set('truststore.jks', await dir.write('truststore.jks', encodeJksTruststore({ caDer, password: JKS_PASSWORD, now })));
    for (const profile of [...PROFILES, 'Modern2026' as const]) {
      files.set(`truststore-${profile}.p12`, await dir.write(`truststore-${profile}.p12`, encodePkcs12Truststore({ caDer, password: P12_PASSWORD, profile })));
    }
  });
  after(() => dir?.cleanup());

  // keytool runs for a few key types (each JVM start costs about a second); the TLS tests
  // below load every key type in every format.
  test('keytool -list -v: keystore.jks has the key entry under the lowercased alias with the chain, and the CA as "ca"', async () => {
    for (const m of materials.filter((x) => ['RSA-2048', 'P-521', 'Ed25519'].includes(x.label))) {
      const r = await keytool(files.get(`${m.label}.jks`)!, 'JKS', jksPass);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Your keystore contains 2 entries/);
      assert.match(r.out, /Alias name: tomcat\n.*\nEntry type: PrivateKeyEntry\nCertificate chain length: 2\n/);
      assert.match(r.out, /Alias name: ca\n.*\nEntry type: trustedCertEntry\n/);
      for (const der of [...m.chainDer, ...m.caDer]) assert.ok(r.out.includes(`SHA256: ${sha256(der)}`), `${m.label}: certificate ${sha256(der)} missing`);
    }
  });

  test('keytool -list -v: truststore.jks holds the CA as trusted entry "ca"; a wrong password is refused', async () => {
    const r = await keytool(files.get('truststore.jks')!, 'JKS', jksPass);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Your keystore contains 1 entry\n\nAlias name: ca\n.*\nEntry type: trustedCertEntry\n/);
    assert.ok(r.out.includes(`SHA256: ${sha256(materials[0]!.caDer[0]!)}`));
    const wrong = await keytool(files.get('truststore.jks')!, 'JKS', p12Pass);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.out, /password was incorrect/);
  });

  test('keytool -list -v: keystore.p12 in LegacyRC2, LegacyDES and Modern2023', async () => {
    for (const [i, profile] of PROFILES.entries()) {
      for (const m of [materials[i]!, materials[4 - i]!]) {
        const r = await keytool(files.get(`${m.label}-${profile}.p12`)!, 'PKCS12', p12Pass);
        assert.equal(r.code, 0, `${m.label} ${profile}: ${r.out}`);
        // No friendly name in cert-manager's keystore.p12, so Java names the key entry "1".
        assert.match(r.out, /Your keystore contains 1 entry\n\nAlias name: 1\n.*\nEntry type: PrivateKeyEntry\nCertificate chain length: 3\n/);
        for (const der of [...m.chainDer, ...m.caDer]) assert.ok(r.out.includes(`SHA256: ${sha256(der)}`));
      }
    }
  });

  test('keytool -list -v: truststore.p12 entries are trusted, aliased by the Go-printed subject', async () => {
    for (const profile of PROFILES) {
      const r = await keytool(files.get(`truststore-${profile}.p12`)!, 'PKCS12', p12Pass);
      assert.equal(r.code, 0, `${profile}: ${r.out}`);
      assert.match(r.out, /Alias name: cn=certctl keystore test root,o=certctl\\, tests\n.*\nEntry type: trustedCertEntry\n/);
    }
  });

  test('caveat: Java 17 cannot read Modern2026 (PBMAC1 needs Java 26+ or Bouncy Castle)', async () => {
    for (const name of ['RSA-2048-Modern2026.p12', 'truststore-Modern2026.p12']) {
      const r = await keytool(files.get(name)!, 'PKCS12', p12Pass);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /HmacPBE1\.2\.840\.113549\.1\.5\.14 not available/);
    }
  });

  test('caveat: Java 17 refuses a non-ASCII PKCS#12 password that OpenSSL accepts', async () => {
    const m = materials[0]!;
    const file = await dir.write('nonascii.p12', encodePkcs12Keystore({ privateKey: m.key, chainDer: m.chainDer, password: JKS_PASSWORD, profile: 'Modern2023' }));
    const java = await keytool(file, 'PKCS12', jksPass);
    assert.notEqual(java.code, 0);
    assert.match(java.out, /password was incorrect/);
    const ossl = await runOpenssl(['pkcs12', '-in', file, '-passin', `file:${jksPass}`, '-nokeys']);
    assert.equal(ossl.code, 0, ossl.stderr);
  });

  describe('TLS with each keystore', () => {
    let server: ManagedProcess;
    let ports: number[] = [];
    const served: { name: string; m: KeystoreMaterial }[] = [];

    before(async () => {
      const args = ['-Dfile.encoding=UTF-8', JAVA_SOURCE, 'serve'];
      for (const m of materials) {
        args.push('JKS', files.get(`${m.label}.jks`)!, jksPass);
        served.push({ name: `${m.label}.jks`, m });
        for (const profile of PROFILES) {
          args.push('PKCS12', files.get(`${m.label}-${profile}.p12`)!, p12Pass);
          served.push({ name: `${m.label}-${profile}.p12`, m });
        }
      }
      server = startProcess(findBinary('java') ?? 'java', args, {});
      const deadline = Date.now() + 60_000;
      while (!/^PORTS /m.test(server.output())) {
        if (server.hasExited() || Date.now() > deadline) throw new Error(`Java TLS server did not start:\n${server.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      ports = /^PORTS ([\d ]+)$/m.exec(server.output())![1]!.split(' ').map(Number);
    });
    after(() => server?.stop());

    test('openssl s_client verifies every served chain against the root (5 key types x JKS + 3 PKCS#12 profiles)', async () => {
      assert.equal(ports.length, served.length);
      for (const [i, { name, m }] of served.entries()) {
        const r = await runOpenssl(['s_client', '-connect', `127.0.0.1:${ports[i]}`, '-CAfile', rootFile, '-verify_return_error', '-verify_hostname', 'localhost', '-showcerts'], undefined, '');
        assert.equal(r.code, 0, `${name}: ${r.stderr}${r.stdout}`);
        assert.match(r.stdout, /Verify return code: 0 \(ok\)/, name);
        assert.match(r.stdout, new RegExp(`0 s:CN = leaf ${m.label}\\b`), name);
      }
    });

    test('a Java client trusting only each truststore accepts the server', async () => {
      const args = [JAVA_SOURCE, 'trust', String(ports[0])];
      args.push('JKS', files.get('truststore.jks')!, jksPass);
      for (const profile of PROFILES) args.push('PKCS12', files.get(`truststore-${profile}.p12`)!, p12Pass);
      const r = await run(findBinary('java') ?? 'java', ['-Dfile.encoding=UTF-8', ...args]);
      assert.equal(r.code, 0, r.out);
      const lines = r.out.split('\n').filter((l) => /^(OK|FAIL) /.test(l));
      assert.equal(lines.length, 4, r.out);
      for (const l of lines) assert.match(l, /^OK .* CN=leaf RSA-2048$/);
    });

    test('the Java client rejects the server with a truststore that lacks its root', async () => {
      const other = await makeCa();
      const file = await dir.write('other-truststore.jks', encodeJksTruststore({ caDer: [(await makeLeaf(other, LEAF_KEYS[1]!)).caDer[0]!], password: JKS_PASSWORD, now: new Date() }));
      const r = await run(findBinary('java') ?? 'java', ['-Dfile.encoding=UTF-8', JAVA_SOURCE, 'trust', String(ports[0]), 'JKS', file, jksPass]);
      assert.match(r.out, /^FAIL .*PKIX path (building|validation) failed/m);
    });
  });
});
