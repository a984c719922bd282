// Shared helpers for the keystore tests: the deterministic random stream the golden files were
// made with, and readers for the golden PEM inputs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitPem } from '../../../src/pki/pem.js';
import type { RandomBytes } from '../../../src/pki/keystores/index.js';

export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** SHA-256(seed || uint32be counter) blocks, the stream golden/oracle/main.go feeds go-pkcs12. */
export function seededRandom(seed: string): RandomBytes {
  let counter = 0;
  let buf = Buffer.alloc(0);
  return (n) => {
    while (buf.length < n) {
      const c = Buffer.alloc(4);
      c.writeUInt32BE(counter++);
      buf = Buffer.concat([buf, createHash('sha256').update(seed).update(c).digest()]);
    }
    const out = Buffer.from(buf.subarray(0, n));
    buf = buf.subarray(n);
    return out;
  };
}

/** DER of every certificate in a golden PEM file. */
export function goldenCerts(name: string): Buffer[] {
  return splitPem(readFileSync(join(GOLDEN_DIR, name), 'utf8')).map((b) => b.der);
}

/** Bytes of a golden file. */
export function golden(name: string): Buffer {
  return readFileSync(join(GOLDEN_DIR, name));
}
