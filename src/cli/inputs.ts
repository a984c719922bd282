import { readSources, type Source } from '../spec/sources.js';
import { SpecError } from '../spec/errors.js';
import { loadManifests } from '../spec/load.js';
import type { Manifests } from '../spec/types.js';

/** Reads `-f` arguments (files, directories, `-` for stdin) and loads the manifests. */
export async function loadInputs(paths: string[], namespace: string | undefined): Promise<Manifests> {
  const sources: Source[] = [];
  const files = paths.filter((p) => p !== '-');
  if (paths.includes('-')) sources.push({ name: '<stdin>', text: await readStdin() });
  sources.push(...(await readSources(files)));
  return loadManifests(sources, { namespace });
}

/** stdin can be read once; `renew --schedule -f -` reuses it on every run. */
let stdinText: Promise<string> | undefined;

function readStdin(): Promise<string> {
  return (stdinText ??= readStdinOnce());
}

async function readStdinOnce(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new SpecError([{ pos: { file: '<stdin>', line: 1, col: 1 }, path: '', message: 'input is larger than 1 MiB' }]);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
