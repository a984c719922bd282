import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { followCnames } from '../../src/dns/cname.js';
import { authoritativeNameservers, findZone } from '../../src/dns/zone.js';
import { Resolver } from '../../src/dns/resolver.js';
import { startBind } from '../helpers/bind.js';
import type { BindServer } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { answer, startFakeDns } from '../helpers/fake-dns.js';

describe('zone detection and CNAMEs against BIND', { skip: skipUnlessInstalled(['named'], 'bind9') }, () => {
  let bind: BindServer;
  let resolver: Resolver;
  before(async () => {
    bind = await startBind();
    resolver = bind.resolver();
  });
  after(() => bind?.stop());

  const cases: [string, string][] = [
    ['_acme-challenge.example.test', 'example.test.'],
    ['WWW.Example.TEST.', 'example.test.'],
    ['example.test.', 'example.test.'],
    ['a.b.c.other.test.', 'other.test.'],
    ['_acme-challenge.sub.example.test.', 'sub.example.test.'],
    ['_acme-challenge.cname.example.test.', 'example.test.'],
    ['_acme-challenge.delegated.test.', 'delegated.test.'],
  ];
  for (const [fqdn, zone] of cases) {
    it(`finds ${zone} for ${fqdn}`, async () => assert.equal(await findZone(fqdn, resolver), zone));
  }

  it('fails for a name outside every zone, naming the rcode', async () => {
    await assert.rejects(findZone('www.unknown.invalid.', resolver), /could not find the zone .*www\.unknown\.invalid\..*REFUSED/);
  });

  it('ignores an SOA that is only in the Authority section', async () => {
    // NODATA with the parent's SOA in Authority at every level except the apex, like a real server
    const fake = await startFakeDns((req) => {
      const name = req.questions[0].name;
      const soa = { name: 'zone.test.', class: 1, ttl: 60, type: 'SOA' as const, mname: 'ns.zone.test.', rname: 'h.zone.test.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 };
      return name === 'zone.test.' ? answer(req, { answers: [soa] }) : answer(req, { authority: [soa] });
    });
    try {
      const viaFake = new Resolver({ nameservers: [fake.endpoint], timeoutMs: 500 });
      assert.equal(await findZone('a.b.zone.test.', viaFake), 'zone.test.');
      assert.deepEqual(fake.requests.map((q) => q.msg.questions[0].name), ['a.b.zone.test.', 'b.zone.test.', 'zone.test.']);
    } finally {
      await fake.stop();
    }
  });

  it('lists authoritative nameservers with resolved addresses, port override and mapper', async () => {
    assert.deepEqual(await authoritativeNameservers('example.test', resolver), [{ name: 'ns1.example.test.', addresses: [{ host: '127.0.0.1', port: 53 }] }]);
    assert.deepEqual(await authoritativeNameservers('example.test', resolver, { nsPort: bind.port }), [
      { name: 'ns1.example.test.', addresses: [{ host: '127.0.0.1', port: bind.port }] },
    ]);
    const mapped = await authoritativeNameservers('sub.example.test.', resolver, { mapNameserver: (n) => (n === 'ns1.sub.example.test.' ? [{ host: '::1', port: 5 }] : undefined) });
    assert.deepEqual(mapped, [{ name: 'ns1.sub.example.test.', addresses: [{ host: '::1', port: 5 }] }]);
  });

  it('follows a CNAME into the delegation target zone', async () => {
    assert.equal(await followCnames('_acme-challenge.cname.example.test', resolver), '_acme-challenge.delegated.test.');
    assert.equal(await followCnames('_acme-challenge.Example.test.', resolver), '_acme-challenge.example.test.', 'NXDOMAIN ends the chain');
    assert.equal(await followCnames('www.example.test.', resolver), 'www.example.test.', 'no CNAME');
  });

  it('reports a CNAME loop and an over-long chain with the chain', async () => {
    await assert.rejects(
      followCnames('_acme-challenge.loop-a.example.test.', resolver),
      /CNAME loop .*: _acme-challenge\.loop-a\.example\.test\. -> _acme-challenge\.loop-b\.example\.test\. -> _acme-challenge\.loop-a\.example\.test\./,
    );
    await assert.rejects(followCnames('_acme-challenge.cname.example.test.', resolver, 0), /longer than 0 hops: _acme-challenge\.cname\.example\.test\. -> _acme-challenge\.delegated\.test\./);
  });
});
