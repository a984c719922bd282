import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invocationKey, receiptInvalid, type Invocation, type Receipt } from '../../src/cli/noop-cache.js';
import { fileSignature } from '../../src/shared/file-signature.js';

const base: Invocation = {
  args: ['renew', '-f', 'certs.yaml'],
  cwd: '/srv',
  env: { PATH: '/usr/bin', HOME: '/root', CERTCTL_OUT_DIR: '/var/lib/certs' },
  ttys: [false, false],
  uid: 0,
  nodeVersion: 'v20.20.2',
};

test('the key ignores per-invocation noise and nothing else', () => {
  const key = invocationKey(base);
  assert.equal(invocationKey({ ...base, env: { ...base.env, OLDPWD: '/tmp', _: '/usr/bin/certctl', INVOCATION_ID: 'abc', SHLVL: '3' } }), key);
  for (const other of [
    { ...base, args: [...base.args, '-q'] },
    { ...base, cwd: '/srv/other' },
    { ...base, env: { ...base.env, CERTCTL_OUT_DIR: '/elsewhere' } },
    { ...base, env: { ...base.env, TZ: 'Europe/Berlin' } },
    { ...base, env: { ...base.env, AWS_PROFILE: 'prod' } },
    { ...base, ttys: [true, false] as [boolean, boolean] },
    { ...base, uid: 1000 },
    { ...base, nodeVersion: 'v26.12.1' },
  ]) {
    assert.notEqual(invocationKey(other), key, JSON.stringify(other));
  }
});

test('a receipt stands only between its writing and its moment, for a day at most, with every dependency unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certctl-receipt-'));
  try {
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'a');
    const now = Date.now();
    const r: Receipt = { format: 1, key: 'k', createdAt: now - 1000, validUntil: now + 60_000, deps: [[file, 1, fileSignature(file, true)], [join(dir, 'absent'), 0, '-']], output: [] };
    assert.equal(receiptInvalid(r, now), undefined);
    assert.match(receiptInvalid(r, now - 2000)!, /clock went back/);
    assert.match(receiptInvalid(r, now + 60_000)!, /due/);
    assert.match(receiptInvalid({ ...r, validUntil: now + 48 * 3600_000 }, now + 25 * 3600_000)!, /older than a day/);
    writeFileSync(join(dir, 'absent'), '');
    assert.match(receiptInvalid(r, now)!, /absent changed/);
    rmSync(join(dir, 'absent'));
    assert.equal(receiptInvalid(r, now), undefined);
    writeFileSync(file, 'b');
    assert.match(receiptInvalid(r, now)!, /a\.yaml changed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
