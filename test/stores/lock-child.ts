// A child process for file-lock.test.ts: waits for the parent's "go" file, takes the lock,
// holds it for a while, and prints one JSON line with monotonic enter/exit times (CLOCK_MONOTONIC
// is shared by all processes on the host, so intervals from different children compare).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileLock } from '../../src/stores/file-lock.js';

const [root, barrier, holdMs, waitMs] = process.argv.slice(2) as [string, string, string, string];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lock = new FileLock({ root, pid: process.pid, hostname: hostname(), isAlive, pollMs: 10 });
await writeFile(`${barrier}.ready-${process.pid}`, '');
while (!existsSync(`${barrier}.go`)) await sleep(2);
const held = await lock.acquire({ waitMs: Number(waitMs), holder: `child ${process.pid}` });
if (!held) {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, acquired: false })}\n`);
} else {
  const enter = process.hrtime.bigint();
  // holdMs < 0: hold until the parent says so (after all the others have tried).
  if (Number(holdMs) < 0) while (!existsSync(`${barrier}.release`)) await sleep(2);
  else await sleep(Number(holdMs));
  const exit = process.hrtime.bigint();
  await held.release();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, acquired: true, enter: String(enter), exit: String(exit) })}\n`);
}
