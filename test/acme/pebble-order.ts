/**
 * Drives one real order through certctl's ACME client (runOrder) against Pebble, publishing the
 * dns-01 values in BIND with BIND's own nsupdate, and verifies the result with openssl.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcmeHttp } from '../../src/issuers/acme/acme-http.js';
import { runOrder } from '../../src/issuers/acme/order-flow.js';
import { buildCsr } from '../../src/pki/csr.js';
import type { AcmeEnv } from '../helpers/acme-env.js';
import { openssl } from '../helpers/run-cli.js';

/** Orders a certificate for `names` with `http`'s account; returns the chain and the certificate key. */
export async function orderCertificate(env: AcmeEnv, http: AcmeHttp, names: string[]): Promise<{ chainPem: string; key: KeyObject }> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const published: string[] = [];
  try {
    const chainPem = await runOrder(
      http,
      {
        identifiers: names.map((value) => ({ type: 'dns', value })),
        csrDer: () => Buffer.from(buildCsr({ subject: {}, dnsNames: names }, key).replace(/-----[^-]+-----|\s/g, ''), 'base64'),
      },
      {
        tasksFor: async (pending) =>
          pending.map((p) => {
            const token = p.offered.find((c) => c.type === 'dns-01')!.token;
            return { type: 'dns-01' as const, identifier: p.identifier, token, value: http.dns01Value(token), solver: { path: 'test' } as never };
          }),
        presentAndWait: async (tasks) => {
          for (const t of tasks) {
            if (t.type !== 'dns-01') continue;
            const line = `_acme-challenge.${t.identifier.replace(/^\*\./, '')}. 60 TXT "${t.value}"`;
            await env.bind.nsupdate([`update add ${line}`]);
            published.push(line);
          }
        },
        event: () => {},
      },
    );
    return { chainPem, key };
  } finally {
    for (const line of published) await env.bind.nsupdate([`update delete ${line}`]);
  }
}

/** openssl verify of the chain against Pebble's root, and that the leaf carries `key`'s public key. */
export async function verifyIssued(env: AcmeEnv, chainPem: string, key: KeyObject, names: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'certctl-acme-verify-'));
  try {
    await writeFile(join(dir, 'root.pem'), await env.pebble.rootPem());
    await writeFile(join(dir, 'chain.pem'), chainPem);
    await writeFile(join(dir, 'key.pem'), key.export({ format: 'pem', type: 'pkcs8' }) as string);
    const out = openssl(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'chain.pem')]);
    if (!/: OK/.test(out)) throw new Error(`openssl verify: ${out}`);
    if (openssl(['x509', '-in', join(dir, 'chain.pem'), '-noout', '-pubkey']) !== openssl(['pkey', '-in', join(dir, 'key.pem'), '-pubout'])) {
      throw new Error('the certificate is not for the key that signed the CSR');
    }
    const text = openssl(['x509', '-in', join(dir, 'chain.pem'), '-noout', '-ext', 'subjectAltName']);
    for (const n of names) if (!text.includes(`DNS:${n}`)) throw new Error(`the certificate lacks DNS:${n}: ${text}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
