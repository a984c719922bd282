/**
 * Two, then four certctl processes writing one store at once, in every mix users produce (a cron
 * job and a person, two CI jobs): issue × issue, issue --force × renew, renew × renew, and four at
 * once. Before the store lock and the careful pruning, two concurrent `issue --force` runs left
 * dangling links in about one try in three; each mix is repeated to catch that. After each round
 * the store must be sound, and a plain run must converge with exit 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LEAVES, fleetDir } from './fleet.js';
import { assertStoreSound, run, start } from './store-invariants.js';

const ROUNDS = 4;
const CERTS = LEAVES.length + 1;

describe('concurrent writers on one files store', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const mixes: Record<string, (m: string, out: string) => string[][]> = {
    'issue --force × issue --force': (m, out) => [
      ['issue', '-f', m, '--out-dir', out, '--force'],
      ['issue', '-f', m, '--out-dir', out, '--force'],
    ],
    'issue --force × renew': (m, out) => [
      ['issue', '-f', m, '--out-dir', out, '--force'],
      ['renew', '-f', m, '--out-dir', out, '--no-jitter'],
    ],
    'renew --force × renew --force': (m, out) => [
      ['renew', '-f', m, '--out-dir', out, '--no-jitter', '--force'],
      ['renew', '-f', m, '--out-dir', out, '--no-jitter', '--force'],
    ],
    'four at once': (m, out) => [
      ['issue', '-f', m, '--out-dir', out, '--force'],
      ['issue', '-f', m, '--out-dir', out],
      ['renew', '-f', m, '--out-dir', out, '--no-jitter', '--force'],
      ['renew', '-f', m, '--out-dir', out, '--no-jitter'],
    ],
  };

  for (const [name, mix] of Object.entries(mixes)) {
    it(`${name}: the store stays sound and the next run converges (${ROUNDS} rounds)`, async () => {
      const { dir, manifest } = await fleetDir();
      dirs.push(dir);
      const out = join(dir, 'certs');
      const root = join(out, 'faults', 'root-ca', 'ca.crt');
      const first = await run(['issue', '-f', manifest, '--out-dir', out]);
      assert.equal(first.code, 0, first.stderr);
      for (let round = 0; round < ROUNDS; round++) {
        const results = await Promise.all(mix(manifest, out).map((args) => start(args).done));
        for (const r of results) assert.equal(r.code, 0, `a writer failed in round ${round}: ${r.stderr}`);
        assertStoreSound(out, root, CERTS);
        const converge = await run(['issue', '-f', manifest, '--out-dir', out, '-o', 'json']);
        assert.equal(converge.code, 0, converge.stderr);
        assert.equal(JSON.parse(converge.stdout).summary.failed, 0);
        assertStoreSound(out, root, CERTS);
      }
    });
  }

  it('a second writer waits for the lock, and gives up with exit 3 after --lock-timeout', async () => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    const out = join(dir, 'certs');
    // The pre-hook keeps the first run inside the lock long enough to be found holding it.
    const holder = start(['renew', '-f', manifest, '--out-dir', out, '--no-jitter', '--pre-hook', 'sleep 3']);
    await new Promise((r) => setTimeout(r, 1200));
    const waiter = await run(['issue', '-f', manifest, '--out-dir', out, '--lock-timeout', '200ms']);
    assert.equal(waiter.code, 3, waiter.stderr);
    assert.match(waiter.stderr, /is locked by certctl renew \(pid \d+ on [^,]+, since [^)]+\); nothing done/);
    assert.doesNotMatch(waiter.stderr, /\(pid \d+ on [^)]*\) \(pid/, 'the holder is named once');
    assert.equal((await holder.done).code, 0);
    assertStoreSound(out, join(out, 'faults', 'root-ca', 'ca.crt'), CERTS);
  });
});
