// `npm run bench`: every benchmark, each printing its own table. BENCH_ONLY=acme runs one.
// The fleet benchmark (10,000 Certificates on a real kube-apiserver) runs only when asked for:
// BENCH_ONLY=fleet.
import { benchAcme } from './acme.js';
import { benchFleet } from './fleet.js';
import { benchKeystores } from './keystores.js';
import { benchRenew } from './renew.js';

const only = process.env.BENCH_ONLY;
const benches: [string, () => Promise<void>][] = [
  ['acme', benchAcme],
  ['renew', benchRenew],
  ['keystores', benchKeystores],
];
if (only === 'fleet') benches.push(['fleet', benchFleet]);
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
