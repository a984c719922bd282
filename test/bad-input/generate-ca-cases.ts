/**
 * Writes the bad-input cases whose CA Secrets need real key material (expired, not yet valid, not
 * a CA, no keyCertSign, a key that does not match, an encrypted key, a broken PEM). Run once with
 * `npx tsx test/bad-input/generate-ca-cases.ts`; the cases are committed, so CI never runs this.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCertificate } from '../../src/pki/certificate.js';

const DIR = fileURLToPath(new URL('./cases/', import.meta.url));
const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pkcs8 = (k: ReturnType<typeof key>) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

function ca(opts: { from: string; to: string; isCA?: boolean; usages?: string[] }) {
  const k = key();
  const pem = buildCertificate(
    { subject: { commonName: 'bad-input test CA' }, notBefore: new Date(opts.from), notAfter: new Date(opts.to), isCA: opts.isCA ?? true, usages: opts.usages ?? ['cert sign', 'crl sign'], publicKey: k },
    { privateKey: k },
  );
  return { crt: pem, key: pkcs8(k) };
}

/** A CA certificate without keyUsage keyCertSign (our builder always adds it for CAs): made by openssl. */
function caWithoutKeyCertSign() {
  const keyPem = pkcs8(key());
  const dir = mkdtempSync(join(tmpdir(), 'certctl-gen-'));
  writeFileSync(join(dir, 'key.pem'), keyPem);
  const crt = execFileSync('openssl', ['req', '-x509', '-new', '-key', join(dir, 'key.pem'), '-subj', '/CN=no keyCertSign CA', '-days', '36500', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature']).toString();
  rmSync(dir, { recursive: true });
  return { crt, key: keyPem };
}

function indent(pem: string): string {
  return pem.trim().split('\n').map((l) => `    ${l}`).join('\n');
}

function write(name: string, description: string, stderr: string, secret: { crt: string; key: string }): void {
  const text = `# ${description}
# exit: 2
# stderr: ${stderr}
apiVersion: v1
kind: Secret
metadata: {name: broken-ca, namespace: bad}
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(secret.crt)}
  tls.key: |
${indent(secret.key)}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: broken-ca, namespace: bad}
spec: {ca: {secretName: broken-ca}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: leaf, namespace: bad}
spec:
  secretName: leaf-tls
  dnsNames: [leaf.bad.test]
  issuerRef: {name: broken-ca}
`;
  writeFileSync(join(DIR, `${name}.yaml`), text);
}

const good = ca({ from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' });
write('ca-expired', 'A CA whose certificate has expired.', String.raw`Secret bad/broken-ca \\(.*\\): .*the CA certificate CN=bad-input test CA expired at 2021-01-01T00:00:00\.000Z`, ca({ from: '2020-01-01T00:00:00Z', to: '2021-01-01T00:00:00Z' }));
write('ca-not-yet-valid', 'A CA whose certificate is valid only from 2090.', String.raw`Secret bad/broken-ca \\(.*\\): .*is not valid before 2090-01-01T00:00:00\.000Z`, ca({ from: '2090-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' }));
write('ca-not-a-ca', 'The Secret holds a leaf certificate, not a CA.', String.raw`Secret bad/broken-ca \\(.*\\): .*is not a CA \(basicConstraints CA:FALSE or absent\)`, ca({ from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z', isCA: false, usages: ['digital signature'] }));
write('ca-no-keycertsign', 'A CA certificate whose key usage does not allow signing certificates.', String.raw`Secret bad/broken-ca \\(.*\\): .*lacks the keyCertSign key usage`, caWithoutKeyCertSign());
write('ca-key-mismatch', 'tls.key belongs to another certificate.', String.raw`data\["tls\.key"\]: Secret bad/broken-ca .*: tls\.key does not match the certificate in tls\.crt`, { crt: good.crt, key: pkcs8(key()) });
const encrypted = key().export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
write('ca-encrypted-key', 'tls.key is encrypted with a passphrase.', String.raw`data\["tls\.key"\]: Secret bad/broken-ca .*: tls\.key is encrypted`, { crt: good.crt, key: encrypted });
write('ca-bad-pem', 'tls.crt is not a certificate.', String.raw`data\["tls\.crt"\]: Secret bad/broken-ca .*: tls\.crt or ca\.crt is not a PEM certificate chain`, { crt: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----', key: good.key });
