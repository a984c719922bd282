/**
 * `certctl.io/http01-webroot` and `certctl.io/http01-listen`: how certctl answers HTTP-01 for an
 * Issuer (or one Certificate), carried in the manifest. cert-manager ignores annotations it does
 * not know, so a manifest carrying them stays valid for a cluster.
 */
import { isAbsolute, normalize } from 'node:path';
import { isMap } from 'yaml';
import { fail, mapEntries, readString, report } from './cursor.js';
import type { Cur } from './cursor.js';
import { closest } from './suggest.js';
import { parseListenAddress } from '../shared/listen-address.js';
import type { Http01Annotation } from './types.js';

/** Answer HTTP-01 by writing files under this directory (certbot --webroot). */
export const HTTP01_WEBROOT_ANNOTATION = 'certctl.io/http01-webroot';
/** Answer HTTP-01 with certctl's own server on this `[ip]:port` (certbot --standalone). */
export const HTTP01_LISTEN_ANNOTATION = 'certctl.io/http01-listen';
const KNOWN = [HTTP01_WEBROOT_ANNOTATION, HTTP01_LISTEN_ANNOTATION];
const PREFIX = 'certctl.io/http01';

/**
 * Reads the HTTP-01 annotations of `metadata` (the metadata mapping's cursor). Reports a value
 * that is not an absolute directory or an `[ip]:port`, both annotations at once, and a misspelt
 * `certctl.io/http01…` key (a typo would otherwise be silently ignored, and issuance fail later).
 */
export function readHttp01Annotations(metadata: Cur | undefined): Http01Annotation | undefined {
  if (!metadata || !isMap(metadata.node)) return undefined;
  const annotations = (mapEntries(metadata) ?? []).find(([k]) => k === 'annotations')?.[1];
  if (!annotations || !isMap(annotations.node)) return undefined;
  let found: Http01Annotation | undefined;
  let first: string | undefined;
  for (const [key, cur] of mapEntries(annotations) ?? []) {
    if (!key.startsWith(PREFIX)) continue;
    if (!KNOWN.includes(key)) {
      const near = closest(key, KNOWN);
      report(cur, cur.keyPos, `unknown certctl annotation ${JSON.stringify(key)}`, near ? `did you mean "${near}"?` : `certctl reads ${KNOWN.join(' and ')}`);
      continue;
    }
    const value = readString(cur);
    if (value === undefined) continue;
    const method = key === HTTP01_WEBROOT_ANNOTATION ? readWebroot(cur, value) : readListen(cur, value);
    if (!method) continue;
    if (found) {
      report(cur, cur.keyPos, `${first} and ${key} exclude each other`, 'certctl answers HTTP-01 either from a web server\'s document root (webroot) or with its own server (listen), not both');
      continue;
    }
    found = { method, pos: cur.pos, path: cur.path };
    first = key;
  }
  return found;
}

function readWebroot(cur: Cur, value: string): Http01Annotation['method'] | undefined {
  if (value.trim() === '') return fail(cur, 'must not be empty', 'the directory your web server serves for this site, e.g. /var/www/html');
  if (value.includes('\0')) return fail(cur, 'must not contain a NUL character');
  if (!isAbsolute(value)) return fail(cur, `must be an absolute path, got ${JSON.stringify(value.slice(0, 80))}`, 'a manifest is read from anywhere: name the directory from /, e.g. /var/www/html');
  return { kind: 'webroot', dir: normalize(value).replace(/(.)\/$/, '$1') };
}

function readListen(cur: Cur, value: string): Http01Annotation['method'] | undefined {
  const r = parseListenAddress(value);
  if (!r.ok) return fail(cur, `${JSON.stringify(value.slice(0, 80))}: ${r.message}`);
  return { kind: 'standalone', listen: r.address };
}
