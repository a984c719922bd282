// keystore.p12 and truststore.p12 read back by OpenSSL 3 for every profile and key type: the
// key and every certificate come back identical, the bag attributes are cert-manager's, and
// asn1parse shows exactly the algorithms, iteration counts, salt and MAC sizes of go-pkcs12.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { encodePkcs12Keystore, encodePkcs12Truststore, PKCS12_PROFILES } from '../../../src/pki/keystores/index.js';
import type { Pkcs12Profile } from '../../../src/pki/keystores/index.js';
import { splitPem } from '../../../src/pki/pem.js';
import { runOpenssl, tempDir } from '../helpers.js';
import { asn1parse, tokens } from './asn1parse.js';
import type { Asn1Line } from './asn1parse.js';
import { LEAF_KEYS, makeCa, makeLeaf } from './fixtures.js';
import type { KeystoreMaterial } from './fixtures.js';

// Non-ASCII on purpose: PKCS#12 KDF passwords are BMPStrings, PBES2/PBMAC1 ones UTF-8.
const PASSWORD = 'Kafka pässwörd €1';

const ALG = {
  rc2: ['OID:pbeWithSHA1And40BitRC2-CBC', 'OCT:8', 'INT:0800'],
  des: ['OID:pbeWithSHA1And3-KeyTripleDES-CBC', 'OCT:8', 'INT:0800'],
  pbes2: ['OID:PBES2', 'OID:PBKDF2', 'OCT:16', 'INT:0800', 'OID:hmacWithSHA256', 'OID:aes-256-cbc', 'OCT:16'],
};
const EXPECTED: Record<Pkcs12Profile, { certs: string[]; key: string[]; mac: string[]; info: RegExp[] }> = {
  LegacyRC2: { certs: ALG.rc2, key: ALG.des, mac: ['OID:sha1', 'OCT:20', 'OCT:8'], info: [/^MAC: sha1, Iteration 1$/m, /^MAC length: 20, salt length: 8$/m, /^PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048$/m, /^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$/m] },
  LegacyDES: { certs: ALG.des, key: ALG.des, mac: ['OID:sha1', 'OCT:20', 'OCT:8'], info: [/^MAC: sha1, Iteration 1$/m, /^PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$/m, /^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$/m] },
  Modern2023: {
    certs: ALG.pbes2,
    key: ALG.pbes2,
    mac: ['OID:sha256', 'OCT:32', 'OCT:16', 'INT:0800'],
    info: [/^MAC: sha256, Iteration 2048$/m, /^MAC length: 32, salt length: 16$/m, /^PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256$/m, /^Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256$/m],
  },
  // PBMAC1 (RFC 9579): PBKDF2-HMAC-SHA256, 2048 iterations, 32-byte key; HMAC-SHA256; then
  // go-pkcs12's empty macSalt and iterations 0. OpenSSL 3.0 cannot verify it (3.4 can), so
  // -info runs with -nomacver and the MAC is checked separately below.
  Modern2026: { certs: ALG.pbes2, key: ALG.pbes2, mac: ['OID:PBMAC1', 'OID:PBKDF2', 'OCT:16', 'INT:0800', 'INT:20', 'OID:hmacWithSHA256', 'OID:hmacWithSHA256', 'OCT:32', 'OCT:0', 'INT:00'], info: [/^PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256$/m] },
};

function opensslFlags(profile: Pkcs12Profile): string[] {
  if (profile === 'LegacyRC2') return ['-legacy'];
  if (profile === 'Modern2026') return ['-nomacver'];
  return [];
}

/** The OCTET STRING holding the authSafe (outer level) and where the MacData starts. */
function outerParts(lines: Asn1Line[]): { authSafeOffset: number; macTokens: string[] } {
  const authSafe = lines.find((l) => l.depth === 3 && l.type === 'OCTET STRING')!;
  const macSeq = lines.find((l) => l.depth === 1 && l.offset > authSafe.offset)!;
  return { authSafeOffset: authSafe.offset, macTokens: tokens(lines.filter((l) => l.offset >= macSeq.offset)) };
}

const hexId = (der: Buffer): string => createHash('sha1').update(der).digest('hex').toUpperCase().match(/../g)!.join(' ');

let dir: Awaited<ReturnType<typeof tempDir>>;
let materials: KeystoreMaterial[];
let passFile: string;

before(async () => {
  dir = await tempDir();
  passFile = await dir.write('password.txt', `${PASSWORD}\n`);
  const ca = await makeCa();
  materials = await Promise.all(LEAF_KEYS.map((spec) => makeLeaf(ca, spec)));
});
after(() => dir.cleanup());

for (const profile of PKCS12_PROFILES) {
  describe(`keystore.p12 ${profile}`, () => {
    for (const spec of LEAF_KEYS) {
      test(`${spec.label}: OpenSSL returns the same key and chain, with cert-manager's bags and algorithms`, async () => {
        const m = materials.find((x) => x.label === spec.label)!;
        const file = await dir.write(`ks-${profile}-${spec.label}.p12`, encodePkcs12Keystore({ privateKey: m.key, chainDer: m.chainDer, caDer: m.caDer, password: PASSWORD, profile }));
        const r = await runOpenssl(['pkcs12', '-in', file, '-passin', `file:${passFile}`, '-info', '-nodes', ...opensslFlags(profile)]);
        assert.equal(r.code, 0, r.stderr);
        for (const re of EXPECTED[profile].info) assert.match(r.stderr, re);
        assert.equal((r.stderr.match(/^Certificate bag$/gm) ?? []).length, 3);
        const blocks = splitPem(r.stdout);
        assert.deepEqual(blocks.map((b) => b.type), ['CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE', 'PRIVATE KEY']);
        assert.deepEqual(blocks.slice(0, 3).map((b) => b.der.toString('hex')), [...m.chainDer, ...m.caDer].map((d) => d.toString('hex')));
        assert.equal(blocks[3]!.der.toString('hex'), m.key.export({ format: 'der', type: 'pkcs8' }).toString('hex'));
        // localKeyID = SHA-1 of the leaf on the leaf and the key; no other attributes anywhere.
        const id = hexId(m.chainDer[0]!);
        assert.equal((r.stdout.match(new RegExp(`localKeyID: ${id} `, 'g')) ?? []).length, 2);
        assert.equal((r.stdout.match(/Bag Attributes: <Empty Attributes>/g) ?? []).length, 2);
        assert.doesNotMatch(r.stdout, /friendlyName/);

        const outer = await asn1parse(file);
        const { authSafeOffset, macTokens } = outerParts(outer);
        assert.deepEqual(tokens(outer).slice(0, 3), ['INT:03', 'OID:pkcs7-data', `OCT:${outer.find((l) => l.offset === authSafeOffset)!.length}`]);
        assert.deepEqual(macTokens, EXPECTED[profile].mac);
        const safes = await asn1parse(file, [authSafeOffset]);
        const keySafe = safes.filter((l) => l.type === 'OCTET STRING' && l.depth === 3).at(-1)!;
        const safeTokens = tokens(safes.filter((l) => l.offset < keySafe.offset));
        assert.deepEqual(safeTokens, ['OID:pkcs7-encryptedData', 'INT:00', 'OID:pkcs7-data', ...EXPECTED[profile].certs, 'OID:pkcs7-data']);
        const keyBag = tokens(await asn1parse(file, [authSafeOffset, keySafe.offset]));
        assert.deepEqual(keyBag.slice(0, 1 + EXPECTED[profile].key.length), ['OID:pkcs8ShroudedKeyBag', ...EXPECTED[profile].key]);
        assert.deepEqual(keyBag.slice(-2), ['OID:localKeyID', 'OCT:20']);
      });
    }
  });

  test(`truststore.p12 ${profile}: OpenSSL returns the CAs, trusted for any purpose, named by subject`, async () => {
    const m = materials[0]!;
    const caDer = [m.caDer[0]!, m.chainDer[1]!];
    const file = await dir.write(`ts-${profile}.p12`, encodePkcs12Truststore({ caDer, password: PASSWORD, profile }));
    const r = await runOpenssl(['pkcs12', '-in', file, '-passin', `file:${passFile}`, '-info', '-nokeys', ...opensslFlags(profile)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(splitPem(r.stdout).map((b) => b.der.toString('hex')), caDer.map((d) => d.toString('hex')));
    assert.equal((r.stdout.match(/2\.16\.840\.1\.113894\.746875\.1\.1: <Unsupported tag 6>/g) ?? []).length, 2);
    assert.match(r.stdout, /friendlyName: CN=certctl keystore test root,O=certctl\\, tests\n/);
    assert.match(r.stdout, /friendlyName: CN=certctl keystore test intermediate\n/);
    const outer = await asn1parse(file);
    const { authSafeOffset, macTokens } = outerParts(outer);
    assert.deepEqual(macTokens, EXPECTED[profile].mac);
    const safes = tokens(await asn1parse(file, [authSafeOffset]));
    assert.deepEqual(safes, ['OID:pkcs7-encryptedData', 'INT:00', 'OID:pkcs7-data', ...EXPECTED[profile].certs]);
  });
}

test('a wrong password is refused by OpenSSL (the MAC covers the contents)', async () => {
  const m = materials[0]!;
  for (const profile of ['LegacyRC2', 'LegacyDES', 'Modern2023'] as const) {
    const file = await dir.write(`wrong-${profile}.p12`, encodePkcs12Keystore({ privateKey: m.key, chainDer: m.chainDer, password: PASSWORD, profile }));
    const r = await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:not-the-password', '-nodes', ...opensslFlags(profile)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Mac verify error/);
  }
});

test('caveat: OpenSSL 3 reads LegacyRC2 only with -legacy (RC2 lives in the legacy provider)', async () => {
  const m = materials[0]!;
  const file = await dir.write('rc2-no-legacy.p12', encodePkcs12Keystore({ privateKey: m.key, chainDer: m.chainDer, password: PASSWORD, profile: 'LegacyRC2' }));
  const r = await runOpenssl(['pkcs12', '-in', file, '-passin', `file:${passFile}`, '-nodes']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /RC2-40-CBC/);
});

test('Modern2026: the PBMAC1 MAC verifies when recomputed with openssl kdf PBKDF2 and openssl mac HMAC', async () => {
  const m = materials[0]!;
  const der = encodePkcs12Keystore({ privateKey: m.key, chainDer: m.chainDer, caDer: m.caDer, password: PASSWORD, profile: 'Modern2026' });
  const file = await dir.write('pbmac1.p12', der);
  const outer = await asn1parse(file);
  const authSafe = outer.find((l) => l.depth === 3 && l.type === 'OCTET STRING')!;
  const content = der.subarray(authSafe.offset + authSafe.headerLength, authSafe.offset + authSafe.headerLength + authSafe.length);
  const mac = outer.filter((l) => l.offset > authSafe.offset);
  const salt = mac.find((l) => l.type === 'OCTET STRING')!.value;
  const digest = mac.filter((l) => l.type === 'OCTET STRING')[1]!.value;
  const kdf = await runOpenssl(['kdf', '-keylen', '32', '-kdfopt', 'digest:SHA256', '-kdfopt', `pass:${PASSWORD}`, '-kdfopt', `hexsalt:${salt}`, '-kdfopt', 'iter:2048', 'PBKDF2']);
  assert.equal(kdf.code, 0, kdf.stderr);
  const key = kdf.stdout.trim().replace(/:/g, '');
  const macFile = await dir.write('authsafe.der', content);
  const hmac = await runOpenssl(['mac', '-digest', 'SHA256', '-macopt', `hexkey:${key}`, '-in', macFile, 'HMAC']);
  assert.equal(hmac.code, 0, hmac.stderr);
  assert.equal(hmac.stdout.trim().toUpperCase(), digest.toUpperCase());
  // And the recomputation is sensitive to the password.
  assert.notEqual(createHmac('sha256', Buffer.alloc(32)).update(content).digest('hex').toUpperCase(), digest.toUpperCase());
});
