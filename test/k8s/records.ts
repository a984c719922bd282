/** CertificateRecords and TLS data for the Kubernetes store tests. */
import type { CertificateRecord } from '../../src/stores/records.js';

/** A record whose Secret metadata is cert-manager's plus the given template labels/annotations. */
export function record(opts: { revision?: number; labels?: Record<string, string>; annotations?: Record<string, string>; emailSans?: string } = {}): CertificateRecord {
  const annotations: Record<string, string> = {
    ...opts.annotations,
    'cert-manager.io/common-name': 'web.example.com',
    'cert-manager.io/alt-names': 'web.example.com,www.example.com',
    'cert-manager.io/ip-sans': '',
    'cert-manager.io/uri-sans': '',
    'cert-manager.io/certificate-name': 'web',
    'cert-manager.io/issuer-name': 'letsencrypt',
    'cert-manager.io/issuer-kind': 'ClusterIssuer',
    'cert-manager.io/issuer-group': 'cert-manager.io',
  };
  if (opts.emailSans) annotations['cert-manager.io/email-sans'] = opts.emailSans;
  return {
    version: 1,
    certificateName: 'web',
    namespace: 'apps',
    revision: opts.revision ?? 1,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-04-01T00:00:00.000Z',
    renewalTime: '2026-03-02T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    spec: {
      dnsNames: ['web.example.com', 'www.example.com'], ipAddresses: [], uris: [], emailAddresses: [], subject: {}, usages: ['digital signature', 'key encipherment'],
      isCA: false, durationMs: 7776000000, privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1' },
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
    secret: { annotations, labels: { ...opts.labels, 'controller.cert-manager.io/fao': 'true' } },
  };
}

/** Distinguishable PEM-looking material. */
export function tls(tag: string, ca = false): { tlsCrt: string; tlsKey: string; caCrt?: string } {
  return {
    tlsCrt: `-----BEGIN CERTIFICATE-----\n${tag}-leaf\n-----END CERTIFICATE-----\n`,
    tlsKey: `-----BEGIN EC PRIVATE KEY-----\n${tag}-key\n-----END EC PRIVATE KEY-----\n`,
    ...(ca ? { caCrt: `-----BEGIN CERTIFICATE-----\n${tag}-ca\n-----END CERTIFICATE-----\n` } : {}),
  };
}
