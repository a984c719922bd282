import type { FaultHook } from '../stores/fs-atomic.js';

/**
 * Test hook for crash-safety tests: `CERTCTL_FAULT=<point>` kills the process with SIGKILL when
 * the store reaches that named step, so tests can check the on-disk invariants at every step.
 */
export function faultHook(spec: string | undefined): FaultHook | undefined {
  if (!spec) return undefined;
  return (point) => {
    if (point === spec) process.kill(process.pid, 'SIGKILL');
  };
}
