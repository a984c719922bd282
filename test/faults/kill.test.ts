/**
 * kill -9 at random moments of a run that re-issues a CA and all its leaves: whatever instant the
 * process dies, every certificate on disk is a matching pair, nothing dangles, and the next plain
 * run repairs what was left and converges — leaves signed by a CA that was replaced meanwhile are
 * re-issued, so everything verifies against the current root again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEAVES, fleetDir } from './fleet.js';
import { assertStoreSound, inspectStore, run, start } from './store-invariants.js';

const KILLS = 8;
const CERTS = LEAVES.length + 1;

describe('kill -9 at random moments', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it(`leaves a sound store ${KILLS} times out of ${KILLS}, and the next run converges`, async () => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    const out = join(dir, 'certs');
    const root = join(out, 'faults', 'root-ca', 'ca.crt');
    assert.equal((await run(['issue', '-f', manifest, '--out-dir', out])).code, 0);
    // Spread the kills over the whole run: measure how long one forced run takes here.
    const t0 = Date.now();
    assert.equal((await run(['issue', '-f', manifest, '--out-dir', out, '--force'])).code, 0);
    const span = Date.now() - t0;
    for (let i = 0; i < KILLS; i++) {
      const p = start(['issue', '-f', manifest, '--out-dir', out, '--force', 'root-ca']);
      await sleep(Math.floor(((i + 0.5) / KILLS) * span * (0.6 + Math.random() * 0.8)));
      p.kill();
      await p.done;
      // Right after the kill: never a mismatched pair or a dangling link (leaves may still be
      // signed by the old CA until the next run; that is what it must fix).
      assert.deepEqual(inspectStore(out).problems, [], `after kill ${i}`);
      const next = await run(['issue', '-f', manifest, '--out-dir', out, '-o', 'json']);
      assert.equal(next.code, 0, next.stderr);
      assertStoreSound(out, root, CERTS);
      for (const secret of ['root-ca', ...LEAVES.map((l) => `${l}-tls`)]) {
        // Older versions are gone. A version newer than ..data (the kill came between writing it
        // and the swap) may stay up to 10 minutes: the store never removes a young newer version,
        // which could be a lock-ignoring writer's work in progress (FileStore.pruneVersions).
        const dir = join(out, 'faults', secret);
        const current = readlinkSync(join(dir, '..data'));
        const versions = readdirSync(dir).filter((e) => e.startsWith('..2'));
        assert.deepEqual(versions.filter((v) => v < current), [], `${secret}: versions older than ${current} left after the repairing run`);
        assert.ok(versions.filter((v) => v > current).length <= 1, `${secret}: ${versions.join(', ')}`);
      }
    }
  });

  it('a dangling ..data left by a foreign process is repaired and reported, not an error', async () => {
    const { dir, manifest } = await fleetDir();
    dirs.push(dir);
    const out = join(dir, 'certs');
    assert.equal((await run(['issue', '-f', manifest, '--out-dir', out])).code, 0);
    const alpha = join(out, 'faults', 'alpha-tls');
    const [current] = readdirSync(alpha).filter((e) => e.startsWith('..2'));
    // What the old race left behind: ..data pointing at a version someone pruned.
    await rm(join(alpha, current), { recursive: true });
    const status = await run(['status', '-f', manifest, '--out-dir', out, '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).certificates.find((c: { name: string }) => c.name === 'alpha').reason, 'DoesNotExist');
    const fixed = await run(['issue', '-f', manifest, '--out-dir', out]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stderr, /faults\/alpha: Repaired: \.\.data pointed to a missing version .*; the certificate will be issued again/);
    assertStoreSound(out, join(out, 'faults', 'root-ca', 'ca.crt'), CERTS);
  });
});
