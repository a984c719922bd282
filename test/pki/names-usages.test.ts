import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oid, readDer, seq, set, utf8 } from '../../src/pki/der.js';
import { formatIp, ipToSanBytes, parseIp } from '../../src/shared/ip.js';
import { encodeName, parseName } from '../../src/pki/names.js';
import type { SubjectSpec } from '../../src/pki/names.js';
import {
  DEFAULT_USAGES, EXT_KEY_USAGE_OIDS, KEY_USAGE_BITS, KEY_USAGES, isKeyUsageName, keyUsageMask, splitUsages, usagesFromCertificate, usagesMatch,
} from '../../src/pki/usages.js';
import { openssl } from './helpers.js';

const FULL: SubjectSpec = {
  commonName: 'example.com',
  organizations: ['Acme', 'Beta Corp'],
  countries: ['US'],
  organizationalUnits: ['Ops'],
  localities: ['Springfield'],
  provinces: ['Oregon'],
  streetAddresses: ['1 Main St'],
  postalCodes: ['97000'],
  serialNumber: 'SN-42',
};

test('encodeName follows Go ToRDNSequence order with one RDN per list', () => {
  const rdns = parseName(encodeName(FULL)).rdns;
  assert.deepEqual(rdns.map((r) => r.map((a) => a.type).join('+')), [
    'C', 'O+O', 'OU', 'L', 'ST', 'STREET', 'POSTALCODE', 'SERIALNUMBER', 'CN',
  ]);
  assert.deepEqual(parseName(encodeName(FULL)).subject, FULL);
  assert.deepEqual(encodeName({}), Buffer.from('3000', 'hex'));
  assert.deepEqual(parseName(encodeName({ organizations: [] })).subject, {});
});

test('C and serialNumber are PrintableString, the rest UTF8String (checked with openssl asn1parse)', async () => {
  const out = await openssl(['asn1parse', '-inform', 'DER'], undefined, encodeName(FULL));
  const lines = out.split('\n');
  const typeOf = (name: string): string => {
    const i = lines.findIndex((l) => new RegExp(`OBJECT\\s+:${name}$`).test(l));
    return /(PRINTABLESTRING|UTF8STRING)/.exec(lines[i + 1]!)![1]!;
  };
  assert.equal(typeOf('countryName'), 'PRINTABLESTRING');
  assert.equal(typeOf('serialNumber'), 'PRINTABLESTRING');
  for (const n of ['organizationName', 'commonName', 'localityName', 'stateOrProvinceName', 'streetAddress', 'postalCode', 'organizationalUnitName']) {
    assert.equal(typeOf(n), 'UTF8STRING', n);
  }
  // Unicode goes through; a country that is not printable falls back to UTF8String.
  const odd = parseName(encodeName({ commonName: 'Zürich ✓', countries: ['D*'] }));
  assert.equal(odd.subject.commonName, 'Zürich ✓');
  assert.deepEqual(odd.subject.countries, ['D*']);
});

test('parseName text is RFC 4514 (reversed, escaped) like Go Name.String()', () => {
  assert.equal(parseName(encodeName(FULL)).text,
    'CN=example.com,SERIALNUMBER=SN-42,POSTALCODE=97000,STREET=1 Main St,ST=Oregon,L=Springfield,OU=Ops,O=Acme+O=Beta Corp,C=US');
  assert.equal(parseName(encodeName({ commonName: 'a,b+c"d\\e<f>g;h' })).text, 'CN=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h');
  assert.equal(parseName(encodeName({ commonName: ' #lead', organizations: ['trail '] })).text, 'CN=\\ #lead,O=trail\\ ');
  const unknown = seq(set(seq(oid('1.2.3.4'), utf8('x'))), set(seq(oid('0.9.2342.19200300.100.1.25'), utf8('corp'))));
  const parsed = parseName(unknown);
  assert.equal(parsed.text, 'DC=corp,1.2.3.4=#0c0178');
  assert.deepEqual(parsed.subject, {});
  assert.equal(parsed.rdns[0]![0]!.value, 'x');
});

test('parseName keeps the last CN when repeated, like Go', () => {
  const der = seq(set(seq(oid('2.5.4.3'), utf8('first'))), set(seq(oid('2.5.4.3'), utf8('second'))));
  assert.equal(parseName(readDer(der)).subject.commonName, 'second');
  assert.throws(() => parseName(Buffer.from('3103', 'hex')), Error);
});

test('KEY_USAGES is the 23-value cert-manager enum and every name maps somewhere', () => {
  assert.equal(KEY_USAGES.length, 23);
  assert.equal(new Set(KEY_USAGES).size, 23);
  for (const u of KEY_USAGES) {
    const { keyUsage, extKeyUsage } = splitUsages([u], { isCA: false });
    assert.equal(keyUsage.length + extKeyUsage.length, 1, u);
  }
  assert.ok(isKeyUsageName('s/mime'));
  assert.ok(!isKeyUsageName('Server Auth'));
  assert.equal(Object.keys(KEY_USAGE_BITS).length + Object.keys(EXT_KEY_USAGE_OIDS).length, 21); // + 2 aliases
  assert.equal(EXT_KEY_USAGE_OIDS['any'], '2.5.29.37.0');
});

test('splitUsages: aliases, defaults, isCA, dedupe, unknown names', () => {
  assert.deepEqual(splitUsages(['signing', 's/mime', 'server auth'], { isCA: false }), {
    keyUsage: ['digital signature'], extKeyUsage: ['email protection', 'server auth'],
  });
  assert.deepEqual(splitUsages([], { isCA: false }), { keyUsage: [...DEFAULT_USAGES], extKeyUsage: [] });
  assert.deepEqual(splitUsages([], { isCA: true }), { keyUsage: ['digital signature', 'key encipherment', 'cert sign'], extKeyUsage: [] });
  assert.deepEqual(splitUsages(['server auth'], { isCA: true }), { keyUsage: ['cert sign'], extKeyUsage: ['server auth'] });
  assert.deepEqual(splitUsages(['decipher only', 'digital signature', 'signing', 'client auth', 'client auth'], { isCA: false }), {
    keyUsage: ['digital signature', 'decipher only'], extKeyUsage: ['client auth'],
  });
  assert.throws(() => splitUsages(['server-auth'], { isCA: false }), /unknown key usage "server-auth"/);
  assert.equal(keyUsageMask(['digital signature', 'key encipherment']), 0b101);
  assert.equal(keyUsageMask(['decipher only']), 1 << 8);
});

test('usagesFromCertificate reverses the mapping and usagesMatch compares with a spec', () => {
  const names = usagesFromCertificate({ keyUsageBits: 0b100101, extKeyUsageOids: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.4', '1.2.3'] });
  assert.deepEqual(names, ['digital signature', 'key encipherment', 'cert sign', 'server auth', 'email protection', '1.2.3']);
  const cert = usagesFromCertificate({ keyUsageBits: 0b100101, extKeyUsageOids: ['1.3.6.1.5.5.7.3.1'] });
  assert.ok(usagesMatch([], true, usagesFromCertificate({ keyUsageBits: 0b100101, extKeyUsageOids: [] })));
  assert.ok(usagesMatch(['server auth', 'signing', 'key encipherment'], true, cert));
  assert.ok(!usagesMatch(['server auth', 'signing', 'key encipherment'], false, cert));
  assert.ok(!usagesMatch(['server auth'], true, cert));
});

test('IP parsing and formatting follow Go net.ParseIP / ip.String()', () => {
  const cases: [string, string][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fe80::', 'fe80::'],
  ];
  for (const [input, want] of cases) assert.equal(formatIp(parseIp(input)!), want, input);
  for (const bad of ['1.2.3', '01.2.3.4', '256.1.1.1', '1::2::3', 'fe80::1%eth0', '[::1]', '10.0.0.0/8', '1:2:3:4:5:6:7:8:9', '1.2.3.4::', ':1::2', '']) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  assert.equal(ipToSanBytes('::ffff:1.2.3.4').length, 4);
  assert.equal(ipToSanBytes('::1').length, 16);
  assert.throws(() => ipToSanBytes('nope'), /invalid IP address "nope"/);
});
