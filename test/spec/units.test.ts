/**
 * The small parsers the validators are built on: Go durations, names, SANs, nameservers,
 * base64 and suggestions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from '../../src/spec/duration.js';
import { decodeBase64Strict } from '../../src/spec/encoding.js';
import { checkLabelName, checkQualifiedKey, checkSubdomain } from '../../src/spec/names.js';
import { checkEmail, normalizeDnsName, normalizeIp } from '../../src/spec/san.js';
import { closest } from '../../src/spec/suggest.js';
import { normalizeNameserver } from '../../src/providers/rfc2136/config.js';

const ok = (r: { ok: boolean; value?: string; ms?: number }) => (r.ok ? (r.value ?? r.ms) : undefined);

describe('parseGoDuration (Go time.ParseDuration)', () => {
  const H = 3_600_000;
  for (const [text, ms] of [
    ['2160h', 2160 * H],
    ['1h30m', 1.5 * H],
    ['90m', 1.5 * H],
    ['1.5h', 1.5 * H],
    ['.5h', 0.5 * H],
    ['300ms', 300],
    ['1h0m0s', H],
    ['-5m', -300_000],
    ['+1s', 1000],
    ['0', 0],
    ['1µs', 0.001],
    ['10us', 0.01],
    ['1000000ns', 1],
  ] as const) {
    it(`${text} = ${ms} ms`, () => assert.equal(ok(parseGoDuration(text)), ms));
  }
  for (const text of ['', '90', '90d', '1w', 'P90D', '1h 30m', 'h', '.h', '1.2.3h', '1H', '9999999999h', '-']) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseGoDuration(text).ok, false));
  }
});

describe('Kubernetes names', () => {
  it('accepts DNS-1123 subdomains and labels', () => {
    for (const n of ['a', 'tls-example.com', 'a.b-c.d', '0', 'x'.repeat(253)]) assert.equal(checkSubdomain(n), undefined, n);
    for (const n of ['default', 'kube-system', 'x'.repeat(63)]) assert.equal(checkLabelName(n), undefined, n);
  });
  it('rejects path-like and non-portable names', () => {
    for (const n of ['', '.', '..', '../x', 'a/b', '/etc/passwd', 'a\\b', 'C:\\x', 'a..b', '-a', 'a-', 'Foo', 'a_b', 'a\0b', 'a\nb', 'a b', 'x'.repeat(254), 'ｆｏｏ', 'con', 'nul.pem', 'com1', 'lpt9.x']) {
      assert.notEqual(checkSubdomain(n), undefined, JSON.stringify(n));
    }
    for (const n of ['a.b', 'x'.repeat(64), 'A']) assert.notEqual(checkLabelName(n), undefined, n);
  });
  it('checks label and annotation keys', () => {
    for (const k of ['app', 'app.kubernetes.io/name', 'a_b.c-d', 'example.com/x']) assert.equal(checkQualifiedKey(k), undefined, k);
    for (const k of ['', '/a', 'a/', 'a/b/c', 'Example.com/x', '-a', `${'x'.repeat(64)}`, 'a b']) assert.notEqual(checkQualifiedKey(k), undefined, k);
  });
});

describe('SANs', () => {
  it('normalises DNS names', () => {
    assert.equal(ok(normalizeDnsName('Example.COM.')), 'example.com');
    assert.equal(ok(normalizeDnsName('*.Example.com')), '*.example.com');
    assert.equal(ok(normalizeDnsName('_sip.example.com')), '_sip.example.com');
    assert.equal(ok(normalizeDnsName('légo.localhost')), 'xn--lgo-bma.localhost');
    assert.equal(ok(normalizeDnsName('localhost')), 'localhost');
    for (const n of ['', '.', '*', '*.', 'a..b', 'a.*.b', '*a.b', 'a_b.c', 'a.-b', '[::1]', '1.2.3.4']) assert.equal(normalizeDnsName(n).ok, false, n);
  });
  it('prints IPs like Go net.IP.String()', () => {
    const cases: Array<[string, string]> = [
      ['192.0.2.1', '192.0.2.1'],
      ['2001:DB8::1', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['::', '::'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['::ffff:c000:201', '192.0.2.1'],
      ['fe80::0001', 'fe80::1'],
    ];
    for (const [input, want] of cases) assert.equal(ok(normalizeIp(input)), want, input);
    for (const n of ['010.0.0.1', '1.2.3', '10.0.0.0/8', 'fe80::1%eth0', '1::2::3', '12345::', 'example.com']) assert.equal(normalizeIp(n).ok, false, n);
  });
  it('accepts bare email addresses only', () => {
    for (const e of ['a@example.com', 'a.b+c@example.com', 'root@localhost']) assert.equal(ok(checkEmail(e)), e);
    for (const e of ['Name <a@example.com>', '<a@example.com>', 'a@', '@a', 'a b@example.com', 'a@@b', '"a"@b.com']) assert.equal(checkEmail(e).ok, false, e);
  });
});

describe('rfc2136 nameserver (cert-manager ValidNameserver)', () => {
  for (const [input, want] of [
    ['ns.example.com', 'ns.example.com:53'],
    ['ns.example.com:5353', 'ns.example.com:5353'],
    ['192.0.2.53', '192.0.2.53:53'],
    ['192.0.2.53:', '192.0.2.53:53'],
    ['[2001:db8::53]', '[2001:db8::53]:53'],
    ['[2001:db8::53]:53', '[2001:db8::53]:53'],
    [' ns.example.com ', 'ns.example.com:53'],
  ] as const) {
    it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(ok(normalizeNameserver(input)), want));
  }
  for (const input of ['', '::1', '2001:db8::53', ':53', '[ns.example.com]:53', 'ns:0', 'ns:65536', 'ns:abc', 'a b']) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.equal(normalizeNameserver(input).ok, false));
  }
});

describe('helpers', () => {
  it('decodes strict standard base64 only', () => {
    assert.deepEqual(decodeBase64Strict('YWJj'), Buffer.from('abc'));
    assert.deepEqual(decodeBase64Strict('YW\nJj\r\n'), Buffer.from('abc'));
    assert.deepEqual(decodeBase64Strict(''), Buffer.alloc(0));
    for (const s of ['YWJ', 'YW=j', 'YWJj!', 'YW Jj', 'YWJj====', '-_-_']) assert.equal(decodeBase64Strict(s), undefined, s);
  });
  it('suggests near misses only', () => {
    assert.equal(closest('renewBefor', ['renewBefore', 'duration']), 'renewBefore');
    assert.equal(closest('dnsname', ['dnsNames', 'uris']), 'dnsNames');
    assert.equal(closest('foo', ['renewBefore', 'duration']), undefined);
  });
});
