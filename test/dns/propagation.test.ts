import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PropagationTimeoutError, waitForPropagation } from '../../src/dns/propagation.js';
import type { PropagationOptions } from '../../src/dns/propagation.js';
import { Resolver } from '../../src/dns/resolver.js';
import type { Endpoint } from '../../src/dns/wire/transport.js';
import { createRfc2136Provider } from '../../src/providers/rfc2136/provider.js';
import { DEFAULT_ZONES, startBind } from '../helpers/bind.js';
import type { BindServer, BindZone } from '../helpers/bind.js';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { answer, startFakeDns } from '../helpers/fake-dns.js';
import type { FakeDnsServer } from '../helpers/fake-dns.js';

/** lag.test has four NS: BIND A (gets updates), BIND B (a stale copy), a REFUSING and a silent server. */
const LAG_ZONE: BindZone = { name: 'lag.test', nameservers: ['ns1.lag.test.', 'ns2.lag.test.', 'ns3.lag.test.', 'ns4.lag.test.'] };

describe('propagation check against BIND', { skip: skipUnlessInstalled(['named'], 'bind9') }, () => {
  let bind: BindServer;
  let stale: BindServer;
  let refusing: FakeDnsServer;
  let silent: FakeDnsServer;
  before(async () => {
    [bind, stale, refusing, silent] = await Promise.all([
      startBind({ zones: [...DEFAULT_ZONES, LAG_ZONE] }),
      startBind({ zones: [LAG_ZONE] }),
      startFakeDns((req) => answer(req, { rcode: 5, flags: { ...answer(req).flags, aa: false } })),
      startFakeDns(() => null),
    ]);
  });
  after(() => Promise.all([bind?.stop(), stale?.stop(), refusing?.stop(), silent?.stop()]));

  const present = (fqdn: string, zone: string, value: string) =>
    createRfc2136Provider({ nameserver: `127.0.0.1:${bind.port}`, ...bind.tsig }).present({ fqdn, zone, value, ttl: 60 });
  const base = (patch: Partial<PropagationOptions>): PropagationOptions => ({
    fqdn: '',
    value: '',
    resolver: bind.resolver(300),
    timeoutMs: 800,
    intervalMs: 50,
    mapNameserver: (n) => bind.mapNameserver(n),
    ...patch,
  });

  it('succeeds once every authoritative server has the value', async () => {
    await present('_acme-challenge.example.test.', 'example.test.', 'other-value');
    await present('_acme-challenge.example.test.', 'example.test.', 'our-value');
    const logs: string[] = [];
    const r = await waitForPropagation(base({ fqdn: '_acme-challenge.example.test.', value: 'our-value', log: (m) => logs.push(m) }));
    assert.equal(r.zone, 'example.test.');
    assert.deepEqual(r.servers.map((s) => [s.server, s.ok]), [[`ns1.example.test. (127.0.0.1:${bind.port})`, true]]);
    assert.ok(logs.some((l) => /visible on all servers/.test(l)));
  });

  it('follows the CNAME to the delegation target and polls until the value appears', async () => {
    setTimeout(() => void present('_acme-challenge.delegated.test.', 'delegated.test.', 'late'), 250);
    const started = Date.now();
    const r = await waitForPropagation(base({ fqdn: '_acme-challenge.cname.example.test.', value: 'late', timeoutMs: 3000 }));
    assert.equal(r.fqdn, '_acme-challenge.delegated.test.');
    assert.equal(r.zone, 'delegated.test.');
    assert.ok(r.rounds > 1 && Date.now() - started >= 250);
  });

  it('times out with what each nameserver last answered', async () => {
    await present('_acme-challenge.lag.test.', 'lag.test.', 'lagging');
    const endpoints: Record<string, Endpoint> = {
      'ns1.lag.test.': bind.endpoint,
      'ns2.lag.test.': stale.endpoint,
      'ns3.lag.test.': refusing.endpoint,
      'ns4.lag.test.': silent.endpoint,
    };
    const started = Date.now();
    const err = await waitForPropagation(base({ fqdn: '_acme-challenge.lag.test.', value: 'lagging', mapNameserver: (n) => (endpoints[n] ? [endpoints[n]] : undefined) })).then(
      () => assert.fail('expected a timeout'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - started < 1500, 'bounded by timeoutMs');
    assert.ok(err instanceof PropagationTimeoutError);
    assert.match(err.message, /TXT "lagging" at _acme-challenge\.lag\.test\. did not reach every authoritative nameserver of lag\.test\. within 0\.8 s/);
    assert.match(err.message, new RegExp(`ns1\\.lag\\.test\\. \\(127\\.0\\.0\\.1:${bind.port}\\): has our value`));
    assert.match(err.message, new RegExp(`ns2\\.lag\\.test\\. \\(127\\.0\\.0\\.1:${stale.port}\\): NXDOMAIN`));
    assert.match(err.message, /ns3\.lag\.test\. \(127\.0\.0\.1:\d+\): REFUSED/);
    assert.match(err.message, /ns4\.lag\.test\. \(127\.0\.0\.1:\d+\): timeout/);
    assert.deepEqual(err.report.map((r) => r.answer.kind), ['values', 'nxdomain', 'rcode', 'timeout']);
    assert.equal(refusing.requests[0].msg.flags.rd, false, 'authoritative servers are asked with RD=0');
  });

  it('reports other values and NODATA', async () => {
    await present('_acme-challenge.other.test.', 'other.test.', 'someone-else');
    const err = await waitForPropagation(base({ fqdn: '_acme-challenge.other.test.', value: 'ours', timeoutMs: 300 })).catch((e: Error) => e);
    assert.match(String(err), /ns1\.other\.test\. \(127\.0\.0\.1:\d+\): "someone-else"/);
    const nodata = await waitForPropagation(base({ fqdn: 'ns1.other.test.', value: 'ours', timeoutMs: 300, followCnames: false })).catch((e: Error) => e);
    assert.match(String(nodata), /NODATA/);
  });

  it('checks each recursive server instead with recursiveOnly', async () => {
    const resolver = new Resolver({ nameservers: [bind.endpoint, stale.endpoint], timeoutMs: 300 });
    const err = await waitForPropagation(base({ fqdn: '_acme-challenge.lag.test.', value: 'lagging', resolver, recursiveOnly: true })).catch((e: Error) => e);
    assert.ok(err instanceof PropagationTimeoutError);
    assert.match(err.message, /did not reach every recursive nameserver/);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${stale.port}: NXDOMAIN`));
    const ok = await waitForPropagation(base({ fqdn: '_acme-challenge.lag.test.', value: 'lagging', resolver: new Resolver({ nameservers: [bind.endpoint], timeoutMs: 300 }), recursiveOnly: true }));
    assert.equal(ok.zone, undefined);
    assert.equal(ok.servers[0].server, `127.0.0.1:${bind.port}`);
  });

  it('reports a zone lookup failure and honours abort', async () => {
    const err = await waitForPropagation(base({ fqdn: '_acme-challenge.nowhere.invalid.', value: 'x', timeoutMs: 300 })).catch((e: Error) => e);
    assert.match(String(err), /could not find the nameservers to check .*REFUSED/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled by test')), 100);
    await assert.rejects(waitForPropagation(base({ fqdn: '_acme-challenge.example.test.', value: 'never', timeoutMs: 5000, signal: ac.signal })), /cancelled by test/);
  });
});
