import { readFileSync } from 'node:fs';

/** certctl's version, from package.json (two levels above this module, in src/ and in dist/). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
