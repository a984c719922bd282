// keystoreOutputs(): exactly cert-manager's data keys for each configuration, the combined PEM
// and DER key bytes it writes (checked with openssl), and no re-encoding on a no-op run while
// any change of key, certificate, password, profile or alias produces a new file.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { ALL_KEYSTORE_DATA_KEYS, keystoreOutputs } from '../../../src/pki/keystores/index.js';
import type { KeystoreMaterial as Material, KeystoreSpec } from '../../../src/pki/keystores/index.js';
import { encodePrivateKey, generatePrivateKey } from '../../../src/pki/keys.js';
import type { KeyAlgorithm, KeyEncoding } from '../../../src/pki/keys.js';
import { openssl, runOpenssl, tempDir } from '../helpers.js';
import { LEAF_KEYS, makeCa, makeLeaf } from './fixtures.js';
import type { KeystoreMaterial } from './fixtures.js';
import { seededRandom } from './helpers.js';

const now = new Date('2026-03-01T10:00:00Z');
const ALL: KeystoreSpec = {
  keystores: { pkcs12: { create: true, profile: 'Modern2023' }, jks: { create: true, alias: 'kafka' } },
  additionalOutputFormats: [{ type: 'CombinedPEM' }, { type: 'DER' }],
};
const passwords = { pkcs12: 'p12-secret-xyz', jks: 'jks-secret-xyz' };

let ca: Awaited<ReturnType<typeof makeCa>>;
let leaf: KeystoreMaterial;
let material: Material;

before(async () => {
  ca = await makeCa();
  leaf = await makeLeaf(ca, LEAF_KEYS[1]!);
  material = { privateKeyPem: leaf.keyPem, certificatePem: leaf.chainPem, caPem: leaf.caPem };
});

test('data keys: all of cert-manager\'s keys with a CA; no truststores without one; none when nothing is asked', () => {
  assert.deepEqual(Object.keys(keystoreOutputs(ALL, material, passwords, { now })).sort(), [...ALL_KEYSTORE_DATA_KEYS].sort());
  assert.deepEqual(Object.keys(keystoreOutputs(ALL, { ...material, caPem: undefined }, passwords, { now })).sort(), ['key.der', 'keystore.jks', 'keystore.p12', 'tls-combined.pem']);
  assert.deepEqual(Object.keys(keystoreOutputs(ALL, { ...material, caPem: '' }, passwords, { now })).sort(), ['key.der', 'keystore.jks', 'keystore.p12', 'tls-combined.pem']);
  assert.deepEqual(keystoreOutputs({}, material, {}, { now }), {});
  const off = { keystores: { pkcs12: { create: false }, jks: { create: false } } };
  assert.deepEqual(keystoreOutputs(off, material, {}, { now }), {});
  assert.deepEqual(Object.keys(keystoreOutputs({ keystores: { jks: { create: true } } }, material, { jks: 'x' }, { now })).sort(), ['keystore.jks', 'truststore.jks']);
  assert.deepEqual(Object.keys(keystoreOutputs({ additionalOutputFormats: [{ type: 'DER' }] }, material, {}, { now })), ['key.der']);
});

test('tls-combined.pem is tls.key, a newline, then tls.crt; openssl reads the key and the whole chain from it', async () => {
  const out = keystoreOutputs({ additionalOutputFormats: [{ type: 'CombinedPEM' }] }, material, {}, { now });
  const combined = out['tls-combined.pem']!.toString('utf8');
  assert.equal(combined, `${material.privateKeyPem}\n${material.certificatePem}`);
  const dir = await tempDir();
  try {
    const file = await dir.write('combined.pem', combined);
    const key = await openssl(['pkey', '-in', file, '-pubout']);
    const cert = await openssl(['x509', '-in', file, '-pubkey', '-noout']);
    assert.equal(key, cert);
    const chain = await openssl(['crl2pkcs7', '-nocrl', '-certfile', file]).then((p7) => openssl(['pkcs7', '-print_certs', '-noout'], undefined, p7));
    assert.equal((chain.match(/^subject=/gm) ?? []).length, 2);
  } finally {
    await dir.cleanup();
  }
});

test('key.der is the DER of the tls.key PEM block for every algorithm and encoding, as openssl reads it', async () => {
  const dir = await tempDir();
  try {
    for (const algorithm of ['RSA', 'ECDSA', 'Ed25519'] as KeyAlgorithm[]) {
      const key = await generatePrivateKey({ algorithm });
      for (const encoding of ['PKCS1', 'PKCS8'] as KeyEncoding[]) {
        const pem = encodePrivateKey(key, encoding);
        const der = keystoreOutputs({ additionalOutputFormats: [{ type: 'DER' }] }, { ...material, privateKeyPem: pem }, {}, { now })['key.der']!;
        const file = await dir.write(`key-${algorithm}-${encoding}.der`, der);
        // openssl re-encodes what it read in the same form: identical bytes prove the layout.
        const form = pem.includes('BEGIN RSA PRIVATE KEY') ? ['rsa', '-traditional'] : pem.includes('BEGIN EC PRIVATE KEY') ? ['ec'] : ['pkey'];
        const r = await runOpenssl([form[0]!, '-inform', 'DER', '-in', file, '-outform', 'PEM', ...form.slice(1)]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, pem, `${algorithm} ${encoding}`);
        assert.ok(createPrivateKey({ key: der, format: 'der', type: pem.includes('BEGIN RSA') ? 'pkcs1' : pem.includes('BEGIN EC') ? 'sec1' : 'pkcs8' }));
      }
    }
  } finally {
    await dir.cleanup();
  }
});

test('a no-op run returns the stored keystores unchanged; deterministic with a seeded random', () => {
  const first = keystoreOutputs(ALL, material, passwords, { now, random: seededRandom('a') });
  const again = keystoreOutputs(ALL, material, passwords, { now, random: seededRandom('a') });
  assert.deepEqual(again, first);
  const fresh = keystoreOutputs(ALL, material, passwords, { now: new Date(now.getTime() + 86_400_000) });
  assert.notDeepEqual(fresh['keystore.p12'], first['keystore.p12']);
  const reused = keystoreOutputs(ALL, material, passwords, { now: new Date(now.getTime() + 86_400_000), previous: first });
  for (const key of ALL_KEYSTORE_DATA_KEYS) assert.ok(reused[key]!.equals(first[key]!), `${key} was rewritten on a no-op run`);
});

test('each profile round-trips through the no-op check, and a stored LegacyRC2 file is rewritten for Modern2026', () => {
  for (const profile of ['LegacyRC2', 'LegacyDES', 'Modern2023', 'Modern2026']) {
    const spec = { keystores: { pkcs12: { create: true, profile } } };
    const first = keystoreOutputs(spec, material, passwords, { now });
    const again = keystoreOutputs(spec, material, passwords, { now, previous: first });
    assert.equal(again['keystore.p12'], first['keystore.p12'], profile);
    assert.equal(again['truststore.p12'], first['truststore.p12'], profile);
  }
  const rc2 = keystoreOutputs({ keystores: { pkcs12: { create: true } } }, material, passwords, { now });
  const modern = keystoreOutputs({ keystores: { pkcs12: { create: true, profile: 'Modern2026' } } }, material, passwords, { now, previous: rc2 });
  assert.notEqual(modern['keystore.p12'], rc2['keystore.p12']);
  assert.notEqual(modern['truststore.p12'], rc2['truststore.p12']);
});

test('a changed password, alias, profile, key, chain or CA re-creates exactly the affected files', async () => {
  const first = keystoreOutputs(ALL, material, passwords, { now });
  const changed = (out: Record<string, Buffer>): string[] => ALL_KEYSTORE_DATA_KEYS.filter((k) => !out[k] || out[k] !== first[k]).sort();
  const opts = { now, previous: first };
  assert.deepEqual(changed(keystoreOutputs(ALL, material, { ...passwords, pkcs12: 'other' }, opts)), ['key.der', 'keystore.p12', 'tls-combined.pem', 'truststore.p12']);
  assert.deepEqual(changed(keystoreOutputs(ALL, material, { ...passwords, jks: 'other' }, opts)), ['key.der', 'keystore.jks', 'tls-combined.pem', 'truststore.jks']);
  const alias = { ...ALL, keystores: { ...ALL.keystores, jks: { create: true, alias: 'other' } } };
  assert.deepEqual(changed(keystoreOutputs(alias, material, passwords, opts)), ['key.der', 'keystore.jks', 'tls-combined.pem']);
  const profile = { ...ALL, keystores: { ...ALL.keystores, pkcs12: { create: true, profile: 'LegacyDES' } } };
  assert.deepEqual(changed(keystoreOutputs(profile, material, passwords, opts)), ['key.der', 'keystore.p12', 'tls-combined.pem', 'truststore.p12']);
  // key.der and tls-combined.pem are deterministic (new Buffers with the same bytes).
  const same = keystoreOutputs(ALL, material, passwords, opts);
  assert.ok(same['key.der']!.equals(first['key.der']!) && same['tls-combined.pem']!.equals(first['tls-combined.pem']!));
  // A renewal with the same key (rotationPolicy Never): both keystores change, truststores not.
  const renewed = await makeLeaf(ca, LEAF_KEYS[1]!, leaf.key);
  const sameKey = { ...material, certificatePem: renewed.chainPem };
  assert.deepEqual(changed(keystoreOutputs(ALL, sameKey, passwords, opts)), ['key.der', 'keystore.jks', 'keystore.p12', 'tls-combined.pem']);
  assert.ok(keystoreOutputs(ALL, sameKey, passwords, opts)['key.der']!.equals(first['key.der']!));
  // A new key and certificate.
  const rekeyed = await makeLeaf(ca, LEAF_KEYS[1]!);
  const newKey = { privateKeyPem: rekeyed.keyPem, certificatePem: rekeyed.chainPem, caPem: rekeyed.caPem };
  assert.deepEqual(changed(keystoreOutputs(ALL, newKey, passwords, opts)), ['key.der', 'keystore.jks', 'keystore.p12', 'tls-combined.pem']);
  assert.ok(!keystoreOutputs(ALL, newKey, passwords, opts)['key.der']!.equals(first['key.der']!));
  const otherCa = await makeCa();
  const otherLeaf = await makeLeaf(otherCa, LEAF_KEYS[1]!);
  const rotated = { privateKeyPem: material.privateKeyPem, certificatePem: material.certificatePem, caPem: otherLeaf.caPem };
  assert.deepEqual(changed(keystoreOutputs(ALL, rotated, passwords, opts)), ['key.der', 'keystore.jks', 'keystore.p12', 'tls-combined.pem', 'truststore.jks', 'truststore.p12']);
});

test('errors name the field or data key and never carry a password', () => {
  assert.throws(() => keystoreOutputs(ALL, material, { jks: 'x' }, { now }), /^Error: spec\.keystores\.pkcs12: no password was resolved/);
  assert.throws(() => keystoreOutputs(ALL, material, { ...passwords, jks: '' }, { now }), /^Error: spec\.keystores\.jks: the password is empty$/);
  assert.throws(() => keystoreOutputs({ additionalOutputFormats: [{ type: 'PFX' }] }, material, {}, { now }), /spec\.additionalOutputFormats: unknown type "PFX"/);
  const collide = { keystores: { jks: { create: true, alias: 'CA' } } };
  assert.throws(() => keystoreOutputs(collide, material, passwords, { now }), /^Error: keystore\.jks: JKS keystore: alias "ca" is also the alias of a CA certificate entry/);
  assert.throws(() => keystoreOutputs(ALL, { ...material, caPem: 'junk' }, passwords, { now }), /ca\.crt holds no certificate/);
  const bmp = { keystores: { pkcs12: { create: true } } };
  try {
    keystoreOutputs(bmp, material, { pkcs12: 'secret-😀-password' }, { now });
    assert.fail('expected a failure');
  } catch (err) {
    assert.match((err as Error).message, /^keystore\.p12: PKCS#12 password contains a character outside the Basic Multilingual Plane/);
    assert.doesNotMatch((err as Error).message, /secret/);
  }
});
