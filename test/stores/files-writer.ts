// Child process for the crash tests: writes version <tag> of one Secret through the FileStore,
// and SIGKILLs itself at the named fault point (argv: root tag faultPoint).
import { FileStore } from '../../src/stores/files.js';

const [root, tag, fault] = process.argv.slice(2);
const store = new FileStore({
  root,
  fault: (point) => {
    if (point === fault) process.kill(process.pid, 'SIGKILL');
  },
});
const record = {
  version: 1 as const,
  certificateName: 'web',
  namespace: 'ns',
  revision: Number(tag.replace(/\D/g, '')) || 1,
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-04-01T00:00:00.000Z',
  issuedAt: '2026-01-01T00:00:00.000Z',
  spec: { dnsNames: [], ipAddresses: [], uris: [], emailAddresses: [], subject: {}, usages: [], isCA: false, durationMs: 1, privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS1' }, issuerRef: { name: 'i', kind: 'Issuer', group: 'cert-manager.io' } },
  secret: { annotations: { tag }, labels: {} },
};
await store.write({ namespace: 'ns', secretName: 'web-tls' }, { tlsCrt: `cert-${tag}`, tlsKey: `key-${tag}`, caCrt: tag === 'v1' ? `ca-${tag}` : undefined }, record);
