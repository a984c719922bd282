// Byte-for-byte equality with cert-manager's own encoders. The golden files were written by
// golden/oracle/main.go, which calls go-pkcs12 v0.7.2 and keystore-go v4.5.0 (the versions
// cert-manager v1.21.1 vendors) the way cert-manager does, fed the same random stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { encodeJksKeystore, encodeJksTruststore, encodePkcs12Keystore, encodePkcs12Truststore, jksKeystoreMatches, jksTruststoreMatches, pkcs12KeystoreMatches, pkcs12TruststoreMatches, PKCS12_PROFILES } from '../../../src/pki/keystores/index.js';
import { golden, goldenCerts, seededRandom } from './helpers.js';

const LABELS = ['RSA-2048', 'P-256', 'P-384', 'P-521', 'Ed25519'];
const PASSWORDS = { ascii: 'changeit', unicode: 'pässwörd-€' } as const;
const JKS_TIME = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
const caDer = goldenCerts('ca.pem');

for (const label of LABELS) {
  const privateKey = createPrivateKey(golden(`key-${label}.pem`));
  const chainDer = goldenCerts(`chain-${label}.pem`);
  for (const profile of PKCS12_PROFILES) {
    for (const pw of ['ascii', 'unicode'] as const) {
      if (pw === 'unicode' && label !== 'P-256') continue;
      test(`keystore.p12 ${label} ${profile} (${pw} password) is byte-identical to go-pkcs12`, () => {
        const ours = encodePkcs12Keystore({ privateKey, chainDer, caDer, password: PASSWORDS[pw], profile, random: seededRandom(`keystore/${label}/${profile}/${pw}`) });
        assert.equal(ours.toString('hex'), golden(`keystore-${label}-${profile}-${pw}.p12`).toString('hex'));
      });
    }
  }
  for (const alias of ['certificate', 'MyAlias']) {
    if (alias === 'MyAlias' && label !== 'P-256') continue;
    test(`keystore.jks ${label} alias ${alias} is byte-identical to keystore-go`, () => {
      const ours = encodeJksKeystore({ privateKey, chainDer, caDer, password: 'changeit', alias, now: JKS_TIME, random: seededRandom(`jks/${label}/${alias}`) });
      assert.equal(ours.toString('hex'), golden(`keystore-${label}-${alias}.jks`).toString('hex'));
    });
  }
}

for (const profile of PKCS12_PROFILES) {
  test(`truststore.p12 ${profile} is byte-identical to go-pkcs12 (friendly names as Go prints subjects)`, () => {
    const ours = encodePkcs12Truststore({ caDer, password: 'changeit', profile, random: seededRandom(`truststore/${profile}`) });
    assert.equal(ours.toString('hex'), golden(`truststore-${profile}.p12`).toString('hex'));
  });
}

test('truststore.jks is byte-identical to keystore-go', () => {
  assert.equal(encodeJksTruststore({ caDer, password: 'changeit', now: JKS_TIME }).toString('hex'), golden('truststore.jks').toString('hex'));
});

test('a different random stream gives different bytes (the comparison is not vacuous)', () => {
  const privateKey = createPrivateKey(golden('key-P-256.pem'));
  const ours = encodePkcs12Keystore({ privateKey, chainDer: goldenCerts('chain-P-256.pem'), caDer, password: 'changeit', profile: 'Modern2023', random: seededRandom('other') });
  assert.notEqual(ours.toString('hex'), golden('keystore-P-256-Modern2023-ascii.p12').toString('hex'));
});

test('keystores written by cert-manager are recognised as current (no rewrite after migrating to certctl)', () => {
  const privateKey = createPrivateKey(golden('key-RSA-2048.pem'));
  const chainDer = goldenCerts('chain-RSA-2048.pem');
  for (const profile of PKCS12_PROFILES) {
    assert.ok(pkcs12KeystoreMatches(golden(`keystore-RSA-2048-${profile}-ascii.p12`), { privateKey, chainDer, caDer, password: 'changeit', profile }), profile);
    assert.ok(pkcs12TruststoreMatches(golden(`truststore-${profile}.p12`), { caDer, password: 'changeit', profile }), profile);
    assert.ok(!pkcs12KeystoreMatches(golden(`keystore-RSA-2048-${profile}-ascii.p12`), { privateKey, chainDer, caDer, password: 'changeIt', profile }), `${profile} wrong password`);
  }
  assert.ok(!pkcs12KeystoreMatches(golden('keystore-RSA-2048-Modern2023-ascii.p12'), { privateKey, chainDer, caDer, password: 'changeit', profile: 'Modern2026' }));
  assert.ok(!pkcs12KeystoreMatches(golden('keystore-RSA-2048-LegacyRC2-ascii.p12'), { privateKey, chainDer, caDer: caDer.slice(0, 1), password: 'changeit', profile: 'LegacyRC2' }));
  assert.ok(jksKeystoreMatches(golden('keystore-RSA-2048-certificate.jks'), { privateKey, chainDer, caDer, password: 'changeit' }));
  assert.ok(jksKeystoreMatches(golden('keystore-P-256-MyAlias.jks'), { privateKey: createPrivateKey(golden('key-P-256.pem')), chainDer: goldenCerts('chain-P-256.pem'), caDer, password: 'changeit', alias: 'MyAlias' }));
  assert.ok(!jksKeystoreMatches(golden('keystore-RSA-2048-certificate.jks'), { privateKey, chainDer, caDer, password: 'changeit', alias: 'other' }));
  assert.ok(!jksKeystoreMatches(golden('keystore-RSA-2048-certificate.jks'), { privateKey, chainDer, caDer, password: 'wrong' }));
  assert.ok(!jksKeystoreMatches(golden('keystore-RSA-2048-certificate.jks'), { privateKey: createPrivateKey(golden('key-P-256.pem')), chainDer, caDer, password: 'changeit' }));
  assert.ok(jksTruststoreMatches(golden('truststore.jks'), { caDer, password: 'changeit' }));
  assert.ok(!jksTruststoreMatches(golden('truststore.jks'), { caDer: caDer.slice(1), password: 'changeit' }));
  assert.ok(!jksTruststoreMatches(Buffer.from('not a keystore'), { caDer, password: 'changeit' }));
  assert.ok(!pkcs12TruststoreMatches(Buffer.from('not a keystore'), { caDer, password: 'changeit', profile: 'LegacyRC2' }));
});
