// Bundles the compiled module tree (dist/, from tsc) into dist/bundle/, which bin/certctl.js runs.
//
// Why: Node resolves, reads, compiles and links every ES module separately. A no-op renew loaded
// ~240 of them (72 for `yaml` alone) and spent more time doing so than on its own work; a bundle
// cuts that per-module cost (see "Start-up" in the README's design notes for the figures).
// Code splitting keeps every `await import()` a separate chunk, so what loads lazily in the
// module tree still loads lazily here: `--version` reads one small chunk, and a no-op renew loads
// no ACME, DNS or provider code. The cloud SDKs stay outside, loaded from node_modules when a
// provider that needs them runs.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/bundle', import.meta.url));
// Chunk names carry content hashes: without this, chunks of earlier builds would pile up.
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  metafile: true,
  entryPoints: ['dist/cli/entry.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ES module build where a package has one: named exports without CommonJS interop.
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', '@alicloud/*', '@smithy/*'],
  // Bundled CommonJS packages (commander, yaml) call require() for Node's builtins.
  banner: { js: "import { createRequire as __certctlCreateRequire } from 'node:module';\nconst require = __certctlCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});

// In a split bundle, `await import()` of a CommonJS package yields only its default export, not
// the named exports Node's own loader offers: `const { x } = await import('pkg')` would get
// undefined at run time. Refuse to build such a bundle rather than ship it.
const { inputs } = result.metafile;
const cjsDynamic = Object.entries(inputs).flatMap(([from, input]) =>
  input.imports.filter((i) => i.kind === 'dynamic-import' && inputs[i.path]?.format === 'cjs').map((i) => `${from} -> ${i.path}`),
);
if (cjsDynamic.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(`scripts/bundle.mjs: dynamic import of a CommonJS module (import it statically, or from an ES module of ours):\n  ${cjsDynamic.join('\n  ')}`);
  process.exit(1);
}
