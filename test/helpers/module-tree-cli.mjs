// Runs the compiled module tree (dist/, as tsc writes it) instead of the bundle that
// bin/certctl.js runs, so that the import tracer sees every source module by name and tests can
// check which ones a command loads. The bundle keeps the tree's lazy boundaries: each dynamic
// import is a chunk of its own (test/e2e/startup.test.ts checks the bundle itself).
import { run } from '../../dist/cli/entry.js';

run();
