/**
 * Byte encodings found in manifests: Kubernetes `[]byte` fields (standard base64) and PEM bundles.
 */
import { X509Certificate } from 'node:crypto';

const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard, padded base64 the way Go's `encoding/json` does for `[]byte` fields: line
 * breaks are ignored (block scalars wrap), anything else outside the alphabet is an error.
 * Node's own decoder silently skips bad characters, which would hide a truncated paste.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !STD_BASE64.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (s.slice(0, s.length - pad).includes('=')) return undefined;
  return Buffer.from(s, 'base64');
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The number of PEM `CERTIFICATE` blocks in `pem` that parse as X.509 certificates. */
export function countPemCertificates(pem: string): number {
  let n = 0;
  for (const block of pem.match(PEM_CERT) ?? []) {
    try {
      new X509Certificate(block);
      n++;
    } catch {
      // Go's AppendCertsFromPEM also skips blocks that do not parse.
    }
  }
  return n;
}
