/** The fleet flags as typed settings: shard from --shard or JOB_COMPLETION_INDEX, budgets, client limits; bad values are usage errors (exit 2) naming the flag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetFlag, fleetSettings } from '../../src/cli/fleet-options.js';
import { ExitError } from '../../src/cli/exit-codes.js';
import { isRenewal, shareOf } from '../../src/issuers/acme/rate-budget.js';

const base = { kubeApiQps: '50', kubeApiBurst: '100' };
const usage = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ExitError && e.code === 2 && re.test(e.message));

test('--shard, --shard-count and JOB_COMPLETION_INDEX', () => {
  assert.deepEqual(fleetSettings({ ...base, shard: '2/4' }, {}).shard, { index: 2, count: 4 });
  assert.deepEqual(fleetSettings({ ...base, shardCount: '4' }, { JOB_COMPLETION_INDEX: '3' }).shard, { index: 3, count: 4 });
  assert.equal(fleetSettings(base, { JOB_COMPLETION_INDEX: '3' }).shard, undefined, 'an Indexed Job alone does not shard');
  assert.deepEqual(fleetSettings({ ...base, shardCount: '4' }, {}, { indexOptional: true }).showShardsOf, 4);
  usage(() => fleetSettings({ ...base, shard: '4/4' }, {}), /--shard: INDEX must be below COUNT \(0 to 3\)/);
  usage(() => fleetSettings({ ...base, shard: '1-4' }, {}), /--shard: expected INDEX\/COUNT/);
  usage(() => fleetSettings({ ...base, shard: '1/0' }, {}), /--shard: the shard count must be/);
  usage(() => fleetSettings({ ...base, shard: '1/4', shardCount: '3' }, {}), /--shard 1\/4 and --shard-count 3 disagree/);
  usage(() => fleetSettings({ ...base, shardCount: '4' }, {}), /--shard-count needs the shard index/);
  usage(() => fleetSettings({ ...base, shardCount: '4' }, { JOB_COMPLETION_INDEX: '4' }), /JOB_COMPLETION_INDEX=4 is not a shard of --shard-count 4/);
  usage(() => fleetSettings({ ...base, kubeApiQps: 'fast' }, {}), /--kube-api-qps/);
  usage(() => fleetSettings({ ...base, kubeApiBurst: '0' }, {}), /--kube-api-burst/);
});

test('budgets: COUNT/DURATION or none', () => {
  assert.deepEqual(budgetFlag('--acme-new-orders', '300/3h'), { count: 300, windowMs: 3 * 3600_000 });
  assert.deepEqual(budgetFlag('--acme-certs-per-domain', '50/168h'), { count: 50, windowMs: 168 * 3600_000 });
  assert.equal(budgetFlag('--acme-new-orders', 'none'), undefined);
  assert.equal(budgetFlag('--acme-new-orders', '0'), undefined);
  usage(() => budgetFlag('--acme-new-orders', '300'), /--acme-new-orders: expected COUNT\/DURATION/);
  usage(() => budgetFlag('--acme-new-orders', '300/3 days'), /expected COUNT\/DURATION/);
  assert.deepEqual(fleetSettings({ ...base, acmeNewOrders: '10/1h', acmeCertsPerDomain: 'none' }, {}).acmeBudgets, { newOrdersPerAccount: { count: 10, windowMs: 3600_000 } });
});

test('shares of a budget add up to it; a renewal is the same set of names', () => {
  for (const [count, n] of [[300, 4], [50, 7], [3, 8], [1, 1]]) {
    const shares = Array.from({ length: n }, (_, index) => shareOf(count, { index, count: n }));
    assert.equal(shares.reduce((a, b) => a + b, 0), count, `${count} over ${n}`);
    assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
  }
  assert.equal(isRenewal(['a.example', 'B.example'], { dnsNames: ['b.example', 'a.example'], ipAddresses: [] }), true);
  assert.equal(isRenewal(['a.example', 'c.example'], { dnsNames: ['a.example'], ipAddresses: [] }), false);
  assert.equal(isRenewal(['a.example'], undefined), false);
});
