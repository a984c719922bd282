import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildCertificate } from '../../src/pki/certificate.js';
import { certificateMatchesKey } from '../../src/pki/chain.js';
import { encodePrivateKey, generatePrivateKey, parsePrivateKey, samePublicKey } from '../../src/pki/keys.js';
import { parseCertificate, parseCertificateChain, splitPem } from '../../src/pki/parse.js';
import { toPem } from '../../src/pki/pem.js';
import { openssl, tempDir, validity } from './helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let ec: KeyObject;
let ed: KeyObject;
before(async () => {
  [tmp, ec, ed] = await Promise.all([tempDir(), generatePrivateKey({ algorithm: 'ECDSA', size: 256 }), generatePrivateKey({ algorithm: 'Ed25519' })]);
});
after(() => tmp.cleanup());

const hexColons = (s: string): string => s.replace(/:/g, '').toLowerCase();

test('parseCertificate round-trips everything buildCertificate wrote', () => {
  const caPem = buildCertificate({ subject: { commonName: 'rt CA' }, ...validity(), isCA: true, usages: ['cert sign'], publicKey: ec }, { privateKey: ec });
  const ca = parseCertificate(caPem);
  const notBefore = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
  const notAfter = new Date(Date.UTC(2060, 6, 7, 8, 9, 10));
  const subject = {
    commonName: 'rt.example', organizations: ['A', 'B'], countries: ['GB'], organizationalUnits: ['X'], localities: ['London'],
    provinces: ['England'], streetAddresses: ['10 Downing St'], postalCodes: ['SW1A 2AA'], serialNumber: '12345',
  };
  const pem = buildCertificate(
    {
      subject, dnsNames: ['rt.example', '*.rt.example'], ipAddresses: ['203.0.113.5', '2001:0DB8:0:0:0:0:0:5'], uris: ['urn:x:y'],
      emailAddresses: ['a@rt.example'], notBefore, notAfter, isCA: false, usages: ['signing', 'key agreement', 'client auth', 'timestamping'],
      publicKey: ed, serialNumber: Buffer.from('00ff0102', 'hex'),
    },
    { privateKey: ec, certificate: ca },
  );
  const c = parseCertificate(pem);
  assert.equal(c.pem, pem);
  assert.equal(c.version, 3);
  assert.deepEqual(c.subject, subject);
  assert.deepEqual(c.issuer, { commonName: 'rt CA' });
  assert.equal(c.commonName, 'rt.example');
  assert.equal(c.issuerText, 'CN=rt CA');
  assert.deepEqual(c.dnsNames, ['rt.example', '*.rt.example']);
  assert.deepEqual(c.ipAddresses, ['203.0.113.5', '2001:db8::5']);
  assert.deepEqual(c.uris, ['urn:x:y']);
  assert.deepEqual(c.emailAddresses, ['a@rt.example']);
  assert.equal(c.serialBytes.toString('hex'), '00ff0102');
  assert.equal(c.serialHex, 'ff0102');
  assert.equal(c.notBefore.toISOString(), notBefore.toISOString());
  assert.equal(c.notAfter.toISOString(), notAfter.toISOString());
  assert.equal(c.isCA, false);
  assert.deepEqual(c.usages, ['digital signature', 'key agreement', 'client auth', 'timestamping']);
  assert.deepEqual(c.authorityKeyId, ca.subjectKeyId);
  assert.equal(c.subjectKeyId!.length, 20);
  assert.equal(c.signatureAlgorithm, 'ECDSAWithSHA256');
  assert.ok(samePublicKey(c.publicKey, ed));
  assert.ok(certificateMatchesKey(c, ed));
  assert.equal(c.selfSigned, false);
  assert.equal(c.fingerprintSha256, hexColons(c.x509.fingerprint256));
  assert.deepEqual(c.extensions.map((e) => [e.oid, e.critical]), [
    ['2.5.29.19', true], ['2.5.29.15', true], ['2.5.29.37', false], ['2.5.29.14', false], ['2.5.29.35', false], ['2.5.29.17', false],
  ]);
  assert.equal(ca.selfSigned, true);
  assert.equal(ca.authorityKeyId, undefined);
  assert.deepEqual(ca.usages, ['cert sign']);
  // DER input (and PEM given as a Buffer) work too.
  assert.equal(parseCertificate(c.der).serialHex, 'ff0102');
  assert.equal(parseCertificate(Buffer.from(pem)).serialHex, 'ff0102');
});

test('parses openssl-generated certificates (RSA, EC, Ed25519) and agrees with openssl', async () => {
  const cases = [
    { name: 'rsa', newkey: ['-newkey', 'rsa:2048'], sig: 'SHA256WithRSA' },
    { name: 'ec', newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], sig: 'ECDSAWithSHA256' },
    { name: 'ed', newkey: ['-newkey', 'ed25519'], sig: 'PureEd25519' },
  ];
  await Promise.all(
    cases.map(async ({ name, newkey, sig }) => {
      const keyFile = `${tmp.dir}/${name}.key`;
      const pem = await openssl([
        'req', '-x509', ...newkey, '-nodes', '-keyout', keyFile, '-days', '30', '-set_serial', '0x8badf00d',
        '-subj', '/C=US/ST=CA/O=Open SSL/OU=t1/OU=t2/CN=openssl.example', '-sha256',
        '-addext', 'subjectAltName=DNS:openssl.example,DNS:*.openssl.example,IP:192.0.2.1,IP:2001:db8:0:0::1,email:x@openssl.example,URI:https://openssl.example/',
        '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
        '-addext', 'extendedKeyUsage=serverAuth,1.3.6.1.5.5.7.3.9,1.2.3.4.5',
        '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:2',
      ]);
      const c = parseCertificate(pem);
      const { key } = parsePrivateKey(await readFile(keyFile, 'utf8'));
      assert.ok(certificateMatchesKey(c, key), name);
      assert.equal(c.selfSigned, true);
      assert.equal(c.signatureAlgorithm, sig);
      assert.deepEqual(c.subject, { countries: ['US'], provinces: ['CA'], organizations: ['Open SSL'], organizationalUnits: ['t1', 't2'], commonName: 'openssl.example' });
      assert.equal(c.subjectText, 'CN=openssl.example,OU=t2,OU=t1,O=Open SSL,ST=CA,C=US');
      assert.deepEqual(c.dnsNames, ['openssl.example', '*.openssl.example']);
      assert.deepEqual(c.ipAddresses, ['192.0.2.1', '2001:db8::1']);
      assert.deepEqual(c.emailAddresses, ['x@openssl.example']);
      assert.deepEqual(c.uris, ['https://openssl.example/']);
      assert.equal(c.serialHex, '8badf00d');
      assert.equal(c.serialBytes.toString('hex'), '008badf00d');
      assert.equal(c.isCA, true);
      assert.equal(c.pathLength, 2);
      assert.deepEqual(c.usages, ['digital signature', 'cert sign', 'server auth', 'ocsp signing', '1.2.3.4.5']);
      assert.deepEqual(c.subjectKeyId, c.authorityKeyId);
      const dates = await openssl(['x509', '-noout', '-startdate', '-enddate', '-ext', 'subjectKeyIdentifier'], undefined, pem);
      const start = /notBefore=(.*)/.exec(dates)![1]!;
      const end = /notAfter=(.*)/.exec(dates)![1]!;
      assert.equal(c.notBefore.getTime(), Date.parse(start));
      assert.equal(c.notAfter.getTime(), Date.parse(end));
      assert.equal(c.subjectKeyId!.toString('hex'), hexColons(/Identifier: \n\s+([0-9A-F:]+)/.exec(dates)![1]!));
      // Our SKI method (SHA-1 of the key bits) matches openssl's default "hash" method.
      const ours = parseCertificate(buildCertificate({ subject: { commonName: 'x' }, ...validity(), isCA: false, usages: [], publicKey: key }, { privateKey: key }));
      assert.deepEqual(ours.subjectKeyId, c.subjectKeyId);
    }),
  );
});

test('v1 certificates and subject==issuer with a foreign signature', async () => {
  const keyFile = await tmp.write('v1.key', encodePrivateKey(ec, 'PKCS1'));
  const csr = await openssl(['req', '-new', '-key', keyFile, '-subj', '/CN=v1']);
  const csrFile = await tmp.write('v1.csr', csr);
  const v1 = parseCertificate(await openssl(['x509', '-req', '-in', csrFile, '-key', keyFile, '-days', '1']));
  assert.equal(v1.version, 1);
  assert.equal(v1.isCA, false);
  assert.deepEqual(v1.usages, []);
  assert.equal(v1.selfSigned, true);
  // Same Name as issuer and subject, but signed by another key: not self-signed.
  const signer = parseCertificate(buildCertificate({ subject: { commonName: 'same' }, ...validity(), isCA: true, usages: [], publicKey: ed }, { privateKey: ed }));
  const odd = parseCertificate(buildCertificate({ subject: { commonName: 'same' }, ...validity(), isCA: false, usages: [], publicKey: ec }, { privateKey: ed, certificate: signer }));
  assert.deepEqual(odd.subjectDer, odd.issuerDer);
  assert.equal(odd.selfSigned, false);
});

test('tampering: a flipped signature byte is not self-signed; broken DER throws', () => {
  const pem = buildCertificate({ subject: { commonName: 't' }, ...validity(), isCA: true, usages: [], publicKey: ed }, { privateKey: ed });
  const der = parseCertificate(pem).der;
  const flipped = Buffer.from(der);
  flipped[flipped.length - 1]! ^= 1;
  assert.equal(parseCertificate(flipped).selfSigned, false);
  for (let cut = 1; cut < der.length; cut += 7) {
    assert.throws(() => parseCertificate(der.subarray(0, cut)), /^Error: invalid certificate: /);
  }
  assert.throws(() => parseCertificate(Buffer.concat([der, Buffer.from([0])])), /trailing/);
});

test('parseCertificateChain and splitPem are strict about block types and framing', () => {
  const a = buildCertificate({ subject: { commonName: 'a' }, ...validity(), isCA: true, usages: [], publicKey: ed }, { privateKey: ed });
  const b = buildCertificate({ subject: { commonName: 'b' }, ...validity(), isCA: true, usages: [], publicKey: ec }, { privateKey: ec });
  const chain = parseCertificateChain(`some text\n${a}\r\n\n${b}trailing words\n`);
  assert.deepEqual(chain.map((c) => c.commonName), ['a', 'b']);
  assert.throws(() => parseCertificateChain(a + encodePrivateKey(ec, 'PKCS8')), /PEM block 2 is "PRIVATE KEY", expected CERTIFICATE/);
  assert.throws(() => parseCertificateChain(''), /no PEM certificate found/);
  assert.throws(() => parseCertificateChain(toPem('CERTIFICATE', Buffer.from('3000', 'hex'))), /invalid certificate at position 1/);
  assert.throws(() => parseCertificate(a + b), /exactly one PEM block, found 2/);
  assert.throws(() => parseCertificate(encodePrivateKey(ec, 'PKCS8')), /expected a CERTIFICATE PEM block, found "PRIVATE KEY"/);
  assert.deepEqual(splitPem(a + b).map((x) => x.type), ['CERTIFICATE', 'CERTIFICATE']);
  assert.throws(() => splitPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'), /ends with "X509 CRL"/);
  assert.throws(() => splitPem('-----END CERTIFICATE-----\n'), /END line without BEGIN/);
  assert.throws(() => splitPem('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'), /invalid base64/);
  assert.throws(() => splitPem('-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n'), /invalid base64/);
  assert.throws(() => splitPem('-----BEGIN CERTIFICATE-----\nAA=A\n-----END CERTIFICATE-----\n'), /invalid base64/);
  assert.throws(() => splitPem(`${a.trimEnd().split('\n').slice(0, -1).join('\n')}\n${b}`), /no END line/);
  assert.deepEqual(splitPem(a)[0]!.der, parseCertificate(a).der);
});
