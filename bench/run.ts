// `npm run bench`: every benchmark, each printing its own table. BENCH_ONLY=acme runs one.
import { benchAcme } from './acme.js';
import { benchRenew } from './renew.js';

const only = process.env.BENCH_ONLY;
const benches: [string, () => Promise<void>][] = [
  ['acme', benchAcme],
  ['renew', benchRenew],
];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
