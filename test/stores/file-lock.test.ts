import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FileLock, LOCK_FILE } from '../../src/stores/file-lock.js';
import type { FileLockOptions, LockInfo } from '../../src/stores/file-lock.js';

const HOST = hostname();
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The child and what it imports, as plain JS: ten `--import tsx` startups cost seconds of CPU. */
const CHILD_SOURCES = ['src/stores/file-lock.ts', 'test/stores/lock-child.ts'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a process that has exited (and so is dead on this host). */
function deadPid(): number {
  const r = spawnSync('/bin/sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

let base: string;
let child: string;
let n = 0;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'certctl-lock-'));
  const ts = (await import('typescript')).default;
  const out = join(base, 'js');
  for (const rel of CHILD_SOURCES) {
    const { outputText } = ts.transpileModule(await readFile(join(REPO, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    await mkdir(dirname(join(out, rel)), { recursive: true });
    await writeFile(join(out, rel.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  child = join(out, 'test/stores/lock-child.js');
});
after(() => rm(base, { recursive: true, force: true }));

async function freshRoot(): Promise<string> {
  return join(base, `store-${n++}`);
}

/** This test process's lock tokens, shared by its FileLocks as the CLI shares one set per process. */
const HELD = new Set<string>();
const lockAt = (root: string, o: Partial<FileLockOptions> = {}): FileLock =>
  new FileLock({ root, pid: process.pid, hostname: HOST, isAlive, pollMs: 10, heldTokens: HELD, ...o });

async function plant(root: string, info: Partial<LockInfo>, name = LOCK_FILE): Promise<void> {
  await mkdir(root, { recursive: true });
  const full: LockInfo = { pid: 1, hostname: HOST, startedAt: '2026-01-01T00:00:00.000Z', holder: 'certctl renew', token: 'a'.repeat(24), ...info };
  await writeFile(join(root, name), JSON.stringify(full));
}

async function readLock(root: string): Promise<LockInfo> {
  return JSON.parse(await readFile(join(root, LOCK_FILE), 'utf8')) as LockInfo;
}

async function leftovers(root: string): Promise<string[]> {
  return (await readdir(root)).filter((f) => f.startsWith(LOCK_FILE) && f !== LOCK_FILE);
}

test('two acquirers in one process: the second waits, gives up after waitMs, then gets it once released', async () => {
  const root = await freshRoot();
  const a = lockAt(root);
  const b = lockAt(root);
  const held = await a.acquire({ waitMs: 0, holder: 'certctl renew' });
  assert.ok(held);
  const info = await readLock(root);
  assert.equal(info.pid, process.pid);
  assert.equal(info.hostname, HOST);
  assert.equal(info.holder, 'certctl renew');
  assert.ok(!Number.isNaN(Date.parse(info.startedAt)));

  const t0 = Date.now();
  assert.equal(await b.acquire({ waitMs: 150, holder: 'second' }), undefined);
  assert.ok(Date.now() - t0 >= 140, 'waited about waitMs');
  assert.equal(await b.acquire({ waitMs: 0, holder: 'second' }), undefined);

  // A waiter gets the lock as soon as it is released.
  const waiting = b.acquire({ waitMs: 5000, holder: 'second' });
  await sleep(50);
  await held.release();
  const second = await waiting;
  assert.ok(second);
  assert.equal((await readLock(root)).holder, 'second');
  await second.release();
  assert.deepEqual(await readdir(root), []);
});

test('describeHolder names the holder, pid, host and start; undefined when free', async () => {
  const root = await freshRoot();
  const lock = lockAt(root);
  assert.equal(await lock.describeHolder(), undefined);
  const held = await lock.acquire({ waitMs: 0, holder: 'certctl renew' });
  const text = await lockAt(root).describeHolder();
  assert.match(text!, new RegExp(`^certctl renew \\(pid ${process.pid} on ${HOST}, since \\d{4}-\\d\\d-\\d\\dT[^)]*\\)$`));
  await held!.release();
  assert.equal(await lock.describeHolder(), undefined);
});

test('a lock left by a dead pid on this host is taken over', async () => {
  const root = await freshRoot();
  const dead = deadPid();
  await plant(root, { pid: dead, token: 'b'.repeat(24) });
  assert.match((await lockAt(root).describeHolder())!, new RegExp(`pid ${dead} .*no longer running`));
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'taker' });
  assert.ok(held);
  const info = await readLock(root);
  assert.equal(info.pid, process.pid);
  assert.equal(info.holder, 'taker');
  assert.deepEqual(await leftovers(root), []);
  await held.release();
});

test('a lock from another host is never taken over, even if that pid is dead here', async () => {
  const root = await freshRoot();
  await plant(root, { pid: deadPid(), hostname: 'other-host' });
  assert.equal(await lockAt(root).acquire({ waitMs: 30, holder: 'x' }), undefined);
  assert.match((await lockAt(root).describeHolder())!, /on other-host/);
  assert.doesNotMatch((await lockAt(root).describeHolder())!, /no longer running/);
});

test('a live holder on this host (another process) is respected', async () => {
  const root = await freshRoot();
  await plant(root, { pid: process.ppid });
  assert.equal(await lockAt(root).acquire({ waitMs: 0, holder: 'x' }), undefined);
});

test('our own pid with a token this process never issued is a dead predecessor (container restart)', async () => {
  const root = await freshRoot();
  await plant(root, { pid: process.pid, token: 'c'.repeat(24) });
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'restarted' });
  assert.ok(held);
  await held.release();
});

test('a lock from before a reboot (other boot id) is stale whatever its pid', async () => {
  const root = await freshRoot();
  await plant(root, { pid: process.ppid, bootId: 'boot-1' });
  assert.equal(await lockAt(root, { bootId: 'boot-1' }).acquire({ waitMs: 0, holder: 'x' }), undefined);
  const held = await lockAt(root, { bootId: 'boot-2' }).acquire({ waitMs: 0, holder: 'x' });
  assert.ok(held);
  await held.release();
});

test('release removes only our own lock, and twice is harmless', async () => {
  const root = await freshRoot();
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'mine' });
  // Someone removed it by hand and another run took it since.
  await plant(root, { pid: process.ppid, token: 'd'.repeat(24), holder: 'theirs' });
  await held!.release();
  assert.equal((await readLock(root)).holder, 'theirs');
  await held!.release();
  assert.equal((await readLock(root)).holder, 'theirs');
});

test('an unreadable lock file is not taken over and is described as such', async () => {
  const root = await freshRoot();
  await plant(root, {});
  await writeFile(join(root, LOCK_FILE), 'garbage');
  assert.equal(await lockAt(root).acquire({ waitMs: 0, holder: 'x' }), undefined);
  assert.match((await lockAt(root).describeHolder())!, /unreadable: not JSON; remove it if no certctl is running/);
  // pid 0 or -1 would make kill(pid, 0) probe process groups: not a lock certctl wrote.
  for (const pid of [0, -1, 1.5]) {
    await plant(root, { pid });
    assert.equal(await lockAt(root).acquire({ waitMs: 0, holder: 'x' }), undefined);
    assert.match((await lockAt(root).describeHolder())!, /not a certctl lock record/);
  }
});

test('abort rejects a waiting acquire with the signal reason', async () => {
  const root = await freshRoot();
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'x' });
  const ac = new AbortController();
  const p = lockAt(root).acquire({ waitMs: 10_000, holder: 'y', signal: ac.signal });
  setTimeout(() => ac.abort(new Error('stop')), 30);
  await assert.rejects(p, /stop/);
  await held!.release();
  assert.deepEqual(await leftovers(root), []);
});

test('a takeover claim left by a claimer that died is itself taken over', async () => {
  const root = await freshRoot();
  const staleToken = 'e'.repeat(24);
  await plant(root, { pid: deadPid(), token: staleToken });
  await plant(root, { pid: deadPid(), token: 'f'.repeat(24) }, `${LOCK_FILE}.takeover-${staleToken}`);
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'x' });
  assert.ok(held);
  assert.equal((await readLock(root)).pid, process.pid);
  assert.deepEqual(await leftovers(root), []);
  await held.release();
});

test('a takeover in progress by a live process is left to it', async () => {
  const root = await freshRoot();
  const staleToken = '1'.repeat(24);
  await plant(root, { pid: deadPid(), token: staleToken });
  await plant(root, { pid: process.ppid, token: '2'.repeat(24) }, `${LOCK_FILE}.takeover-${staleToken}`);
  assert.equal(await lockAt(root).acquire({ waitMs: 0, holder: 'x' }), undefined);
});

test('the holder sweeps abandoned temp files and old claims, not fresh temp files', async () => {
  const root = await freshRoot();
  await plant(root, {}, `${LOCK_FILE}.old.tmp`);
  await plant(root, {}, `${LOCK_FILE}.fresh.tmp`);
  await plant(root, {}, `${LOCK_FILE}.takeover-${'9'.repeat(24)}`);
  const old = new Date(Date.now() - 5 * 60_000);
  await utimes(join(root, `${LOCK_FILE}.old.tmp`), old, old);
  const held = await lockAt(root).acquire({ waitMs: 0, holder: 'x' });
  assert.deepEqual(await leftovers(root), [`${LOCK_FILE}.fresh.tmp`]);
  await held!.release();
});

test('simulated processes racing, some dying while holding the lock: never two live holders', async () => {
  const root = await freshRoot();
  const live = new Set<number>();
  let inside = 0;
  let served = 0;
  let died = 0;
  await plant(root, { pid: 999_999, token: '4'.repeat(24) });
  const worker = async (pid: number): Promise<void> => {
    live.add(pid);
    const lock = lockAt(root, { pid, isAlive: (p) => live.has(p), pollMs: 1 });
    const held = await lock.acquire({ waitMs: 20_000, holder: `sim ${pid}` });
    assert.ok(held, `pid ${pid} got the lock`);
    inside++;
    assert.equal(inside, 1, 'one holder at a time');
    await sleep(Math.random() * 3);
    inside--;
    served++;
    if (pid % 4 === 0) {
      // Dies holding it: the file stays, and the others must take it over.
      live.delete(pid);
      died++;
      return;
    }
    await held.release();
    live.delete(pid);
  };
  await Promise.all(Array.from({ length: 24 }, (_, i) => worker(2000 + i)));
  assert.equal(served, 24);
  assert.equal(died, 6);
  assert.ok((await leftovers(root)).every((f) => f.endsWith('.tmp') === false), `no temp files: ${await leftovers(root)}`);
});

interface ChildReport {
  pid: number;
  acquired: boolean;
  enter?: string;
  exit?: string;
}

/** Starts `count` lock-child processes, releases them at once, and collects their reports. */
async function race(root: string, count: number, holdMs: number, waitMs: number): Promise<ChildReport[]> {
  const barrier = join(base, `barrier-${n++}`);
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [child, root, barrier, String(holdMs), String(waitMs)], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const reports = children.map(
    (c) =>
      new Promise<ChildReport>((resolve, reject) => {
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`child exited ${code}: ${err}`))));
      }),
  );
  const deadline = Date.now() + 30_000;
  while ((await readdir(base)).filter((f) => f.startsWith(`${barrier.slice(base.length + 1)}.ready-`)).length < count) {
    if (Date.now() > deadline) throw new Error('children did not start');
    await sleep(10);
  }
  await writeFile(`${barrier}.go`, '');
  if (holdMs < 0) {
    // The holder keeps the lock until every other child has reported.
    let settled = 0;
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 15_000).unref(); // if two got it, the assertions say so instead of a hang
      for (const r of reports) void r.then(() => ++settled === count - 1 && resolve(), () => resolve());
    });
    await writeFile(`${barrier}.release`, '');
  }
  return Promise.all(reports);
}

function assertNoOverlap(reports: ChildReport[]): void {
  const spans = reports.filter((r) => r.acquired).map((r) => ({ pid: r.pid, enter: BigInt(r.enter!), exit: BigInt(r.exit!) }));
  spans.sort((a, b) => (a.enter < b.enter ? -1 : 1));
  for (let i = 1; i < spans.length; i++) {
    assert.ok(spans[i]!.enter >= spans[i - 1]!.exit, `pid ${spans[i]!.pid} entered before pid ${spans[i - 1]!.pid} left`);
  }
}

test('10 processes at once on one directory, over a stale lock: one holder at a time, all served', async () => {
  const root = await freshRoot();
  await plant(root, { pid: deadPid(), token: '3'.repeat(24) });
  const reports = await race(root, 10, 25, 20_000);
  assert.equal(reports.filter((r) => r.acquired).length, 10);
  assertNoOverlap(reports);
  assert.deepEqual(await readdir(root), []);
});

test('10 processes at once with no waiting: exactly one gets the lock, nine are told it is held', async () => {
  const root = await freshRoot();
  const reports = await race(root, 10, -1, 0);
  assert.equal(reports.filter((r) => r.acquired).length, 1);
  assert.equal(reports.filter((r) => !r.acquired).length, 9);
});
