/**
 * What bin/certctl runs. `certctl --version` answers from package.json alone: monitoring and
 * packaging scripts call it often, and loading commander and the command tree would double its
 * start-up cost. Everything else goes to main().
 */
import { writeSync } from 'node:fs';
import { packageVersion } from './version.js';

export async function run(argv: string[] = process.argv): Promise<void> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    try {
      writeSync(1, `${packageVersion()}\n`);
    } catch (err) {
      // A reader that closed the pipe (`certctl --version | true`) is a normal end, as in main().
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    }
    return;
  }
  // A renew that would find nothing due again replays its last run (see noop-cache.ts).
  if (args[0] === 'renew' && !args.includes('--no-cache')) {
    const { currentInvocation, replayNoop } = await import('./noop-cache.js');
    if (await replayNoop(currentInvocation(argv))) return;
  }
  const { main } = await import('./main.js');
  await main(argv);
}
