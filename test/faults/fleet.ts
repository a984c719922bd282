/**
 * The manifests the fault tests work on: a self-signed root CA that a `ca` Issuer uses to sign
 * several leaves, all ECDSA so that a run spends its time in the store rather than generating
 * RSA keys. A CA re-issue (by --force) must take every leaf along.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LEAVES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];

export function fleetYaml(ns = 'faults'): string {
  const docs = [
    `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: faults-selfsigned}
spec: {selfSigned: {}}`,
    `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: root-ca, namespace: ${ns}}
spec:
  isCA: true
  commonName: faults root CA
  secretName: root-ca
  duration: 87600h
  privateKey: {algorithm: ECDSA, size: 256}
  issuerRef: {name: faults-selfsigned, kind: ClusterIssuer}`,
    `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: faults-ca, namespace: ${ns}}
spec: {ca: {secretName: root-ca}}`,
    ...LEAVES.map(
      (name) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: ${ns}}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.faults.test]
  privateKey: {algorithm: ECDSA, size: 256}
  issuerRef: {name: faults-ca}`,
    ),
  ];
  return `${docs.join('\n---\n')}\n`;
}

/** A fresh working directory with `fleet.yaml` in it. */
export async function fleetDir(prefix = 'certctl-faults-'): Promise<{ dir: string; manifest: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const manifest = join(dir, 'fleet.yaml');
  await writeFile(manifest, fleetYaml());
  return { dir, manifest };
}
