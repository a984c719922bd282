import { decodeSource, readSources, type SeenInput, type Source } from '../spec/sources.js';
import { SpecError } from '../spec/errors.js';
import { loadManifests } from '../spec/load.js';
import { MAX_SOURCE_BYTES } from '../spec/yaml.js';
import type { Manifests } from '../spec/types.js';
import type { CliContext } from './context.js';

/** Reads `-f` arguments (files, directories, `-` for stdin, decoded as strictly as files) and loads the manifests. */
export async function loadInputs(ctx: CliContext, paths: string[], namespace: string | undefined, seen?: SeenInput): Promise<Manifests> {
  const sources: Source[] = [];
  const files = paths.filter((p) => p !== '-');
  if (paths.includes('-')) {
    const bytes = await ctx.readStdin(MAX_SOURCE_BYTES).catch((err) => {
      if (err instanceof RangeError) throw new SpecError([{ pos: { file: '<stdin>', line: 1, col: 1 }, path: '', message: 'larger than 1 MiB' }]);
      throw err;
    });
    sources.push(decodeSource('<stdin>', bytes));
  }
  sources.push(...(await readSources(files, sources.reduce((n, s) => n + Buffer.byteLength(s.text), 0), seen)));
  return loadManifests(sources, { namespace });
}
