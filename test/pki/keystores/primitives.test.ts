// RC2 and the PKCS#12 KDF, our two hand-written primitives, against RFC 2268's test vectors
// and OpenSSL's own implementations (RC2 through OpenSSL's legacy provider, which only the
// test uses; certctl itself never needs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rc2CbcEncrypt, rc2EncryptBlock } from '../../../src/pki/keystores/rc2.js';
import { KDF_PURPOSE, pkcs12Kdf } from '../../../src/pki/keystores/pkcs12-kdf.js';
import { pkcs12KdfPassword } from '../../../src/pki/keystores/passwords.js';
import { OPENSSL, openssl } from '../helpers.js';

// RFC 2268 §5: key, effective key bits, plaintext, ciphertext.
const RFC2268: [string, number, string, string][] = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
];

test('RC2 matches every RFC 2268 test vector', () => {
  for (const [key, bits, plain, cipher] of RFC2268) {
    assert.equal(rc2EncryptBlock(Buffer.from(key, 'hex'), bits, Buffer.from(plain, 'hex')).toString('hex'), cipher, `key ${key} / ${bits} bits`);
  }
});

test('RC2-40-CBC matches openssl enc -rc2-40-cbc (legacy provider) on random data', () => {
  for (let i = 0; i < 4; i++) {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const data = randomBytes(8 * (1 + i * 7));
    const r = spawnSync(OPENSSL, ['enc', '-rc2-40-cbc', '-provider', 'legacy', '-provider', 'default', '-nopad', '-K', key.toString('hex'), '-iv', iv.toString('hex')], { input: data });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stdout.length, data.length);
    assert.equal(rc2CbcEncrypt(key, 40, iv, data).toString('hex'), r.stdout.toString('hex'));
  }
});

test('PKCS#12 KDF matches openssl kdf PKCS12KDF for keys, IVs and MAC keys', async () => {
  const cases: { hash: 'sha1' | 'sha256'; id: number; size: number; iter: number; password: string; salt: Buffer }[] = [
    { hash: 'sha1', id: KDF_PURPOSE.key, size: 24, iter: 2048, password: 'changeit', salt: randomBytes(8) },
    { hash: 'sha1', id: KDF_PURPOSE.key, size: 5, iter: 2048, password: 'changeit', salt: randomBytes(8) },
    { hash: 'sha1', id: KDF_PURPOSE.iv, size: 8, iter: 2048, password: 'pässwörd-€', salt: randomBytes(8) },
    { hash: 'sha1', id: KDF_PURPOSE.mac, size: 20, iter: 1, password: 'changeit', salt: randomBytes(8) },
    { hash: 'sha256', id: KDF_PURPOSE.mac, size: 32, iter: 2048, password: 'a much longer password that spans more than one 64-byte block', salt: randomBytes(16) },
    { hash: 'sha256', id: KDF_PURPOSE.key, size: 100, iter: 3, password: 'x', salt: randomBytes(16) },
  ];
  for (const c of cases) {
    const bmp = pkcs12KdfPassword(c.password);
    const out = await openssl(['kdf', '-keylen', String(c.size), '-kdfopt', `digest:${c.hash.toUpperCase()}`, '-kdfopt', `hexpass:${bmp.toString('hex')}`, '-kdfopt', `hexsalt:${c.salt.toString('hex')}`, '-kdfopt', `iter:${c.iter}`, '-kdfopt', `id:${c.id}`, 'PKCS12KDF']);
    const theirs = out.trim().replace(/:/g, '').toLowerCase();
    assert.equal(pkcs12Kdf(c.hash, bmp, c.salt, c.iter, c.id, c.size).toString('hex'), theirs, JSON.stringify({ ...c, salt: undefined }));
  }
});
