import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ZONES, startBind, type BindServer, type BindZone } from './bind.js';
import { startPebble, type PebbleOptions, type PebbleServer } from './pebble.js';
import { openssl, runCli, type CliResult } from './run-cli.js';

/** Pebble validating against a BIND that certctl updates with RFC 2136: the servers of the ACME tests and benchmark. */
export interface AcmeEnv {
  bind: BindServer;
  pebble: PebbleServer;
  /** The DNS flags that point certctl at this BIND (recursive and authoritative). */
  dnsFlags: string[];
  /** Issuer + TSIG Secret manifests; `solvers` replaces the default single rfc2136 solver. */
  issuerYaml(opts?: { name?: string; namespace?: string; solvers?: string; extra?: string; accountSecret?: string }): string;
  stop(): Promise<void>;
}

/** `pebbleOpts.dnsPort`: where Pebble resolves (default: the BIND started here), e.g. a server in front of it. */
export async function startAcmeEnv(pebbleOpts: Omit<PebbleOptions, 'dnsPort'> & { dnsPort?: number } = {}, extraZones: BindZone[] = []): Promise<AcmeEnv> {
  const bind = await startBind({ recursion: true, zones: [...DEFAULT_ZONES, ...extraZones] });
  let pebble: PebbleServer;
  try {
    pebble = await startPebble({ ...pebbleOpts, dnsPort: pebbleOpts.dnsPort ?? bind.port });
  } catch (err) {
    await bind.stop();
    throw err;
  }
  const caBundle = Buffer.from(pebble.caCertPem).toString('base64');
  const ns = `127.0.0.1:${bind.port}`;
  const secrets = (namespace: string) =>
    (Object.entries(bind.keys) as [string, { tsigSecret: string }][])
      .map(
        ([alg, k]) => `---
apiVersion: v1
kind: Secret
metadata: {name: tsig-${alg.slice(4).toLowerCase()}, namespace: ${namespace}}
stringData: {secret: "${k.tsigSecret}"}`,
      )
      .join('\n');
  return {
    bind,
    pebble,
    dnsFlags: ['--dns01-recursive-nameservers', ns, '--dns01-nameserver-port', String(bind.port), '--dns01-check-retry-period', '100ms'],
    issuerYaml(o = {}) {
      const namespace = o.namespace ?? 'default';
      return `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ${o.name ?? 'pebble'}, namespace: ${namespace}}
spec:
  acme:
    server: ${pebble.directoryUrl}
    email: ops@example.test
    caBundle: ${caBundle}
    privateKeySecretRef: {name: ${o.accountSecret ?? 'pebble-account'}}
${o.extra ?? ''}
    solvers:
${o.solvers ?? `    - dns01:${rfc2136Solver({ bind }, 'HMACSHA256')}`}
${secrets(namespace)}
`;
    },
    async stop() {
      await pebble.stop();
      await bind.stop();
    },
  };
}

/** The rfc2136 solver block for `env`'s BIND with the key of `alg`. */
export function rfc2136Solver(env: Pick<AcmeEnv, 'bind'>, alg: 'HMACSHA256' | 'HMACMD5' | 'HMACSHA1' | 'HMACSHA512', extra = ''): string {
  const key = env.bind.keys[alg];
  return `
        rfc2136:
          nameserver: "127.0.0.1:${env.bind.port}"
          tsigKeyName: ${key.tsigKeyName}
          tsigAlgorithm: ${key.tsigAlgorithm}
          tsigSecretSecretRef: {name: tsig-${alg.slice(4).toLowerCase()}, key: secret}${extra}`;
}

/** A Certificate manifest. */
export function certificateYaml(name: string, dnsNames: string[], o: { issuer?: string; issuerKind?: 'Issuer' | 'ClusterIssuer'; namespace?: string; extra?: string } = {}): string {
  return `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: ${o.namespace ?? 'default'}}
spec:
  secretName: ${name}-tls
  dnsNames: [${dnsNames.map((d) => JSON.stringify(d)).join(', ')}]
  privateKey: {algorithm: ECDSA}
  issuerRef: {name: ${o.issuer ?? 'pebble'}${o.issuerKind ? `, kind: ${o.issuerKind}` : ''}}
${o.extra ?? ''}
`;
}

/** Runs `certctl issue` on `yaml` (via stdin) with the env's DNS flags. */
export function issue(env: AcmeEnv, yaml: string, outDir: string, extraArgs: string[] = []): Promise<CliResult> {
  return runCli(['issue', '-f', '-', '--out-dir', outDir, '-o', 'json', ...env.dnsFlags, ...extraArgs], { input: yaml });
}

export async function tempOut(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'certctl-acme-'));
}

/** Verifies tls.crt against Pebble's root with openssl, and that tls.key matches it; returns the leaf text. */
export async function verifyWithPebbleRoot(env: AcmeEnv, dir: string): Promise<string> {
  const root = join(dir, '..', `${Date.now()}-root.pem`);
  await writeFile(root, await env.pebble.rootPem());
  try {
    const crt = join(dir, 'tls.crt');
    const out = openssl(['verify', '-CAfile', root, '-untrusted', crt, crt]);
    if (!/: OK/.test(out)) throw new Error(`openssl verify: ${out}`);
    const pub = openssl(['x509', '-in', crt, '-noout', '-pubkey']);
    if (pub !== openssl(['pkey', '-in', join(dir, 'tls.key'), '-pubout'])) throw new Error('tls.key does not match tls.crt');
    return openssl(['x509', '-in', crt, '-noout', '-text']);
  } finally {
    await rm(root, { force: true });
  }
}
