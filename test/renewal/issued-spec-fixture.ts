import type { IssuedSpec } from '../../src/stores/records.js';

const DAY = 86_400_000;

/** What a Certificate asks for, as the renewal checks compare it with what was issued. */
export const desiredSpec: IssuedSpec = {
  commonName: 'a.example.test',
  dnsNames: ['a.example.test', 'b.example.test'],
  ipAddresses: [],
  uris: [],
  emailAddresses: [],
  subject: {},
  usages: ['digital signature', 'key encipherment'],
  isCA: false,
  durationMs: 90 * DAY,
  privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS1' },
  issuerRef: { name: 'le', kind: 'Issuer', group: 'cert-manager.io' },
};
