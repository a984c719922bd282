import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from '../../src/dns/resolver.js';
import { parseResolvConf } from '../../src/dns/resolv-conf.js';
import { challengeRecordName, dns01TxtValue } from '../../src/dns/challenge-record.js';
import { DnsTimeoutError } from '../../src/dns/wire/errors.js';
import { createQuery, encodeMessage } from '../../src/dns/wire/message.js';
import { txtStrings } from '../../src/dns/wire/rdata.js';
import { exchange } from '../../src/dns/wire/transport.js';
import { answer, startFakeDns } from '../helpers/fake-dns.js';
import type { FakeDnsServer } from '../helpers/fake-dns.js';
import { freePort } from '../helpers/ports.js';

const TXT = (value: string) => ({ name: 'a.example.', class: 1, ttl: 60, type: 'TXT' as const, strings: txtStrings(value) });
const servers: FakeDnsServer[] = [];
after(() => Promise.all(servers.map((s) => s.stop())));
async function fake(...args: Parameters<typeof startFakeDns>): Promise<FakeDnsServer> {
  const s = await startFakeDns(...args);
  servers.push(s);
  return s;
}

describe('exchange', () => {
  it('ignores spoofed and garbage UDP datagrams and takes the matching reply', async () => {
    const s = await fake((req) => [
      Buffer.from('garbage'),
      encodeMessage(answer({ ...req, id: (req.id + 1) & 0xffff }, { answers: [TXT('spoofed id')] })),
      encodeMessage(answer(req, { questions: [{ name: 'b.example.', type: 'TXT', class: 1 }], answers: [TXT('wrong question')] })),
      encodeMessage(answer(req, { answers: [TXT('real')] })),
    ]);
    const reply = await exchange(s.endpoint, createQuery('A.Example.', 'TXT'), { timeoutMs: 1000 });
    assert.deepEqual(reply.answers, [TXT('real')]);
  });

  it('retries over TCP when the UDP reply is truncated', async () => {
    const s = await fake((req, transport) =>
      transport === 'udp' ? answer(req, { flags: { ...answer(req).flags, tc: true } }) : answer(req, { answers: [TXT('x'.repeat(3000))] }),
    );
    const reply = await exchange(s.endpoint, createQuery('a.example.', 'TXT'), { timeoutMs: 1000 });
    assert.equal(reply.answers.length, 1);
    assert.deepEqual(s.requests.map((r) => r.transport), ['udp', 'tcp']);
    assert.notEqual(s.requests[0].msg.id, s.requests[1].msg.id, 'fresh random id per attempt');
  });

  it('uses TCP only when asked', async () => {
    const s = await fake((req) => answer(req));
    await exchange(s.endpoint, createQuery('a.example.', 'TXT'), { timeoutMs: 1000, tcp: true });
    assert.deepEqual(s.requests.map((r) => r.transport), ['tcp']);
  });

  it('times out on silence and mentions ignored junk', async () => {
    const s = await fake(() => Buffer.from('junk that is not DNS'));
    const started = Date.now();
    await assert.rejects(exchange(s.endpoint, createQuery('a.example.', 'TXT'), { timeoutMs: 300 }), (e: unknown) => {
      assert.ok(e instanceof DnsTimeoutError);
      assert.match(e.message, /no reply from 127\.0\.0\.1:\d+ within 300 ms \(ignored an unusable reply: malformed reply/);
      return true;
    });
    assert.ok(Date.now() - started < 1000);
  });

  it('stops at once when the caller aborts', async () => {
    const s = await fake(() => null);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('shutting down')), 50);
    await assert.rejects(exchange(s.endpoint, createQuery('a.example.', 'TXT'), { timeoutMs: 5000, signal: ac.signal }), /shutting down/);
  });

  it('fails fast when nothing listens', async () => {
    const port = await freePort({ udp: true });
    await assert.rejects(exchange({ host: '127.0.0.1', port }, createQuery('a.example.', 'TXT'), { timeoutMs: 2000 }), /ECONNREFUSED/);
    await assert.rejects(exchange({ host: '127.0.0.1', port }, createQuery('a.example.', 'TXT'), { timeoutMs: 2000, tcp: true }), /ECONNREFUSED/);
  });
});

describe('Resolver', () => {
  it('moves on from SERVFAIL and silent servers to the next nameserver', async () => {
    const broken = await fake((req) => answer(req, { rcode: 2 }));
    const silent = await fake(() => null);
    const good = await fake((req) => answer(req, { answers: [TXT('ok')] }));
    const r = new Resolver({ nameservers: [broken.endpoint, silent.endpoint, good.endpoint], timeoutMs: 200 });
    const res = await r.query('a.example.', 'TXT');
    assert.equal(res.rcode, 0);
    assert.deepEqual(res.server, good.endpoint);
    assert.equal(broken.requests[0].msg.flags.rd, true);
    const direct = await r.query('a.example.', 'TXT', { server: broken.endpoint, recursionDesired: false });
    assert.equal(direct.rcode, 2, 'an explicit server is asked alone and its rcode returned');
    assert.equal(broken.requests[1].msg.flags.rd, false);
    assert.equal(broken.requests[1].msg.additional[0]?.class, 1232, 'advertises EDNS0 1232');
  });

  it('parses resolv.conf', () => {
    const text = '# comment\nsearch example.com\nnameserver 10.0.0.2\nnameserver  2001:db8::53 # v6\nnameserver bogus\n; x\nnameserver fe80::1%eth0\noptions ndots:2\n';
    assert.deepEqual(parseResolvConf(text), [
      { host: '10.0.0.2', port: 53 },
      { host: '2001:db8::53', port: 53 },
      { host: 'fe80::1%eth0', port: 53 },
    ]);
    assert.deepEqual(parseResolvConf(''), []);
  });
});

describe('challenge record', () => {
  it('names the record from the identifier, wildcard or not', () => {
    assert.equal(challengeRecordName('Example.COM'), '_acme-challenge.example.com.');
    assert.equal(challengeRecordName('*.example.com'), '_acme-challenge.example.com.');
    assert.equal(challengeRecordName('www.example.com.'), '_acme-challenge.www.example.com.');
    assert.throws(() => challengeRecordName('*.'), /invalid DNS-01 identifier/);
  });

  it('hashes the key authorization (RFC 8555 §8.4)', () => {
    const keyAuth = 'evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.nP1qzpXGymHBrUEepNY9HCsQk7K8KhOypzEt62jcerQ';
    assert.equal(dns01TxtValue(keyAuth), 'NGwKoXBgCT8JhEa0bK7AwfSqHyu_ZWeugV07fLGIVq0');
  });
});
