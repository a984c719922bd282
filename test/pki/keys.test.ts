import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describeKey, encodePrivateKey, generatePrivateKey, parsePrivateKey, publicKeyDer, samePublicKey } from '../../src/pki/keys.js';
import type { KeyEncoding } from '../../src/pki/keys.js';
import { generateAll, KEY_SPECS, openssl, runOpenssl, tempDir } from './helpers.js';

let keys: Map<string, KeyObject>;
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  [keys, tmp] = await Promise.all([generateAll(), tempDir()]);
});
after(() => tmp.cleanup());

const EXPECTED_HEADER: Record<string, Record<KeyEncoding, string>> = {
  RSA: { PKCS1: 'RSA PRIVATE KEY', PKCS8: 'PRIVATE KEY' },
  ECDSA: { PKCS1: 'EC PRIVATE KEY', PKCS8: 'PRIVATE KEY' },
  Ed25519: { PKCS1: 'PRIVATE KEY', PKCS8: 'PRIVATE KEY' },
};

test('describeKey reports algorithm and size for every generated key', () => {
  for (const spec of KEY_SPECS) {
    const key = keys.get(spec.label)!;
    assert.deepEqual(describeKey(key), { algorithm: spec.algorithm, size: spec.size ?? 0 });
    assert.deepEqual(describeKey(createPublicKey(key)), describeKey(key), 'public key too');
  }
});

test('PEM headers match cert-manager and openssl accepts every key × encoding', async () => {
  const jobs: Promise<void>[] = [];
  for (const spec of KEY_SPECS) {
    for (const encoding of ['PKCS1', 'PKCS8'] as const) {
      const key = keys.get(spec.label)!;
      const pem = encodePrivateKey(key, encoding);
      const header = EXPECTED_HEADER[spec.algorithm]![encoding];
      assert.match(pem, new RegExp(`^-----BEGIN ${header}-----\n`), `${spec.label} ${encoding}`);
      assert.match(pem, new RegExp(`\n-----END ${header}-----\n$`));
      assert.equal(pem.split('\n').filter((l) => l.startsWith('-----')).length, 2, 'exactly one block');
      const parsed = parsePrivateKey(pem);
      assert.equal(parsed.encoding, spec.algorithm === 'Ed25519' ? 'PKCS8' : encoding);
      assert.ok(samePublicKey(parsed.key, key));
      jobs.push(
        (async () => {
          const file = await tmp.write(`${spec.label}-${encoding}.pem`, pem);
          const check = await openssl(['pkey', '-in', file, '-check', '-noout']);
          assert.match(check, /Key is valid/, `${spec.label} ${encoding}`);
          await openssl(['pkey', '-in', file, '-noout']);
          // The public key openssl derives is the one Node derives.
          await openssl(['pkey', '-in', file, '-pubout', '-outform', 'DER', '-out', `${file}.pub.der`]);
          assert.deepEqual(await readFile(`${file}.pub.der`), publicKeyDer(key));
        })(),
      );
    }
  }
  await Promise.all(jobs);
});

test('parsePrivateKey reads keys written by openssl, including EC PARAMETERS + SEC1', async () => {
  const ec = await openssl(['ecparam', '-name', 'secp384r1', '-genkey']);
  assert.match(ec, /BEGIN EC PARAMETERS/);
  const parsed = parsePrivateKey(ec);
  assert.deepEqual(describeKey(parsed.key), { algorithm: 'ECDSA', size: 384 });
  assert.equal(parsed.encoding, 'PKCS1');
  const ed = await openssl(['genpkey', '-algorithm', 'ed25519']);
  assert.deepEqual(describeKey(parsePrivateKey(ed).key), { algorithm: 'Ed25519', size: 0 });
  const rsa = await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
  assert.deepEqual(parsePrivateKey(rsa).encoding, 'PKCS8');
  const rsa1 = await openssl(['pkey', '-traditional'], undefined, rsa);
  assert.match(rsa1, /BEGIN RSA PRIVATE KEY/);
  assert.equal(parsePrivateKey(rsa1).encoding, 'PKCS1');
});

test('parsePrivateKey rejects garbage with clear errors', async () => {
  assert.throws(() => parsePrivateKey(''), /exactly one private key PEM block, found 0/);
  assert.throws(() => parsePrivateKey('hello world'), /found 0/);
  const rsa = encodePrivateKey(keys.get('RSA-2048')!, 'PKCS1');
  assert.throws(() => parsePrivateKey(rsa + rsa), /found 2/);
  assert.throws(() => parsePrivateKey(rsa.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n')), /invalid base64/);
  assert.throws(() => parsePrivateKey(rsa.replace('-----END RSA PRIVATE KEY-----', '')), /no END line/);
  // Right label, wrong content: a PKCS#8 body under a PKCS#1 label.
  const p8 = encodePrivateKey(keys.get('P-256')!, 'PKCS8');
  assert.throws(() => parsePrivateKey(p8.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY')), /invalid RSA PRIVATE KEY/);
  assert.throws(() => parsePrivateKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /not a private key/);
  const enc = keys.get('P-256')!.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
  assert.throws(() => parsePrivateKey(enc), /encrypted/);
  const legacy = keys.get('P-256')!.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
  assert.throws(() => parsePrivateKey(legacy), /encrypted PEM is not supported/);
  const secp256k1 = await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);
  assert.throws(() => parsePrivateKey(secp256k1), /unsupported EC curve/);
  const ed448 = await openssl(['genpkey', '-algorithm', 'ed448']);
  assert.throws(() => parsePrivateKey(ed448), /unsupported key type "ed448"/);
});

test('generatePrivateKey defaults and validation follow cert-manager', async () => {
  assert.deepEqual(describeKey(await generatePrivateKey({ algorithm: 'ECDSA' })), { algorithm: 'ECDSA', size: 256 });
  assert.deepEqual(describeKey(await generatePrivateKey({ algorithm: 'ECDSA', size: 0 })), { algorithm: 'ECDSA', size: 256 });
  assert.deepEqual(describeKey(await generatePrivateKey({ algorithm: 'Ed25519', size: 4096 })), { algorithm: 'Ed25519', size: 0 });
  assert.deepEqual(describeKey(await generatePrivateKey({ algorithm: 'RSA' })), { algorithm: 'RSA', size: 2048 });
  await assert.rejects(generatePrivateKey({ algorithm: 'RSA', size: 1024 }), /2048 to 8192/);
  await assert.rejects(generatePrivateKey({ algorithm: 'RSA', size: 8193 }), /2048 to 8192/);
  await assert.rejects(generatePrivateKey({ algorithm: 'RSA', size: 2048.5 }), /2048 to 8192/);
  await assert.rejects(generatePrivateKey({ algorithm: 'ECDSA', size: 512 }), /256, 384 or 521/);
  await assert.rejects(generatePrivateKey({ algorithm: 'DSA' as never }), /unsupported private key algorithm/);
});

test('publicKeyDer and samePublicKey work across private/public KeyObjects', () => {
  const a = keys.get('P-256')!;
  const b = keys.get('P-384')!;
  assert.ok(samePublicKey(a, createPublicKey(a)));
  assert.ok(!samePublicKey(a, b));
  assert.deepEqual(publicKeyDer(a), publicKeyDer(createPublicKey(a)));
  assert.throws(() => encodePrivateKey(createPublicKey(a), 'PKCS8'), /need a private key/);
  assert.throws(() => encodePrivateKey(a, 'PEM' as never), /unsupported key encoding/);
});
