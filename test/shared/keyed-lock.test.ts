import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedLock } from '../../src/shared/keyed-lock.js';

test('tasks with one key run one at a time, in order; other keys run alongside', async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const task = (name: string, ms: number) => async () => {
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([lock.run('a', task('a1', 30)), lock.run('a', task('a2', 5)), lock.run('b', task('b1', 5))]);
  assert.deepEqual(results, ['a1', 'a2', 'b1']);
  // b1 starts while a1 still runs; a2 only after a1 ended.
  assert.ok(log.indexOf('start b1') < log.indexOf('end a1'), log.join(', '));
  assert.ok(log.indexOf('end a1') < log.indexOf('start a2'), log.join(', '));
});

test('a failed task rejects its own caller and does not block the next one', async () => {
  const lock = new KeyedLock();
  const failed = lock.run('k', async () => {
    await sleep(5);
    throw new Error('boom');
  });
  const next = lock.run('k', async () => 'ran');
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'ran');
  // The key is usable again after its queue drained.
  assert.equal(await lock.run('k', async () => 'again'), 'again');
});
