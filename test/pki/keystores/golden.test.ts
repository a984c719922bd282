// Byte-for-byte equality with cert-manager's own encoders. The golden files were written by
// golden/oracle/main.go, which calls go-pkcs12 v0.7.2 and keystore-go v4.5.0 (the versions
// cert-manager v1.21.1 vendors) the way cert-manager does, fed the same random stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { encodeJksKeystore, encodeJksTruststore, encodePkcs12Keystore, encodePkcs12Truststore, PKCS12_PROFILES } from '../../../src/pki/keystores/index.js';
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
