/**
 * The certificates the `check` tests serve: a root, an intermediate and leaves issued by the
 * built CLI (`certctl issue`), an expired leaf signed with src/pki directly (certctl will not
 * issue one), leaves with OCSP/CRL pointers signed by `openssl x509` with the same
 * intermediate, and an unrelated CA for "wrong signer" cases. Everything is verified with openssl.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCertificate } from '../../src/pki/certificate.js';
import { generatePrivateKey, parsePrivateKey } from '../../src/pki/keys.js';
import { parseCertificate, parseCertificateChain } from '../../src/pki/parse.js';
import { openssl, runCli } from '../helpers/run-cli.js';

/** A certificate and its key, as files. */
export interface Pair {
  cert: string;
  key: string;
}

export interface CheckPki {
  dir: string;
  /** The files store certctl wrote (`<dir>/store`). */
  store: string;
  root: Pair;
  int: Pair;
  /** localhost, web.test, 127.0.0.1, ::1; signed by `int`. */
  leaf: Pair;
  /** other.test only. */
  other: Pair;
  /** A delegated OCSP responder: issued by `int`, EKU OCSPSigning. */
  responder: Pair;
  /** Issued by `int` without the OCSP signing EKU. */
  noEku: Pair;
  /** An unrelated self-signed CA. */
  stranger: Pair;
  expired: Pair;
  /** localhost with an OCSP responder URL (AIA), signed by `int` with openssl. */
  withOcsp: (url: string, name: string) => Promise<Pair>;
  /** localhost with a CRL distribution point, signed by `int` with openssl. */
  withCrl: (url: string, name: string) => Promise<Pair>;
  /** localhost with the TLS Feature status_request (Must-Staple). */
  mustStaple: Pair;
  /** Concatenates PEM files into `name` and returns its path. */
  bundle: (name: string, parts: string[]) => Promise<string>;
}

const MANIFESTS = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: selfsigned, namespace: default}
spec: {selfSigned: {}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: root, namespace: default}
spec:
  secretName: root-ca
  isCA: true
  commonName: certctl Test Root
  subject: {organizations: [certctl tests]}
  privateKey: {algorithm: ECDSA, size: 384}
  issuerRef: {name: selfsigned}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: root, namespace: default}
spec: {ca: {secretName: root-ca}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: int, namespace: default}
spec:
  secretName: int-ca
  isCA: true
  commonName: certctl Test Intermediate
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: root}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: int, namespace: default}
spec: {ca: {secretName: int-ca}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: default}
spec:
  secretName: web-tls
  dnsNames: [localhost, web.test]
  ipAddresses: [127.0.0.1, "::1"]
  privateKey: {algorithm: ECDSA}
  usages: [digital signature, server auth]
  issuerRef: {name: int}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: other, namespace: default}
spec:
  secretName: other-tls
  dnsNames: [other.test]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: int}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: responder, namespace: default}
spec:
  secretName: responder-tls
  commonName: certctl Test OCSP Responder
  privateKey: {algorithm: ECDSA}
  usages: [digital signature, ocsp signing]
  issuerRef: {name: int}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: noeku, namespace: default}
spec:
  secretName: noeku-tls
  commonName: certctl Test Not A Responder
  privateKey: {algorithm: ECDSA}
  usages: [digital signature]
  issuerRef: {name: int}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: stranger, namespace: default}
spec:
  secretName: stranger-ca
  isCA: true
  commonName: certctl Test Intermediate
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: selfsigned}
`;

/** The certctl manifests of the fixture (the web Certificate writes default/web-tls). */
export const FIXTURE_MANIFESTS = MANIFESTS;

async function firstBlock(path: string, out: string): Promise<string> {
  const chain = parseCertificateChain(await readFile(path, 'utf8'));
  await writeFile(out, chain[0]!.pem);
  return out;
}

/** Issues everything into `dir`. */
export async function makeCheckPki(dir: string): Promise<CheckPki> {
  await mkdir(dir, { recursive: true });
  const store = join(dir, 'store');
  await writeFile(join(dir, 'manifests.yaml'), MANIFESTS);
  const r = await runCli(['issue', '-f', join(dir, 'manifests.yaml'), '--out-dir', store]);
  if (r.code !== 0) throw new Error(`certctl issue failed: ${r.stderr}`);
  const secret = (name: string): string => join(store, 'default', name);
  const pair = async (secretName: string, label: string): Promise<Pair> => ({ cert: await firstBlock(join(secret(secretName), 'tls.crt'), join(dir, `${label}.pem`)), key: join(secret(secretName), 'tls.key') });
  const root = await pair('root-ca', 'root');
  const int = await pair('int-ca', 'int');
  const leaf = await pair('web-tls', 'leaf');
  const other = await pair('other-tls', 'other');
  const responder = await pair('responder-tls', 'responder');
  const noEku = await pair('noeku-tls', 'noeku');
  const stranger = await pair('stranger-ca', 'stranger');
  // openssl agrees the chain is sound before any test relies on it.
  openssl(['verify', '-CAfile', root.cert, '-untrusted', int.cert, leaf.cert, responder.cert]);

  const intCert = parseCertificate(await readFile(int.cert, 'utf8'));
  const intKey = parsePrivateKey(await readFile(int.key, 'utf8')).key;
  const expiredKey = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const now = Date.now();
  const expiredPem = buildCertificate(
    { subject: {}, dnsNames: ['localhost'], notBefore: new Date(now - 30 * 86_400_000), notAfter: new Date(now - 2 * 86_400_000), isCA: false, usages: ['digital signature', 'server auth'], publicKey: expiredKey },
    { privateKey: intKey, certificate: intCert },
  );
  const expired = { cert: join(dir, 'expired.pem'), key: join(dir, 'expired.key') };
  await writeFile(expired.cert, expiredPem);
  await writeFile(expired.key, expiredKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });

  const opensslLeaf = async (name: string, extensions: string): Promise<Pair> => {
    const key = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const ext = join(dir, `${name}.ext`);
    const cert = join(dir, `${name}.pem`);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
    await writeFile(ext, `subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n${extensions}\n`);
    openssl(['x509', '-req', '-in', csr, '-CA', int.cert, '-CAkey', int.key, '-set_serial', `0x${Buffer.from(name).toString('hex').slice(0, 30)}`, '-days', '30', '-sha256', '-extfile', ext, '-out', cert]);
    openssl(['verify', '-CAfile', root.cert, '-untrusted', int.cert, cert]);
    return { cert, key };
  };
  return {
    dir,
    store,
    root,
    int,
    leaf,
    other,
    responder,
    noEku,
    stranger,
    expired,
    withOcsp: (url, name) => opensslLeaf(name, `authorityInfoAccess=OCSP;URI:${url}`),
    withCrl: (url, name) => opensslLeaf(name, `crlDistributionPoints=URI:${url}`),
    mustStaple: await opensslLeaf('muststaple', 'tlsfeature=status_request'),
    bundle: async (name, parts) => {
      const path = join(dir, name);
      await writeFile(path, (await Promise.all(parts.map((p) => readFile(p, 'utf8')))).join(''));
      return path;
    },
  };
}
