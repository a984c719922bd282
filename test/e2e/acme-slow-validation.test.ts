/**
 * A CA that takes its time to validate, as Let's Encrypt does: certctl finalizes as soon as the
 * challenges are answered, so here it is refused with orderNotReady, polls the order until the
 * authorization is valid, and finalizes again. Pebble resolves through a DNS server that forwards
 * to BIND but answers challenge TXT queries only after 1 s (Pebble's own sleep is random).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipUnlessInstalled } from '../helpers/binaries.js';
import { answer, startFakeDns, type FakeDnsServer } from '../helpers/fake-dns.js';
import { certificateYaml, issue, startAcmeEnv, tempOut, verifyWithPebbleRoot, type AcmeEnv } from '../helpers/acme-env.js';

const skip = skipUnlessInstalled(['named', 'pebble'], 'bind9 pebble');

describe('a CA that validates after a pause', { skip }, () => {
  let env: AcmeEnv;
  let slowDns: FakeDnsServer;
  let out: string;
  before(async () => {
    let forward: ReturnType<AcmeEnv['bind']['resolver']> | undefined;
    slowDns = await startFakeDns(async (req) => {
      const q = req.questions[0]!;
      if (q.type === 'TXT' && q.name.toLowerCase().startsWith('_acme-challenge.')) await sleep(1000);
      const r = await forward!.query(q.name, q.type as 'SOA', { recursionDesired: true });
      return answer(req, { rcode: r.rcode, answers: r.answers, authority: r.authority });
    });
    env = await startAcmeEnv({ nonceReject: 0, dnsPort: slowDns.endpoint.port });
    forward = env.bind.resolver();
    out = await tempOut();
  });
  after(async () => {
    await env?.stop();
    await slowDns?.stop();
    await rm(out, { recursive: true, force: true });
  });

  test('finalize is refused with orderNotReady, the order is polled until ready, then finalized', async () => {
    const started = Date.now();
    const r = await issue(env, env.issuerYaml() + certificateYaml('slow', ['slow.example.test']), out, ['-v']);
    assert.equal(r.code, 0, r.stderr);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1000, `Pebble paused before validating (${elapsed} ms)`);

    const requests = r.stderr.split('\n').filter((l) => / acme: (GET|POST) https:/.test(l));
    const finalizes = requests.filter((l) => l.includes('/finalize-order/'));
    assert.match(finalizes[0] ?? '', /HTTP 403/, `the first finalize came before the validation:\n${requests.join('\n')}`);
    assert.match(finalizes.at(-1) ?? '', /HTTP 200/, 'the last one after it');
    // Polled 0, 10, 50, 150, 450 and 1350 ms after the refusal: a 1-2 s validation takes at most
    // seven order polls (two more than doubling from 200 ms would), not one every few ms.
    const polls = requests.filter((l) => l.includes('/my-order/') && l.includes('POST'));
    assert.ok(polls.length >= 2 && polls.length <= 8, `${polls.length} order polls:\n${polls.join('\n')}`);
    await verifyWithPebbleRoot(env, join(out, 'default/slow-tls'));
  });
});
