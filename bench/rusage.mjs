// Preloaded into the measured certctl process: writes its own CPU time and peak RSS to the file
// named by CERTCTL_BENCH_RUSAGE when it exits, so the benchmark measures certctl alone.
import { writeFileSync } from 'node:fs';

const out = process.env.CERTCTL_BENCH_RUSAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
  });
}
