// Preloaded with `node --import` to print every ES module URL the process resolves, so tests can
// check that light commands do not load heavy dependencies.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('IMPORT ' + r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
