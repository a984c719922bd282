/**
 * A throw-away pebble ACME server (Debian package `pebble`, 2.4) for end-to-end tests.
 *
 *   const bind = await startBind();
 *   const pebble = await startPebble({ dnsPort: bind.port });   // the VA asks BIND for TXT records
 *   after(async () => { await pebble.stop(); await bind.stop(); });
 *   // ACME client: directoryUrl = pebble.directoryUrl, trust pebble.caCertPem for HTTPS
 *
 * The listener's TLS certificate comes from a fresh openssl CA (`caCertPem`), not pebble's
 * minica. Issued certificates chain to `rootPem()`, which pebble regenerates on every start.
 * `orderCount()` counts successful new-order requests in pebble's log (see there).
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { requireBinary } from './binaries.js';
import { freePorts } from './ports.js';
import { startProcess } from './process.js';

const run = promisify(execFile);

/** Options of {@link startPebble}. */
export interface PebbleOptions {
  /** Port of the DNS server on 127.0.0.1 that pebble's VA queries (e.g. `bind.port`). */
  dnsPort: number;
  /** Require external account binding; the MAC key is in `eab`. */
  eab?: boolean;
  /** Percentage of valid nonces pebble rejects with badNonce (pebble's default: 5). */
  nonceReject?: number;
  /** PEBBLE_ALTERNATE_ROOTS: number of extra root chains offered via Link rel="alternate". */
  alternateRoots?: number;
  /** Extra environment for pebble (e.g. PEBBLE_AUTHZREUSE, PEBBLE_CHAIN_LENGTH). */
  env?: Record<string, string>;
}

/** A running pebble. */
export interface PebbleServer {
  directoryUrl: string;
  /** Base URL of the management interface (`/roots/0`, `/intermediates/0`, `/cert-status-by-serial/…`). */
  managementUrl: string;
  /** Port the VA connects to for http-01 (on the address the name resolves to through `dnsPort`). */
  httpPort: number;
  /** CA certificate of pebble's HTTPS listener (trust it in the ACME client). */
  caCertPem: string;
  /** Pebble's issuing root `index` (0 = default chain), fetched from the management port. */
  rootPem(index?: number): Promise<string>;
  /**
   * What pebble's management interface says about a certificate it issued (serial in hex):
   * `Valid` or `Revoked` with the RFC 5280 reason code given (absent when none was sent).
   */
  certStatus(serialHex: string): Promise<{ status: 'Valid' | 'Revoked'; reason?: number; revokedAt?: string }>;
  /** EAB credentials (accepted only when started with `eab: true`). */
  eab: { kid: string; hmacKey: string };
  /** Orders pebble created since start. */
  orderCount(): number;
  /** Certificates pebble issued since start. */
  issuedCount(): number;
  /** pebble's output so far. */
  logs(): string;
  /** Stops pebble and removes its directory. Call it in `after()`. */
  stop(): Promise<void>;
}

/** GET over HTTPS trusting `ca`; resolves status and body. */
export function httpsGet(url: string, ca: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function makeTlsCert(dir: string): Promise<void> {
  const openssl = requireBinary('openssl', 'openssl');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run(openssl, ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '7',
    '-subj', '/CN=certctl test TLS CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run(openssl, ['req', ...ec, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'leaf.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  await run(openssl, ['x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '7', '-out', join(dir, 'cert.pem'), '-extfile', join(dir, 'leaf.ext')]);
}

function countLines(log: string, pattern: RegExp): number {
  return log.split('\n').filter((l) => pattern.test(l)).length;
}

/** Starts pebble on free loopback ports and waits until its directory answers. */
export async function startPebble(opts: PebbleOptions): Promise<PebbleServer> {
  const pebble = requireBinary('pebble', 'pebble');
  const dir = await mkdtemp(join(tmpdir(), 'certctl-pebble-'));
  try {
    await makeTlsCert(dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const caCertPem = await readFile(join(dir, 'ca.pem'), 'utf8');
  const eab = { kid: 'certctl-kid', hmacKey: randomBytes(32).toString('base64url') };
  const [listen, mgmt, httpPort, tlsPort] = await freePorts(4);
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${listen}`,
      managementListenAddress: `127.0.0.1:${mgmt}`,
      certificate: join(dir, 'cert.pem'),
      privateKey: join(dir, 'key.pem'),
      // Ports the VA would dial for http-01/tls-alpn-01; free ones so nothing answers by accident.
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: opts.eab === true,
      externalAccountMACKeys: { [eab.kid]: eab.hmacKey },
    },
  };
  const configPath = join(dir, 'pebble-config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: String(opts.nonceReject ?? 5),
    ...(opts.alternateRoots !== undefined ? { PEBBLE_ALTERNATE_ROOTS: String(opts.alternateRoots) } : {}),
    ...opts.env,
  };
  const proc = startProcess(pebble, ['-config', configPath, '-dnsserver', `127.0.0.1:${opts.dnsPort}`], { env, cwd: dir, cleanupDir: dir });
  const directoryUrl = `https://127.0.0.1:${listen}/dir`;
  const managementUrl = `https://127.0.0.1:${mgmt}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.hasExited()) {
      await proc.stop();
      throw new Error(`pebble exited during startup:\n${proc.output().slice(-4000)}`);
    }
    const ok = await httpsGet(directoryUrl, caCertPem, 500).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`pebble did not serve ${directoryUrl} within 15 s:\n${proc.output().slice(-4000)}`);
    }
    await sleep(50);
  }
  return {
    directoryUrl,
    managementUrl,
    httpPort,
    caCertPem,
    async rootPem(index = 0) {
      const r = await httpsGet(`${managementUrl}/roots/${index}`, caCertPem);
      if (r.status !== 200) throw new Error(`pebble /roots/${index}: HTTP ${r.status}`);
      return r.body;
    },
    async certStatus(serialHex) {
      const r = await httpsGet(`${managementUrl}/cert-status-by-serial/${serialHex}`, caCertPem);
      if (r.status !== 200) throw new Error(`pebble /cert-status-by-serial/${serialHex}: HTTP ${r.status}`);
      const doc = JSON.parse(r.body) as { Status: 'Valid' | 'Revoked'; Reason?: number; RevokedAt?: string };
      return { status: doc.Status, ...(doc.Reason !== undefined ? { reason: doc.Reason } : {}), ...(doc.RevokedAt ? { revokedAt: doc.RevokedAt } : {}) };
    },
    eab,
    orderCount: () => countLines(proc.output(), ORDER_LINE),
    issuedCount: () => countLines(proc.output(), ISSUED_LINE),
    logs: () => proc.output(),
    stop: () => proc.stop(3000),
  };
}

const ORDER_LINE = /Added order/;
const ISSUED_LINE = /Issued certificate serial/;
