import type { OpenedStore } from './open-store.js';
import type { CliContext } from './context.js';
import { ExitCode, ExitError } from './exit-codes.js';

/** How a command that writes a few Secrets (revoke, account) holds the store. */
export interface StoreLockSettings {
  waitMs: number;
  /** `certctl revoke`, `certctl account rollover`: shown to a run that waits for it. */
  holder: string;
  signal?: AbortSignal;
}

/**
 * Runs `fn` holding the store's lock (the same one `renew` takes, so a renew never sees half of
 * a rollover), after repairing what a crash left in `repair`'s Secrets. Exit 3 when another run
 * holds the lock for all of `waitMs`.
 */
export async function underStoreLock<T>(ctx: CliContext, opened: OpenedStore, s: StoreLockSettings, repair: readonly { namespace: string; secretName: string }[], fn: () => Promise<T>): Promise<T> {
  const lock = opened.lock();
  const held = lock ? await lock.acquire({ waitMs: s.waitMs, holder: s.holder, signal: s.signal }) : undefined;
  if (lock && !held) throw new ExitError(ExitCode.LockHeld, `the store ${opened.where} is locked by ${(await lock.describeHolder()) ?? 'another certctl run'}; nothing done`);
  try {
    for (const t of repair) {
      for (const line of (await opened.store.repair?.(t)) ?? []) ctx.warn(`warning: Secret ${t.namespace}/${t.secretName}: repaired: ${line}`);
    }
    return await fn();
  } finally {
    await held?.release();
  }
}
