import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRfc2136Provider, parseNameserver } from '../../src/providers/rfc2136/provider.js';
import type { Rfc2136Options } from '../../src/providers/rfc2136/provider.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { startFakeDns } from '../helpers/fake-dns.js';
import { runProviderConformance } from './conformance.js';
import type { ConformanceSetup } from './conformance.js';

const skip = skipUnlessInstalled(['named', 'nsupdate'], 'bind9 bind9-dnsutils');

// One BIND for the whole file, started on first use.
let bindStarted: Promise<BindServer> | undefined;
const getBind = (): Promise<BindServer> => (bindStarted ??= startBind());
after(async () => {
  if (bindStarted) await (await bindStarted).stop();
});

async function bindSetup(options: (b: BindServer) => Omit<Rfc2136Options, 'nameserver'>): Promise<ConformanceSetup> {
  const bind = await getBind();
  const resolver = bind.resolver();
  return {
    provider: createRfc2136Provider({ nameserver: `127.0.0.1:${bind.port}`, ...options(bind) }),
    zone: 'example.test.',
    readTxt: (fqdn) => bind.txt(fqdn),
    seedTxt: (fqdn, value) => bind.nsupdate([`update add ${fqdn} 300 TXT "${value}"`]),
    readTtl: async (fqdn) => (await resolver.query(fqdn, 'TXT', { recursionDesired: false })).answers[0]?.ttl,
    settleTimeoutMs: 0,
  };
}

runProviderConformance('rfc2136 HMACSHA256 over UDP', () => bindSetup((b) => b.tsig), { skip });
runProviderConformance(
  'rfc2136 default algorithm (HMACMD5) over TCP',
  () => bindSetup((b) => ({ tsigKeyName: b.keys.HMACMD5.tsigKeyName, tsigSecret: b.keys.HMACMD5.tsigSecret, protocol: 'tcp' })),
  { skip },
);

describe('rfc2136 provider against BIND', { skip }, () => {
  let bind: BindServer;
  before(async () => {
    bind = await getBind();
  });
  const rec = (value: string, fqdn = '_acme-challenge.errors.example.test.') => ({ fqdn, zone: 'example.test.', value, ttl: 60 });
  const ns = () => `127.0.0.1:${bind.port}`;

  it('rejects a wrong secret with BADSIG, writes nothing and never shows the secret', async () => {
    const secret = randomBytes(32).toString('base64');
    const p = createRfc2136Provider({ nameserver: ns(), ...bind.tsig, tsigSecret: secret });
    await assert.rejects(p.present(rec('bad-secret')), (e: Error) => {
      assert.match(e.message, /^rfc2136: cannot add TXT "bad-secret" at _acme-challenge\.errors\.example\.test\. .*BADSIG.*secret does not match/);
      assert.ok(!e.message.includes(secret) && !e.message.includes(bind.tsig.tsigSecret));
      return true;
    });
    assert.deepEqual(await bind.txt('_acme-challenge.errors.example.test.'), []);
  });

  it('rejects an unknown key with BADKEY', async () => {
    const p = createRfc2136Provider({ nameserver: ns(), ...bind.tsig, tsigKeyName: 'nobody-knows-me' });
    await assert.rejects(p.present(rec('bad-key')), /^Error: rfc2136: .*server does not know key nobody-knows-me\. .*BADKEY/);
  });

  it('explains REFUSED (no key) and NOTAUTH (zone not served)', async () => {
    await assert.rejects(createRfc2136Provider({ nameserver: ns() }).present(rec('no-key')), /REFUSED \(the server refused the request \(for updates: check allow-update/);
    const p = createRfc2136Provider({ nameserver: ns(), ...bind.tsig });
    await assert.rejects(p.present({ ...rec('x', '_acme-challenge.nothere.test.'), zone: 'nothere.test.' }), /NOTAUTH \(the server is not authoritative/);
    await assert.rejects(p.present({ ...rec('x', '_acme-challenge.other.test.') }), /rfc2136: cannot add .*the name is not inside the zone/);
  });

  it('round-trips a value longer than 255 bytes and works with every algorithm', async () => {
    const long = 'L'.repeat(300);
    const fqdn = '_acme-challenge.long.example.test.';
    for (const alg of ['HMACSHA1', 'HMACSHA512'] as const) {
      const p = createRfc2136Provider({ nameserver: ns(), ...bind.keys[alg], tsigAlgorithm: alg.toLowerCase() });
      await p.present(rec(long, fqdn));
      assert.deepEqual(await bind.txt(fqdn), [long]);
      await p.cleanUp(rec(long, fqdn));
      assert.deepEqual(await bind.txt(fqdn), []);
    }
  });
});

describe('rfc2136 configuration', () => {
  it('parses nameserver addresses', () => {
    assert.deepEqual(parseNameserver('ns.example.com'), { host: 'ns.example.com', port: 53 });
    assert.deepEqual(parseNameserver(' 192.0.2.1:5353 '), { host: '192.0.2.1', port: 5353 });
    assert.deepEqual(parseNameserver('[2001:db8::1]:53'), { host: '2001:db8::1', port: 53 });
    assert.deepEqual(parseNameserver('[::1]'), { host: '::1', port: 53 });
    assert.throws(() => parseNameserver(''), /^Error: rfc2136: nameserver is empty/);
    assert.throws(() => parseNameserver('2001:db8::53'), /ambiguous: write IPv6 addresses in brackets, e\.g\. \[2001:db8::53\]:53/);
    assert.throws(() => parseNameserver('host:99999'), /invalid port "99999"/);
    assert.throws(() => parseNameserver('host:'), /invalid port ""/);
    assert.throws(() => parseNameserver('[not-v6]:53'), /not a valid \[IPv6\]:port/);
    assert.throws(() => parseNameserver('bad host:53'), /invalid host/);
  });

  it('validates TSIG settings without echoing the secret', () => {
    const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=';
    const make = (o: Partial<Rfc2136Options>) => () => createRfc2136Provider({ nameserver: '127.0.0.1', ...o });
    assert.throws(make({ tsigKeyName: 'k', tsigSecret: secret, tsigAlgorithm: 'HMACSHA384' }), /unsupported tsigAlgorithm "HMACSHA384"; use one of HMACMD5, HMACSHA1, HMACSHA256, HMACSHA512/);
    assert.throws(make({ tsigKeyName: 'k', tsigSecret: 'not base64 at all!' }), (e: Error) => /tsigSecret is not valid base64/.test(e.message) && !e.message.includes('not base64 at all'));
    assert.throws(make({ tsigKeyName: 'k' }), /tsigKeyName "k" is set but tsigSecret is empty/);
    assert.throws(make({ tsigSecret: secret }), (e: Error) => /tsigSecret is set but tsigKeyName is empty/.test(e.message) && !e.message.includes(secret));
    assert.throws(make({ protocol: 'QUIC' }), /protocol must be UDP or TCP/);
    assert.equal(make({ tsigKeyName: 'k', tsigSecret: secret, tsigAlgorithm: 'hmacsha256', protocol: 'tcp' })().name, 'rfc2136');
  });

  it('times out against a silent server with a clear error', async () => {
    const silent = await startFakeDns(() => null);
    try {
      const p = createRfc2136Provider({ nameserver: `127.0.0.1:${silent.endpoint.port}`, timeoutMs: 200 });
      await assert.rejects(p.present({ fqdn: 'a.example.test.', zone: 'example.test.', value: 'v', ttl: 60 }), /^Error: rfc2136: cannot add .*no reply from 127\.0\.0\.1:\d+ within 200 ms/);
      assert.equal(silent.requests[0].msg.flags.opcode, 5);
      assert.equal(silent.requests[0].msg.authority[0].class, 1);
    } finally {
      await silent.stop();
    }
  });
});
