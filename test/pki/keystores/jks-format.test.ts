// The JKS container details Java depends on: modified UTF-8 aliases, the integrity hash over
// the password, and the key protector's check value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { encodeJksKeystore } from '../../../src/pki/keystores/index.js';
import { javaUtf, readJks } from '../../../src/pki/keystores/jks-format.js';
import { recoverJksKey } from '../../../src/pki/keystores/jks-key-protector.js';
import { jksPassword } from '../../../src/pki/keystores/passwords.js';
import { golden, goldenCerts } from './helpers.js';

test('strings use Java modified UTF-8: NUL as C0 80, non-BMP characters as two 3-byte surrogates', () => {
  assert.equal(javaUtf('ca').toString('hex'), '00026361');
  assert.equal(javaUtf('é\u0000').toString('hex'), '0004c3a9c080');
  assert.equal(javaUtf('😀').toString('hex'), '0006eda0bdedb880');
});

test('passwords are UTF-16BE code units, as Java turns a char[] into bytes', () => {
  assert.equal(jksPassword('aé€').toString('hex'), '006100e920ac');
});

test('a keystore reads back: integrity hash and key protector both depend on the password', () => {
  const privateKey = createPrivateKey(golden('key-Ed25519.pem'));
  const chainDer = goldenCerts('chain-Ed25519.pem');
  const ks = encodeJksKeystore({ privateKey, chainDer, password: 'pässwörd', alias: 'Ünïcode 😀', now: new Date(0) });
  const entries = readJks(ks, jksPassword('pässwörd'));
  assert.equal(entries.length, 1);
  const [entry] = entries;
  assert.ok(entry && entry.kind === 'privateKey');
  assert.equal(entry.alias, 'ünïcode 😀');
  assert.equal(entry.createdMs, 0n);
  assert.deepEqual(entry.chain.map((c) => c.type), ['X509', 'X509']);
  assert.ok(recoverJksKey(entry.protectedKey, jksPassword('pässwörd')).equals(privateKey.export({ format: 'der', type: 'pkcs8' })));
  assert.throws(() => readJks(ks, jksPassword('passwörd')), /integrity check failed/);
  assert.throws(() => recoverJksKey(entry.protectedKey, jksPassword('passwörd')), /wrong password/);
  const tampered = Buffer.from(ks);
  tampered[40]! ^= 1;
  assert.throws(() => readJks(tampered, jksPassword('pässwörd')), /integrity check failed|malformed/);
});
