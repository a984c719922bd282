// Preloaded with `node --import` to print every ES module URL the process resolves, so tests can
// check that light commands do not load heavy dependencies. Node 22.15+ has synchronous in-thread
// hooks (module.registerHooks); the older off-thread register() may lose lines written just
// before a fast exit, and is deprecated on newer Node.
import * as mod from 'node:module';
import { writeSync } from 'node:fs';

if (typeof mod.registerHooks === 'function') {
  mod.registerHooks({
    resolve(specifier, context, next) {
      const r = next(specifier, context);
      writeSync(2, `IMPORT ${r.url}\n`);
      return r;
    },
  });
} else {
  const hook = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('IMPORT ' + r.url + '\\n');
  return r;
}`;
  mod.register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
