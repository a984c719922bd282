import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import type { CertificateTemplate } from '../../src/pki/certificate.js';
import { certificateMatchesKey, verifyChainLinks } from '../../src/pki/chain.js';
import { encodePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate } from '../../src/pki/parse.js';
import type { ParsedCertificate } from '../../src/pki/parse.js';
import { DAY, generateAll, KEY_SPECS, openssl, runOpenssl, tempDir, validity } from './helpers.js';

let keys: Map<string, KeyObject>;
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  [keys, tmp] = await Promise.all([generateAll(), tempDir()]);
});
after(() => tmp.cleanup());

const key = (label: string): KeyObject => keys.get(label)!;

function selfSignedCa(label: string, extra: Partial<CertificateTemplate> = {}): { pem: string; parsed: ParsedCertificate } {
  const pem = buildCertificate(
    { subject: { commonName: `certctl test CA ${label}`, organizations: ['certctl'] }, ...validity(365), isCA: true, usages: [], publicKey: key(label), ...extra },
    { privateKey: key(label) },
  );
  return { pem, parsed: parseCertificate(pem) };
}

function leafTemplate(label: string): CertificateTemplate {
  return {
    subject: { commonName: `leaf ${label}` },
    dnsNames: ['example.com', '*.example.com'],
    ipAddresses: ['192.0.2.10', '2001:db8::10'],
    ...validity(),
    isCA: false,
    usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    publicKey: key(label),
  };
}

const SIG_NAMES: Record<string, RegExp> = {
  'RSA-2048': /sha256WithRSAEncryption/,
  'RSA-3072': /sha256WithRSAEncryption/,
  'P-256': /ecdsa-with-SHA256/,
  'P-384': /ecdsa-with-SHA384/,
  'P-521': /ecdsa-with-SHA512/,
  Ed25519: /ED25519/,
};

test('a CA of every key type signs leaves of every key type; openssl verify passes', async () => {
  const jobs: Promise<void>[] = [];
  for (const caSpec of KEY_SPECS) {
    const ca = selfSignedCa(caSpec.label);
    assert.ok(ca.parsed.selfSigned);
    const caFile = await tmp.write(`ca-${caSpec.label}.pem`, ca.pem);
    for (const leafSpec of KEY_SPECS) {
      const pem = buildCertificate(leafTemplate(leafSpec.label), { privateKey: key(caSpec.label), certificate: ca.parsed });
      const leaf = parseCertificate(pem);
      assert.ok(!leaf.selfSigned);
      assert.deepEqual(leaf.issuerDer, ca.parsed.subjectDer);
      assert.deepEqual(leaf.authorityKeyId, ca.parsed.subjectKeyId);
      verifyChainLinks([leaf, ca.parsed]);
      assert.ok(leaf.x509.checkIssued(ca.parsed.x509));
      jobs.push(
        (async () => {
          const file = await tmp.write(`leaf-${caSpec.label}-${leafSpec.label}.pem`, pem);
          const out = await openssl(['verify', '-purpose', 'sslserver', '-CAfile', caFile, file]);
          assert.match(out, /: OK\n$/, `${leafSpec.label} signed by ${caSpec.label}`);
          const text = await openssl(['x509', '-in', file, '-noout', '-text']);
          assert.match(text, new RegExp(`Signature Algorithm: ${SIG_NAMES[caSpec.label]!.source}`));
        })(),
      );
    }
  }
  await Promise.all(jobs);
});

test('openssl x509 -pubkey equals openssl pkey -pubout of the key, for every key type', async () => {
  const ca = selfSignedCa('P-256');
  await Promise.all(
    KEY_SPECS.map(async ({ label }) => {
      const keyFile = await tmp.write(`pub-${label}.key`, encodePrivateKey(key(label), 'PKCS8'));
      const certFile = await tmp.write(`pub-${label}.pem`, buildCertificate(leafTemplate(label), { privateKey: key('P-256'), certificate: ca.parsed }));
      const [fromCert, fromKey] = await Promise.all([
        openssl(['x509', '-in', certFile, '-noout', '-pubkey']),
        openssl(['pkey', '-in', keyFile, '-pubout']),
      ]);
      assert.equal(fromCert, fromKey, label);
    }),
  );
});

test('extensions show exactly what was asked (openssl x509 -ext)', async () => {
  const ca = selfSignedCa('RSA-2048');
  const leafPem = buildCertificate(
    {
      ...leafTemplate('P-256'),
      subject: {},
      dnsNames: ['a.example.org'],
      ipAddresses: ['10.1.2.3', '::1'],
      uris: ['spiffe://cluster.local/ns/default/sa/web'],
      emailAddresses: ['ops@example.org'],
      usages: ['signing', 'content commitment', 'decipher only', 'code signing', 's/mime', 'ocsp signing', 'any'],
    },
    { privateKey: key('RSA-2048'), certificate: ca.parsed },
  );
  const leafFile = await tmp.write('ext-leaf.pem', leafPem);
  const caFile = await tmp.write('ext-ca.pem', ca.pem);
  const ext = await openssl(['x509', '-in', leafFile, '-noout', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints']);
  assert.match(ext, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
  assert.match(ext, /X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation, Decipher Only\n/);
  assert.match(ext, /X509v3 Extended Key Usage: \n\s+Code Signing, E-mail Protection, OCSP Signing, Any Extended Key Usage\n/);
  // Empty subject → SAN critical (RFC 5280 §4.2.1.6); Go's order DNS, email, IP, URI.
  assert.match(ext, /X509v3 Subject Alternative Name: critical\n\s+DNS:a\.example\.org, email:ops@example\.org, IP Address:10\.1\.2\.3, IP Address:0:0:0:0:0:0:0:1, URI:spiffe:\/\/cluster\.local\/ns\/default\/sa\/web\n/);

  const caExt = await openssl(['x509', '-in', caFile, '-noout', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints,authorityKeyIdentifier']);
  assert.match(caExt, /X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
  assert.match(caExt, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment, Certificate Sign\n/);
  assert.doesNotMatch(caExt, /Extended Key Usage|Subject Alternative Name|Authority Key Identifier/);

  const named = buildCertificate({ ...leafTemplate('P-256'), usages: ['server auth'] }, { privateKey: key('RSA-2048'), certificate: ca.parsed });
  const namedExt = await openssl(['x509', '-noout', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage'], undefined, named);
  assert.match(namedExt, /X509v3 Subject Alternative Name: \n/, 'non-critical when the subject is set');
  assert.doesNotMatch(namedExt, /Key Usage: critical/, 'no keyUsage when only EKUs are asked');
});

test('root → intermediate → leaf verifies with -untrusted and verifyChainLinks', async () => {
  const root = selfSignedCa('P-384');
  const interPem = buildCertificate(
    { subject: { commonName: 'certctl intermediate', organizations: ['certctl'], countries: ['DE'] }, ...validity(180), isCA: true, usages: ['cert sign', 'crl sign'], publicKey: key('RSA-3072') },
    { privateKey: key('P-384'), certificate: root.parsed },
  );
  const inter = parseCertificate(interPem);
  const leafPem = buildCertificate(leafTemplate('Ed25519'), { privateKey: key('RSA-3072'), certificate: inter });
  const leaf = parseCertificate(leafPem);
  const [rootFile, interFile, leafFile] = await Promise.all([
    tmp.write('chain-root.pem', root.pem), tmp.write('chain-inter.pem', interPem), tmp.write('chain-leaf.pem', leafPem),
  ]);
  assert.match(await openssl(['verify', '-CAfile', rootFile, '-untrusted', interFile, leafFile]), /: OK/);
  const without = await runOpenssl(['verify', '-CAfile', rootFile, leafFile]);
  assert.notEqual(without.code, 0, 'the intermediate is really needed');
  verifyChainLinks([leaf, inter, root.parsed]);
  assert.throws(() => verifyChainLinks([leaf, root.parsed]), /^Error: certificate 1 \(CN=leaf Ed25519\) is issued by "CN=certctl intermediate,O=certctl,C=DE", but certificate 2 is "CN=certctl test CA P-384,O=certctl"$/);
  assert.throws(() => verifyChainLinks([inter, leaf]), /certificate 1 .* is issued by/);
  assert.throws(() => verifyChainLinks([]), /empty/);
  assert.deepEqual(inter.usages, ['cert sign', 'crl sign']);
  assert.ok(certificateMatchesKey(leaf, key('Ed25519')));
  assert.ok(!certificateMatchesKey(leaf, key('RSA-3072')));
});

test('a same-name impostor CA is caught by the signature check', () => {
  const real = selfSignedCa('P-256');
  const fake = selfSignedCa('P-384', { subject: { commonName: 'certctl test CA P-256', organizations: ['certctl'] } });
  assert.deepEqual(fake.parsed.subjectDer, real.parsed.subjectDer);
  const leaf = parseCertificate(buildCertificate(leafTemplate('P-256'), { privateKey: key('P-256'), certificate: real.parsed }));
  assert.throws(() => verifyChainLinks([leaf, fake.parsed]), /certificate 1 .*signature does not verify with the key of certificate 2/);
});

test('serial numbers: random default, caller-chosen, limits', async () => {
  const t = { ...leafTemplate('P-256'), subject: { commonName: 'serial' }, publicKey: key('P-256') };
  const a = parseCertificate(buildCertificate(t, { privateKey: key('P-256') }));
  const b = parseCertificate(buildCertificate(t, { privateKey: key('P-256') }));
  assert.notEqual(a.serialHex, b.serialHex);
  assert.ok(a.serialBytes.length <= 16 && (a.serialBytes[0]! & 0x80) === 0);
  const high = parseCertificate(buildCertificate({ ...t, serialNumber: Buffer.from('80aabb', 'hex') }, { privateKey: key('P-256') }));
  assert.equal(high.serialBytes.toString('hex'), '0080aabb');
  assert.equal(high.serialHex, '80aabb');
  assert.match(await openssl(['x509', '-noout', '-serial'], undefined, high.pem), /serial=80AABB/);
  assert.equal(high.x509.serialNumber, '80AABB');
  const twenty = Buffer.alloc(20, 0x7f);
  assert.equal(parseCertificate(buildCertificate({ ...t, serialNumber: twenty }, { privateKey: key('P-256') })).serialBytes.length, 20);
  assert.throws(() => buildCertificate({ ...t, serialNumber: Buffer.alloc(20, 0xff) }, { privateKey: key('P-256') }), /20 octets/);
  assert.throws(() => buildCertificate({ ...t, serialNumber: Buffer.alloc(3) }, { privateKey: key('P-256') }), /positive/);
});

test('validity: dates round-trip, GeneralizedTime from 2050', async () => {
  const notBefore = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
  const notAfter = new Date(Date.UTC(2050, 0, 1, 0, 0, 1));
  const pem = buildCertificate({ ...leafTemplate('P-256'), notBefore: new Date(notBefore.getTime() + 999), notAfter }, { privateKey: key('Ed25519'), certificate: selfSignedCa('Ed25519').parsed });
  const c = parseCertificate(pem);
  assert.equal(c.notBefore.toISOString(), notBefore.toISOString(), 'milliseconds are truncated');
  assert.equal(c.notAfter.toISOString(), notAfter.toISOString());
  const out = await openssl(['x509', '-noout', '-startdate', '-enddate'], undefined, pem);
  assert.match(out, /notBefore=Dec 31 23:59:59 2049 GMT\nnotAfter=Jan  1 00:00:01 2050 GMT/);
  const asn1 = await openssl(['asn1parse'], undefined, pem);
  assert.match(asn1, /UTCTIME\s+:491231235959Z/);
  assert.match(asn1, /GENERALIZEDTIME\s+:20500101000001Z/);
});

test('signature algorithm override and signer sanity checks', async () => {
  const t = { ...leafTemplate('RSA-2048'), publicKey: key('RSA-2048') };
  const sha512 = parseCertificate(buildCertificate({ ...t, signatureAlgorithm: 'SHA512WithRSA' }, { privateKey: key('RSA-2048') }));
  assert.equal(sha512.signatureAlgorithm, 'SHA512WithRSA');
  assert.ok(sha512.selfSigned);
  assert.match(await openssl(['x509', '-noout', '-text'], undefined, sha512.pem), /sha512WithRSAEncryption/);
  assert.throws(() => buildCertificate({ ...t, signatureAlgorithm: 'ECDSAWithSHA256' }, { privateKey: key('RSA-2048') }), /cannot be used with an RSA key/);
  const ca = selfSignedCa('P-256');
  assert.throws(() => buildCertificate(t, { privateKey: key('P-384'), certificate: ca.parsed }), /signer private key does not match/);
  assert.throws(() => buildCertificate(t, { privateKey: key('P-384') }), /template public key is not the signer key/);
  assert.throws(() => buildCertificate({ ...t, notAfter: new Date(t.notBefore.getTime() - DAY) }, { privateKey: key('RSA-2048') }), /notAfter is before notBefore/);
  assert.throws(() => buildCertificate({ ...t, notAfter: new Date(NaN) }, { privateKey: key('RSA-2048') }), /valid Dates/);
  assert.throws(() => buildCertificate({ ...t, ipAddresses: ['10.0.0.0/8'] }, { privateKey: key('RSA-2048') }), /invalid IP address/);
  assert.throws(() => buildCertificate({ ...t, dnsNames: ['bücher.example'] }, { privateKey: key('RSA-2048') }), /IA5String/);
  assert.throws(() => buildCertificate({ ...t, usages: ['serverauth'] }, { privateKey: key('RSA-2048') }), /unknown key usage/);
});
