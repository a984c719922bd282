/**
 * OCSP responses made by `openssl ocsp` acting as a responder over an index file (the `openssl
 * ca` database format), for stapling with s_server or answering as a live responder.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openssl } from '../helpers/run-cli.js';
import type { Pair } from './pki-fixture.js';

/** One index line: the certificate's serial and whether it is revoked. */
export interface IndexEntry {
  cert: string;
  revoked?: { reason: string };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/** Writes an `openssl ca` index file listing `entries`; returns its path. */
export async function writeIndex(dir: string, name: string, entries: IndexEntry[]): Promise<string> {
  const lines: string[] = [];
  for (const e of entries) {
    const pem = await readFile(e.cert, 'utf8');
    const serial = openssl(['x509', '-noout', '-serial'], pem).trim().split('=')[1]!;
    const expiry = stamp(new Date(Date.now() + 30 * 86_400_000));
    const revoked = e.revoked ? `${stamp(new Date(Date.now() - 3600_000))},${e.revoked.reason}` : '';
    lines.push([e.revoked ? 'R' : 'V', expiry, revoked, serial, 'unknown', '/CN=test'].join('\t'));
  }
  const path = join(dir, `${name}.index`);
  await writeFile(path, `${lines.join('\n')}\n`);
  await writeFile(`${path}.attr`, 'unique_subject = no\n');
  return path;
}

/**
 * The DER response `openssl ocsp` gives for `cert` from `index`, signed by `signer`; `ago`
 * (a faketime offset such as `-3d`) back-dates it, so `-ndays 1` makes an expired response.
 */
export async function ocspResponse(o: { dir: string; name: string; index: string; issuer: string; cert: string; signer: Pair; ago?: string }): Promise<string> {
  const out = join(o.dir, `${o.name}.der`);
  const args = ['ocsp', '-index', o.index, '-CA', o.issuer, '-issuer', o.issuer, '-cert', o.cert, '-rsigner', o.signer.cert, '-rkey', o.signer.key, '-respout', out, '-ndays', '1'];
  const r = o.ago ? spawnSync('faketime', ['-f', o.ago, 'openssl', ...args], { encoding: 'utf8' }) : spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ocsp failed: ${r.stderr}`);
  return out;
}
