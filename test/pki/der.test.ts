import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bitString, bool, DerError, explicit, ia5, implicit, int, nullValue, octetString, oid, printable, readDer, seq, set, time, utf8,
} from '../../src/pki/der.js';
import { readBitString, readBoolean, readInteger, readOid, readString, readTime } from '../../src/pki/der-values.js';

const hex = (b: Buffer): string => b.toString('hex');

test('int encodes two\'s complement minimally', () => {
  const cases: [bigint | number, string][] = [
    [0, '020100'], [127, '02017f'], [128, '02020080'], [255, '020200ff'], [256, '02020100'],
    [-1, '0201ff'], [-128, '020180'], [-129, '0202ff7f'], [2n ** 64n, '0209010000000000000000'],
  ];
  for (const [v, want] of cases) {
    assert.equal(hex(int(v)), want, `int(${v})`);
    assert.equal(readInteger(readDer(int(v)), 'x'), BigInt(v));
  }
});

test('int(Buffer) is an unsigned magnitude and keeps DER serial content stable', () => {
  assert.equal(hex(int(Buffer.from([0x80, 1]))), '0203008001');
  assert.equal(hex(int(Buffer.from([0, 0, 5]))), '020105');
  assert.equal(hex(int(Buffer.from([0, 0x80, 1]))), '0203008001');
  assert.equal(hex(int(Buffer.alloc(0))), '020100');
});

test('oid encodes arcs, including large ones', () => {
  assert.equal(hex(oid('2.5.29.17')), '0603551d11');
  assert.equal(hex(oid('1.2.840.113549.1.1.11')), '06092a864886f70d01010b');
  assert.equal(hex(oid('2.999.3')), '0603883703');
  const big = '2.25.329800735698586629295641978511506172918';
  assert.equal(readOid(readDer(oid(big)), 'x'), big);
  for (const o of ['1.3.6.1.4.1.311.10.3.3', '0.9.2342.19200300.100.1.25', '2.16.840.1.113730.4.1']) {
    assert.equal(readOid(readDer(oid(o)), 'x'), o);
  }
  assert.throws(() => oid('1.40'), DerError);
  assert.throws(() => oid('3.1'), DerError);
  assert.throws(() => oid('1.02'), DerError);
});

test('time switches from UTCTime to GeneralizedTime at 2050 and truncates milliseconds', () => {
  assert.equal(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999))).toString('latin1', 2), '491231235959Z');
  assert.equal(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))).at(0), 0x17);
  const g = time(new Date(Date.UTC(2050, 0, 1)));
  assert.equal(g.at(0), 0x18);
  assert.equal(g.toString('latin1', 2), '20500101000000Z');
  assert.equal(time(new Date(Date.UTC(1949, 5, 1))).at(0), 0x18);
  assert.equal(time(new Date(Date.UTC(1950, 5, 1))).toString('latin1', 2), '500601000000Z');
  for (const d of [new Date(Date.UTC(1999, 1, 28, 1, 2, 3)), new Date(Date.UTC(2050, 6, 4)), new Date(Date.UTC(9999, 11, 31))]) {
    assert.equal(readTime(readDer(time(d)), 't').getTime(), d.getTime());
  }
  assert.throws(() => time(new Date(NaN)), DerError);
});

test('readTime rejects malformed and impossible times', () => {
  const bad = (tag: number, s: string): Buffer => Buffer.concat([Buffer.from([tag, s.length]), Buffer.from(s)]);
  for (const b of [bad(0x17, '2402301200Z'), bad(0x17, '240230120000Z'), bad(0x17, '240101120000+0100'), bad(0x18, '20240101120000.0Z')]) {
    assert.throws(() => readTime(readDer(b), 't'), DerError);
  }
  assert.equal(readTime(readDer(bad(0x18, '20240101120000.5Z')), 't').getUTCMilliseconds(), 500);
});

test('strings, bit strings, booleans, null, octet strings', () => {
  assert.equal(hex(utf8('é')), '0c02c3a9');
  assert.equal(hex(printable('US')), '13025553');
  assert.throws(() => printable('a@b'), DerError);
  assert.throws(() => ia5('bücher.example'), DerError);
  assert.equal(hex(ia5('a.b')), '1603612e62');
  assert.equal(hex(bitString(Buffer.from([0xa0]), 5)), '030205a0');
  assert.deepEqual(readBitString(readDer(bitString(Buffer.from([0xa0]), 5)), 'b'), { unusedBits: 5, bytes: Buffer.from([0xa0]) });
  assert.throws(() => bitString(Buffer.alloc(0), 1), DerError);
  assert.equal(hex(bool(true)), '0101ff');
  assert.equal(readBoolean(readDer(bool(false)), 'b'), false);
  assert.equal(hex(nullValue()), '0500');
  assert.equal(hex(octetString(Buffer.from([1, 2]))), '04020102');
  assert.equal(readString(readDer(utf8('日本')), 's'), '日本');
  assert.equal(readString(readDer(Buffer.from('1e0400e90041', 'hex')), 's'), 'éA'); // BMPString
});

test('set sorts (DER SET OF), seq keeps order, explicit/implicit re-tag', () => {
  assert.equal(hex(set(int(2), int(1))), '3106020101020102');
  assert.equal(hex(seq(int(2), int(1))), '3006020102020101');
  assert.equal(hex(explicit(0, int(2))), 'a003020102');
  assert.equal(hex(implicit(2, ia5('a'))), '820161');
  assert.equal(hex(implicit(0, seq(int(1)), true)), 'a003020101');
});

test('long lengths encode and decode', () => {
  for (const n of [127, 128, 255, 256, 70000]) {
    const enc = octetString(Buffer.alloc(n, 7));
    const node = readDer(enc);
    assert.equal(node.value.length, n);
    assert.equal(node.header.length, n < 128 ? 2 : n < 256 ? 3 : n < 65536 ? 4 : 5);
  }
});

test('readDer builds a tree with header/value/raw views', () => {
  const der = seq(int(1), seq(utf8('x'), explicit(3, nullValue())));
  const root = readDer(der);
  assert.equal(root.tag, 16);
  assert.equal(root.constructed, true);
  assert.equal(root.cls, 'universal');
  assert.equal(root.children!.length, 2);
  const inner = root.children![1]!;
  assert.equal(inner.children![1]!.cls, 'context');
  assert.equal(inner.children![1]!.tag, 3);
  assert.deepEqual(inner.raw, seq(utf8('x'), explicit(3, nullValue())));
  assert.deepEqual(Buffer.concat([root.header, root.value]), der);
});

test('readDer rejects truncation, indefinite length, trailing data and bad lengths', () => {
  const good = seq(int(1), utf8('hello'));
  for (let cut = 0; cut < good.length; cut++) {
    assert.throws(() => readDer(good.subarray(0, cut)), DerError, `truncated at ${cut}`);
  }
  assert.throws(() => readDer(Buffer.from('3080020101 0000'.replace(' ', ''), 'hex')), /indefinite/);
  assert.throws(() => readDer(Buffer.concat([good, Buffer.from([0])])), /trailing/);
  assert.throws(() => readDer(Buffer.from('04810100', 'hex')), /non-minimal/); // 1 byte in long form
  assert.throws(() => readDer(Buffer.from('0482000100', 'hex')), /non-minimal/);
  assert.throws(() => readDer(Buffer.from('0485000000000100', 'hex')), /too large/);
  assert.throws(() => readDer(Buffer.from('0484ffffffff00', 'hex')), /truncated/);
  assert.throws(() => readDer(Buffer.from('3003020101ff', 'hex')), DerError); // child overruns parent
  assert.throws(() => readDer(Buffer.from('2403040100', 'hex')), /primitive/); // constructed OCTET STRING (BER)
  assert.throws(() => readDer(Buffer.from('1000', 'hex')), /constructed/); // primitive SEQUENCE
  assert.throws(() => readDer(Buffer.alloc(0)), /truncated/);
});

test('readDer bounds nesting depth', () => {
  let deep = nullValue();
  for (let i = 0; i < 40; i++) deep = seq(deep);
  assert.throws(() => readDer(deep), /nesting deeper than 32/);
  assert.doesNotThrow(() => readDer(deep, { maxDepth: 64 }));
  // A long run of nested SEQUENCE headers claiming huge lengths must not recurse unboundedly.
  const bomb = Buffer.alloc(200_000, 0x30);
  assert.throws(() => readDer(bomb), DerError);
});

test('readInteger and readOid reject non-minimal encodings', () => {
  assert.throws(() => readInteger(readDer(Buffer.from('02020001', 'hex')), 'i'), /minimally/);
  assert.throws(() => readInteger(readDer(Buffer.from('0202ff80', 'hex')), 'i'), /minimally/);
  assert.throws(() => readOid(readDer(Buffer.from('0603808001', 'hex')), 'o'), DerError);
  assert.throws(() => readOid(readDer(Buffer.from('06022a86', 'hex')), 'o'), /malformed/);
});
