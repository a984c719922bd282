import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { buildCsr } from '../../src/pki/csr.js';
import { encodePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate } from '../../src/pki/parse.js';
import { splitPem } from '../../src/pki/pem.js';
import { generateAll, KEY_SPECS, openssl, tempDir, validity } from './helpers.js';

// RSA-3072 adds nothing for CSRs over RSA-2048 but costs ~0.5-1 s to generate.
const SPECS = KEY_SPECS.filter((s) => s.label !== 'RSA-3072');
let keys: Map<string, KeyObject>;
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  [keys, tmp] = await Promise.all([generateAll(SPECS), tempDir()]);
});
after(() => tmp.cleanup());

const SIG: Record<string, string> = {
  'RSA-2048': 'sha256WithRSAEncryption',
  'RSA-3072': 'sha256WithRSAEncryption',
  'P-256': 'ecdsa-with-SHA256',
  'P-384': 'ecdsa-with-SHA384',
  'P-521': 'ecdsa-with-SHA512',
  Ed25519: 'ED25519',
};

test('CSRs verify with openssl req -verify for every key type and carry the requested extensions', async () => {
  await Promise.all(
    SPECS.map(async ({ label }) => {
      const pem = buildCsr(
        {
          subject: { commonName: `csr ${label}`, organizations: ['certctl'], countries: ['NL'] },
          dnsNames: ['www.example.net', 'example.net'],
          ipAddresses: ['198.51.100.7'],
          uris: ['https://example.net/id'],
          emailAddresses: ['hostmaster@example.net'],
          usages: ['digital signature', 'key encipherment', 'server auth'],
        },
        keys.get(label)!,
      );
      assert.equal(splitPem(pem)[0]!.type, 'CERTIFICATE REQUEST');
      const file = await tmp.write(`csr-${label}.pem`, pem);
      const r = await openssl(['req', '-in', file, '-verify', '-noout', '-text']);
      assert.match(r, /Subject: C = NL, O = certctl, CN = csr /, label);
      assert.match(r, new RegExp(`Signature Algorithm: ${SIG[label]}`));
      assert.match(r, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
      assert.match(r, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
      assert.match(r, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
      assert.match(r, /X509v3 Subject Alternative Name: \n\s+DNS:www\.example\.net, DNS:example\.net, email:hostmaster@example\.net, IP Address:198\.51\.100\.7, URI:https:\/\/example\.net\/id\n/);
    }),
  );
});

test('openssl can issue from our CSR, copying its extensions, and we parse the result', async () => {
  const caKey = keys.get('P-256')!;
  const caPem = buildCertificate({ subject: { commonName: 'csr CA' }, ...validity(), isCA: true, usages: [], publicKey: caKey }, { privateKey: caKey });
  const [caFile, caKeyFile, csrFile] = await Promise.all([
    tmp.write('issue-ca.pem', caPem),
    tmp.write('issue-ca.key', encodePrivateKey(caKey, 'PKCS8')),
    tmp.write('issue.csr', buildCsr({ subject: {}, dnsNames: ['only.example'], ipAddresses: ['::ffff:10.9.8.7'], usages: ['client auth'] }, keys.get('Ed25519')!)),
  ]);
  const certPem = await openssl(['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKeyFile, '-copy_extensions', 'copyall', '-days', '2']);
  const cert = parseCertificate(certPem);
  assert.deepEqual(cert.dnsNames, ['only.example']);
  assert.deepEqual(cert.ipAddresses, ['10.9.8.7']);
  assert.deepEqual(cert.usages, ['client auth']);
  assert.equal(cert.commonName, '');
  const text = await openssl(['x509', '-noout', '-ext', 'subjectAltName'], undefined, certPem);
  assert.match(text, /Subject Alternative Name: critical/, 'critical because the subject is empty');
});

test('usages absent → SAN only; isCA → basicConstraints CA:TRUE and cert sign; no names → empty attributes', async () => {
  const k = keys.get('P-384')!;
  const plain = await openssl(['req', '-verify', '-noout', '-text'], undefined, buildCsr({ subject: { commonName: 'x' }, dnsNames: ['x.example'] }, k));
  assert.match(plain, /Subject Alternative Name/);
  assert.doesNotMatch(plain, /Basic Constraints|Key Usage/);

  const ca = await openssl(['req', '-verify', '-noout', '-text'], undefined, buildCsr({ subject: { commonName: 'sub CA' }, isCA: true }, k));
  assert.match(ca, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
  assert.doesNotMatch(ca, /Key Usage/);

  const caUsages = await openssl(['req', '-verify', '-noout', '-text'], undefined, buildCsr({ subject: { commonName: 'sub CA' }, isCA: true, usages: [] }, k));
  assert.match(caUsages, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment, Certificate Sign\n/);

  const bare = await openssl(['req', '-verify', '-noout', '-text'], undefined, buildCsr({ subject: { commonName: 'bare' } }, k));
  assert.match(bare, /Attributes:\n\s+\(none\)\n/);
  assert.doesNotMatch(bare, /X509v3/);
  assert.throws(() => buildCsr({ subject: {} }, createPublicKey(k)), /need a private key/);
});

test('CSR signature algorithm override must suit the key', async () => {
  const k = keys.get('P-256')!;
  const pem = buildCsr({ subject: { commonName: 'x' }, signatureAlgorithm: 'ECDSAWithSHA512' }, k);
  assert.match(await openssl(['req', '-verify', '-noout', '-text'], undefined, pem), /ecdsa-with-SHA512/);
  assert.throws(() => buildCsr({ subject: { commonName: 'x' }, signatureAlgorithm: 'PureEd25519' }, k), /cannot be used with an ECDSA key/);
});
