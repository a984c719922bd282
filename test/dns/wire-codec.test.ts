import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createQuery, createUpdate, decodeMessage, encodeMessage, ednsRecord } from '../../src/dns/wire/message.js';
import { DnsFormatError } from '../../src/dns/wire/errors.js';
import { ancestors, isSubdomain, namesEqual, normalizeName } from '../../src/dns/wire/name.js';
import { txtStrings, txtValue } from '../../src/dns/wire/rdata.js';
import { signMessage } from '../../src/dns/wire/tsig.js';
import type { DnsMessage, ResourceRecord } from '../../src/dns/wire/types.js';

const FLAGS = { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, ad: false, cd: false };

function header(id: number, counts: [number, number, number, number], flags = 0x8400): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => b.writeUInt16BE(c, 4 + i * 2));
  return b;
}

/** `example.com.` in wire form. */
const EXAMPLE = Buffer.from([7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0]);

describe('message codec', () => {
  it('round-trips every supported record type', () => {
    const answers: ResourceRecord[] = [
      { name: 'Example.com.', class: 1, ttl: 60, type: 'A', address: '192.0.2.1' },
      { name: 'example.com.', class: 1, ttl: 60, type: 'AAAA', address: '2001:db8::1' },
      { name: 'example.com.', class: 1, ttl: 60, type: 'AAAA', address: '::ffff:192.0.2.1' },
      { name: 'example.com.', class: 1, ttl: 3600, type: 'NS', host: 'ns1.example.com.' },
      { name: 'www.example.com.', class: 1, ttl: 60, type: 'CNAME', target: 'example.com.' },
      { name: 'example.com.', class: 1, ttl: 60, type: 'SOA', mname: 'ns1.example.com.', rname: 'host\\.master.example.com.', serial: 4294967295, refresh: 3600, retry: 600, expire: 86400, minimum: 1 },
      { name: '_acme-challenge.example.com.', class: 1, ttl: 60, type: 'TXT', strings: ['part one', '', 'pärt twö'] },
      { name: 'example.com.', class: 1, ttl: 60, type: 99, rdata: Buffer.from([1, 2, 3]) },
    ];
    const msg: DnsMessage = {
      id: 0xbeef,
      flags: FLAGS,
      rcode: 3,
      questions: [{ name: 'example.com.', type: 'TXT', class: 1 }, { name: 'x.example.', type: 12345, class: 1 }],
      answers,
      authority: [{ name: 'example.com.', class: 1, ttl: 60, type: 'NS', host: 'ns2.example.com.' }],
      additional: [ednsRecord()],
    };
    const back = decodeMessage(encodeMessage(msg));
    assert.deepEqual(back, msg);
  });

  it('names TXT values by joining their character-strings and splits long values at 255 bytes', () => {
    const long = 'a'.repeat(600);
    assert.deepEqual(txtStrings(long).map((s) => s.length), [255, 255, 90]);
    assert.equal(txtValue(txtStrings(long)), long);
    const wide = 'é'.repeat(200); // 400 bytes: must not cut a character in half
    const parts = txtStrings(wide);
    assert.ok(parts.every((p) => Buffer.byteLength(p) <= 255));
    assert.equal(txtValue(parts), wide);
    const rr: ResourceRecord = { name: 'a.example.', class: 1, ttl: 1, type: 'TXT', strings: txtStrings(long) };
    const back = decodeMessage(encodeMessage({ ...createQuery('a.example.', 'TXT'), answers: [rr] }));
    assert.equal(back.answers[0].type === 'TXT' && txtValue(back.answers[0].strings), long);
    assert.throws(() => encodeMessage({ ...createQuery('a.example.', 'TXT'), answers: [{ ...rr, strings: [long] }] }), DnsFormatError);
  });

  it('encodes queries and updates with the expected header bits', () => {
    const q = encodeMessage({ ...createQuery('example.com', 'SOA', { recursionDesired: false }), id: 7 });
    assert.equal(q.readUInt16BE(2), 0x0000);
    assert.equal(q.readUInt16BE(10), 1, 'OPT record in additional');
    const u = decodeMessage(encodeMessage(createUpdate('example.com.', [{ name: 'a.example.com.', class: 254, ttl: 0, type: 'TXT', strings: ['v'] }])));
    assert.equal(u.flags.opcode, 5);
    assert.deepEqual(u.questions, [{ name: 'example.com.', type: 'SOA', class: 1 }]);
    assert.equal(u.authority[0].class, 254);
  });

  it('combines the extended rcode from OPT', () => {
    const msg = { ...createQuery('example.com.', 'A'), additional: [{ ...ednsRecord(), ttl: 1 << 24 }] };
    assert.equal(decodeMessage(encodeMessage(msg)).rcode, 16);
  });

  it('follows compression pointers and keeps empty-RDATA update records opaque', () => {
    // question example.com. A IN; answer at pointer 12, A 192.0.2.7; then class NONE, empty RDATA
    const body = Buffer.concat([
      EXAMPLE, Buffer.from([0, 1, 0, 1]),
      Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]),
      Buffer.from([3, ...Buffer.from('www'), 0xc0, 12, 0, 16, 0, 254, 0, 0, 0, 0, 0, 0]),
    ]);
    const msg = decodeMessage(Buffer.concat([header(1, [1, 2, 0, 0]), body]));
    assert.deepEqual(msg.answers[0], { name: 'example.com.', class: 1, ttl: 60, type: 'A', address: '192.0.2.7' });
    assert.equal(msg.answers[1].name, 'www.example.com.');
    assert.deepEqual(msg.answers[1].type, 16);
  });

  it('escapes unusual label bytes and normalizes names', () => {
    const rr: ResourceRecord = { name: 'a\\.b\\032c.example.', class: 1, ttl: 1, type: 'CNAME', target: 'x.example.' };
    assert.equal(decodeMessage(encodeMessage({ ...createQuery('q.', 'A'), answers: [rr] })).answers[0].name, 'a\\.b\\032c.example.');
    assert.equal(normalizeName('WWW.Example.COM'), 'www.example.com.');
    assert.equal(normalizeName('.'), '.');
    assert.ok(namesEqual('Example.com', 'example.COM.'));
    assert.deepEqual(ancestors('a.b.c'), ['a.b.c.', 'b.c.', 'c.']);
    assert.ok(isSubdomain('x.example.com.', 'example.com'));
    assert.ok(!isSubdomain('xexample.com.', 'example.com'));
    assert.throws(() => normalizeName(`${'a'.repeat(64)}.com`), /label longer than 63/);
    assert.throws(() => normalizeName(`${'abcdefghi.'.repeat(26)}com`), /longer than 255/);
    assert.throws(() => normalizeName('a..b'), /empty label/);
  });
});

describe('malformed packets are rejected', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['a short header', Buffer.from([0, 1, 0x84]), /shorter than a DNS header/],
    ['a question count beyond the packet', header(1, [65535, 0, 0, 0]), /truncated/],
    ['an answer count beyond the packet', Buffer.concat([header(1, [0, 3, 0, 0]), EXAMPLE]), /truncated/],
    ['a pointer to itself', Buffer.concat([header(1, [1, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]), /does not point backwards/],
    ['a forward pointer', Buffer.concat([header(1, [1, 0, 0, 0]), Buffer.from([0xc0, 14, 0, 1, 0, 1])]), /does not point backwards/],
    // label "a" then a pointer back to that label: a loop unless pointers must precede the segment
    ['a two-step pointer loop', Buffer.concat([header(1, [1, 0, 0, 0]), Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])]), /does not point backwards/],
    ['an extended label type', Buffer.concat([header(1, [1, 0, 0, 0]), Buffer.from([0x41, 0, 0, 1, 0, 1])]), /unsupported label type/],
    ['a label running past the end', Buffer.concat([header(1, [1, 0, 0, 0]), Buffer.from([20, 0x61])]), /truncated label/],
    ['RDLENGTH past the end', Buffer.concat([header(1, [0, 1, 0, 0]), Buffer.from([0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 200, 1])]), /truncated packet: RDATA/],
    ['an A record of 5 bytes', Buffer.concat([header(1, [0, 1, 0, 0]), Buffer.from([0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5])]), /A record with 5-byte RDATA/],
    ['a CNAME whose name overruns its RDATA', Buffer.concat([header(1, [0, 1, 0, 0]), Buffer.from([0, 0, 5, 0, 1, 0, 0, 0, 1, 0, 1]), EXAMPLE]), /RDATA of type CNAME is 1 bytes/],
    ['a TXT string overrunning its RDATA', Buffer.concat([header(1, [0, 1, 0, 0]), Buffer.from([0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, 0x61])]), /runs past its RDATA/],
    ['trailing bytes', Buffer.concat([header(1, [0, 0, 0, 0]), Buffer.from([0])]), /trailing bytes/],
    ['two OPT records', Buffer.concat([header(1, [0, 0, 0, 2]), Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0, 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0])]), /duplicate OPT/],
  ];
  for (const [what, packet, message] of cases) {
    it(`rejects ${what}`, () => assert.throws(() => decodeMessage(packet), (e: unknown) => e instanceof DnsFormatError && message.test(e.message)));
  }

  it('rejects a name longer than 255 bytes built from pointers', () => {
    // Answer 1 is an opaque type-99 record whose RDATA holds five 60-byte labels, each followed
    // by a pointer to the previous one; answer 2's name points at the last: 305 bytes in all.
    const segments: Buffer[] = [];
    let offset = 12 + 11;
    let prev = -1;
    for (let i = 0; i < 5; i++) {
      const end = prev < 0 ? Buffer.from([0]) : Buffer.from([0xc0 | (prev >> 8), prev & 0xff]);
      const seg = Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61), end]);
      segments.push(seg);
      prev = offset;
      offset += seg.length;
    }
    const rdata = Buffer.concat(segments);
    const rr1 = Buffer.concat([Buffer.from([0, 0, 99, 0, 1, 0, 0, 0, 1, rdata.length >> 8, rdata.length & 0xff]), rdata]);
    const rr2 = Buffer.from([0xc0 | (prev >> 8), prev & 0xff, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
    assert.throws(() => decodeMessage(Buffer.concat([header(1, [0, 2, 0, 0]), rr1, rr2])), /name longer than 255/);
  });

  it('rejects a TSIG record that is not last', () => {
    const query = encodeMessage({ ...createQuery('example.com.', 'A', { edns: false }), id: 9 });
    const { wire } = signMessage(query, { name: 'k.', algorithm: 'hmac-sha256.', secret: Buffer.alloc(32) }, { timeSigned: 1 });
    const withOpt = Buffer.concat([wire, encodeMessage({ ...createQuery('x.', 'A'), questions: [] }).subarray(12)]);
    withOpt.writeUInt16BE(2, 10);
    assert.throws(() => decodeMessage(withOpt), /TSIG record is not the last/);
    assert.equal(decodeMessage(wire).tsigOffset, query.length);
  });

  it('never hangs or throws anything but DnsFormatError on mutated and truncated packets', () => {
    const base = encodeMessage({
      ...createQuery('_acme-challenge.example.com.', 'TXT'),
      answers: [
        { name: '_acme-challenge.example.com.', class: 1, ttl: 60, type: 'TXT', strings: ['abc', 'def'] },
        { name: 'example.com.', class: 1, ttl: 60, type: 'SOA', mname: 'ns.example.com.', rname: 'h.example.com.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
      ],
    });
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      const p = Buffer.from(base.subarray(0, i % 7 === 0 ? i % base.length : base.length));
      const flips = randomBytes(4);
      for (let j = 0; j < 1 + (flips[0] % 4); j++) if (p.length > 0) p[flips[j] % p.length] = randomBytes(1)[0];
      try {
        decodeMessage(p);
      } catch (e) {
        assert.ok(e instanceof DnsFormatError, `unexpected ${String(e)}`);
      }
    }
    assert.ok(Date.now() - started < 5000);
  });
});
