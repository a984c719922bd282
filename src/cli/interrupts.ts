import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * SIGINT/SIGTERM abort the run's signal so that work in flight cleans up (DNS records, hooks)
 * instead of the process dying mid-step; `exitCode()` then says which signal ended it.
 */
export function trapInterrupts(): { signal: AbortSignal; exitCode(): ExitCodeValue | undefined; release(): void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    received = sig;
    process.stderr.write(`certctl: ${sig} received, stopping after cleanup\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : received === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted),
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
