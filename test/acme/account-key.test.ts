import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

/** An Issuer whose account Secret holds `keyPem`, and a Certificate using it. */
function manifests(server: string, keyPem: string): string {
  return `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: acme, namespace: default}
spec:
  acme:
    server: ${server}
    privateKeySecretRef: {name: acme-account}
    solvers:
    - dns01:
        rfc2136: {nameserver: "127.0.0.1:53"}
---
apiVersion: v1
kind: Secret
metadata: {name: acme-account, namespace: default}
stringData:
  tls.key: |
${keyPem.trimEnd().replace(/^/gm, '    ')}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: site, namespace: default}
spec:
  secretName: site-tls
  dnsNames: [site.example.test]
  issuerRef: {name: acme}
`;
}

test('an account key that cannot sign ACME requests fails naming its Secret, before any request', async () => {
  // A listener that records connections: none may arrive.
  const connections: Socket[] = [];
  const server = createServer((s) => {
    connections.push(s);
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/dir`;
  const out = await mkdtemp(join(tmpdir(), 'certctl-acme-key-'));
  try {
    const cases: [string, string, RegExp][] = [
      ['Ed25519', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, /Ed25519 account keys \(JWS alg EdDSA\) are refused by most ACME CAs/],
      ['RSA 1024', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, /an RSA account key must have at least 2048 bits, this one has 1024/],
    ];
    for (const [name, pem, why] of cases) {
      const r = await runCli(['issue', '-f', '-', '--out-dir', out], { input: manifests(url, pem) });
      assert.notEqual(r.code, 0, name);
      assert.match(r.stderr, /ACME account key in .*acme-account.* \(key tls\.key\) cannot sign ACME requests: /, name);
      assert.match(r.stderr, why, name);
      assert.ok(!r.stderr.includes('PRIVATE KEY'), 'no key material in the output');
    }
    assert.equal(connections.length, 0, 'nothing was sent to the ACME server');
  } finally {
    server.close();
    await rm(out, { recursive: true, force: true });
  }
});
