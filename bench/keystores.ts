// Keystore encoding cost: median wall time of each encoder per key type, plus the no-op check
// that decides a stored keystore can stay. Runs standalone:
//   node --import tsx bench/keystores.ts
// (export benchKeystores for bench/run.ts).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildCertificate } from '../src/pki/certificate.js';
import { generatePrivateKey } from '../src/pki/keys.js';
import type { KeySpec } from '../src/pki/keys.js';
import { parseCertificate } from '../src/pki/parse.js';
import { encodeJksKeystore, encodePkcs12Keystore, encodePkcs12Truststore, jksKeystoreMatches, pkcs12KeystoreMatches, PKCS12_PROFILES } from '../src/pki/keystores/index.js';

const RUNS = 15;

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

/** Prints one table row per key type: ms per encoder and per no-op check. */
export async function benchKeystores(): Promise<void> {
  const caKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + 90 * 86_400_000);
  const caPem = buildCertificate({ subject: { commonName: 'bench CA' }, notBefore, notAfter, isCA: true, usages: ['cert sign'], publicKey: caKey }, { privateKey: caKey });
  const caDer = [parseCertificate(caPem).der];
  const specs: (KeySpec & { label: string })[] = [
    { algorithm: 'RSA', size: 2048, label: 'RSA-2048' },
    { algorithm: 'RSA', size: 4096, label: 'RSA-4096' },
    { algorithm: 'ECDSA', size: 256, label: 'P-256' },
    { algorithm: 'Ed25519', label: 'Ed25519' },
  ];
  const header = ['key', ...PKCS12_PROFILES.map((p) => `p12 ${p}`), 'p12 truststore (RC2)', 'jks', 'p12 no-op check', 'jks no-op check'];
  const rows: string[][] = [];
  for (const spec of specs) {
    const privateKey = await generatePrivateKey(spec);
    const leafPem = buildCertificate({ subject: { commonName: 'bench' }, dnsNames: ['bench.example'], notBefore, notAfter, isCA: false, usages: [], publicKey: privateKey }, { privateKey: caKey, certificate: parseCertificate(caPem) });
    const chainDer = [parseCertificate(leafPem).der];
    const input = { privateKey, chainDer, caDer, password: 'changeit' };
    const row = [spec.label];
    for (const profile of PKCS12_PROFILES) row.push(median(() => encodePkcs12Keystore({ ...input, profile })).toFixed(2));
    row.push(median(() => encodePkcs12Truststore({ caDer, password: 'changeit' })).toFixed(2));
    row.push(median(() => encodeJksKeystore({ ...input, now: new Date() })).toFixed(2));
    const p12 = encodePkcs12Keystore({ ...input, profile: 'Modern2023' });
    row.push(median(() => pkcs12KeystoreMatches(p12, { ...input, profile: 'Modern2023' })).toFixed(2));
    const jks = encodeJksKeystore({ ...input, now: new Date() });
    row.push(median(() => jksKeystoreMatches(jks, input)).toFixed(2));
    rows.push(row);
  }
  console.log(`\nKeystore encoding, median of ${RUNS} runs, milliseconds (leaf + CA, password "changeit")`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchKeystores();
