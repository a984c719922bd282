// Writes the PEM inputs of the golden keystores (run once; the outputs are committed):
//   npx tsx test/pki/keystores/golden/make-material.mts test/pki/keystores/golden
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate } from '../../../../src/pki/certificate.js';
import { encodePrivateKey, generatePrivateKey } from '../../../../src/pki/keys.js';
import { parseCertificate } from '../../../../src/pki/parse.js';
import { LEAF_KEYS } from '../fixtures.js';

const dir = process.argv[2]!;
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2036-01-01T00:00:00Z');
const rootKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 384 });
const otherKey = await generatePrivateKey({ algorithm: 'RSA', size: 2048 });
const interKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
// A subject with every field Go names, a comma to escape and a leading space, to pin down how
// go-pkcs12 turns it into a friendly name.
const rootPem = buildCertificate(
  {
    subject: { commonName: ' Golden Root #1', organizations: ['Example, Inc.', 'Second Org'], organizationalUnits: ['PKI'], countries: ['DE'], provinces: ['Berlin'], localities: ['Berlin'], streetAddresses: ['Street 1'], postalCodes: ['10115'], serialNumber: '42' },
    notBefore, notAfter, isCA: true, usages: ['cert sign', 'crl sign'], publicKey: rootKey,
  },
  { privateKey: rootKey },
);
const otherPem = buildCertificate({ subject: { commonName: 'Golden Other Root' }, notBefore, notAfter, isCA: true, usages: ['cert sign'], publicKey: otherKey }, { privateKey: otherKey });
const interPem = buildCertificate({ subject: { commonName: 'Golden Intermediate' }, notBefore, notAfter, isCA: true, usages: ['cert sign'], publicKey: interKey }, { privateKey: rootKey, certificate: parseCertificate(rootPem) });
writeFileSync(join(dir, 'ca.pem'), rootPem + otherPem);
for (const spec of LEAF_KEYS) {
  const key = await generatePrivateKey(spec);
  const leafPem = buildCertificate(
    { subject: { commonName: `golden ${spec.label}` }, dnsNames: ['localhost'], notBefore, notAfter, isCA: false, usages: ['digital signature', 'server auth'], publicKey: key },
    { privateKey: interKey, certificate: parseCertificate(interPem) },
  );
  writeFileSync(join(dir, `key-${spec.label}.pem`), encodePrivateKey(key, 'PKCS8'));
  writeFileSync(join(dir, `chain-${spec.label}.pem`), leafPem + interPem);
}
