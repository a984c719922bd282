/**
 * Certificates for the Vault tests, made with certctl's own src/pki: CAs (a root, an
 * intermediate under it), the fake server's TLS identity, and client certificates for mTLS and
 * TLS certificate auth.
 */
import type { KeyObject } from 'node:crypto';
import { buildCertificate } from '../../src/pki/certificate.js';
import { encodePrivateKey, generatePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate } from '../../src/pki/parse.js';
import type { ParsedCertificate } from '../../src/pki/parse.js';

export interface TestCa {
  certificate: ParsedCertificate;
  key: KeyObject;
  pem: string;
}

const DAY = 86_400_000;

/** A CA: self-signed, or signed by `parent`; valid from an hour ago for `days`. */
export async function makeCa(commonName: string, opts: { parent?: TestCa; days?: number; notAfter?: Date } = {}): Promise<TestCa> {
  const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const now = Date.now();
  const pem = buildCertificate(
    {
      subject: { commonName, organizations: ['certctl tests'] },
      notBefore: new Date(now - 3_600_000),
      notAfter: opts.notAfter ?? new Date(now + (opts.days ?? 3650) * DAY),
      isCA: true,
      usages: ['cert sign', 'crl sign', 'digital signature'],
      publicKey: key,
    },
    opts.parent ? { privateKey: opts.parent.key, certificate: opts.parent.certificate } : { privateKey: key },
  );
  return { certificate: parseCertificate(pem), key, pem };
}

/** A leaf for a server or client: PEM certificate and unencrypted PKCS#8 key. */
export async function issueLeaf(ca: TestCa, o: { commonName: string; dnsNames?: string[]; ipAddresses?: string[]; usages: string[] }): Promise<{ certPem: string; keyPem: string }> {
  const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const now = Date.now();
  const certPem = buildCertificate(
    { subject: { commonName: o.commonName }, dnsNames: o.dnsNames, ipAddresses: o.ipAddresses, notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 30 * DAY), isCA: false, usages: o.usages, publicKey: key },
    { privateKey: ca.key, certificate: ca.certificate },
  );
  return { certPem, keyPem: encodePrivateKey(key, 'PKCS8') };
}

/** A server certificate for `names` (IPs and DNS names) under a fresh CA. */
export async function makeTlsIdentity(names: string[]): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const ca = await makeCa('fake vault server CA');
  const ips = names.filter((n) => /^[\d.]+$|:/.test(n));
  const leaf = await issueLeaf(ca, { commonName: names[0]!, dnsNames: names.filter((n) => !ips.includes(n)), ipAddresses: ips, usages: ['digital signature', 'server auth'] });
  return { caPem: ca.pem, ...leaf };
}
