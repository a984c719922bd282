import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pair } from './pki-fixture.js';

/**
 * A CRL made by `openssl ca -gencrl` over a fresh database in which `revoked` is revoked
 * (keyCompromise), signed by `signer`; `ago` (a faketime offset) back-dates it so that its one
 * day of validity is over. Writes `<name>-crl.pem` and `<name>.crl` (DER) into `dir`.
 */
export async function makeCrl(dir: string, name: string, o: { signer: Pair; revoked: string[]; ago?: string }): Promise<{ der: string; pem: string }> {
  const db = join(dir, `${name}.db`);
  await writeFile(db, '');
  await writeFile(join(dir, `${name}.crlnumber`), '1000\n');
  const cnf = join(dir, `${name}.cnf`);
  await writeFile(cnf, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${db}\ncrlnumber = ${join(dir, `${name}.crlnumber`)}\ndefault_md = sha256\ndefault_crl_days = 1\n`);
  const run = (args: string[]): void => {
    const r = o.ago ? spawnSync('faketime', ['-f', o.ago, 'openssl', ...args], { encoding: 'utf8' }) : spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const ca = ['-config', cnf, '-batch', '-keyfile', o.signer.key, '-cert', o.signer.cert];
  for (const cert of o.revoked) run(['ca', ...ca, '-revoke', cert, '-crl_reason', 'keyCompromise']);
  const pem = join(dir, `${name}-crl.pem`);
  const der = join(dir, `${name}.crl`);
  run(['ca', ...ca, '-gencrl', '-out', pem]);
  run(['crl', '-in', pem, '-outform', 'DER', '-out', der]);
  return { der, pem };
}
