/**
 * A throw-away BIND 9 authoritative server on 127.0.0.1:<free port> for DNS tests.
 *
 *   const bind = await startBind();          // default zones, see DEFAULT_ZONES
 *   after(() => bind.stop());                // always: stops named and deletes its directory
 *   const provider = createRfc2136Provider({ nameserver: `127.0.0.1:${bind.port}`, ...bind.tsig });
 *
 * Every zone's NS names have A 127.0.0.1, so tests reach them via `bind.mapNameserver` (or
 * `nsPort: bind.port`). Each zone accepts TSIG-signed updates with any of `bind.keys`. Several
 * instances can run at once (own temp dir, own port).
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Resolver } from '../../src/dns/resolver.js';
import { RCODE } from '../../src/dns/wire/constants.js';
import { isSubdomain, normalizeName } from '../../src/dns/wire/name.js';
import { txtValue } from '../../src/dns/wire/rdata.js';
import type { Endpoint } from '../../src/dns/wire/transport.js';
import type { Rfc2136Algorithm } from '../../src/providers/rfc2136/provider.js';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { startProcess } from './process.js';
import type { ManagedProcess } from './process.js';

/** A zone to serve. */
export interface BindZone {
  /** e.g. `example.test` */
  name: string;
  /** NS names; default `ns1.<zone>.`. In-zone names get `A 127.0.0.1` automatically. */
  nameservers?: string[];
  /** Extra zone-file lines, relative to the zone origin. */
  records?: string[];
}

/** Credentials in the shape createRfc2136Provider takes. */
export interface TsigCredentials {
  tsigKeyName: string;
  tsigAlgorithm: Rfc2136Algorithm;
  tsigSecret: string;
}

/** Default zones: a plain zone with a CNAME into a delegation-target zone, a CNAME loop and a nested child zone. */
export const DEFAULT_ZONES: BindZone[] = [
  {
    name: 'example.test',
    records: [
      'www A 127.0.0.1',
      '_acme-challenge.cname CNAME _acme-challenge.delegated.test.',
      '_acme-challenge.loop-a CNAME _acme-challenge.loop-b.example.test.',
      '_acme-challenge.loop-b CNAME _acme-challenge.loop-a.example.test.',
      'sub NS ns1.sub.example.test.',
      'ns1.sub A 127.0.0.1',
    ],
  },
  { name: 'sub.example.test' },
  { name: 'other.test' },
  { name: 'delegated.test' },
];

/** A running BIND instance. */
export interface BindServer {
  host: string;
  port: number;
  endpoint: Endpoint;
  /** Zone apexes served, lower-case with trailing dot. */
  zones: string[];
  /** HMAC-SHA256 key `certctl-test`. */
  tsig: TsigCredentials;
  /** One key per algorithm (`certctl-md5`, `certctl-sha1`, `certctl-test`, `certctl-sha512`). */
  keys: Record<Rfc2136Algorithm, TsigCredentials>;
  /** A resolver using this server as its (only) nameserver. */
  resolver(timeoutMs?: number): Resolver;
  /** Maps any NS name inside this server's zones to this server (for `mapNameserver`). */
  mapNameserver(nsName: string): Endpoint[] | undefined;
  /** Joined TXT values at `name` (asked directly, RD=0); [] for NXDOMAIN/NODATA. */
  txt(name: string): Promise<string[]>;
  /** Runs `nsupdate` (BIND's own client, independent of our code) signed with the SHA-256 key. */
  nsupdate(commands: string[]): Promise<void>;
  /** named's output so far. */
  logs(): string;
  /** Stops named and removes its directory. Call it in `after()`. */
  stop(): Promise<void>;
}

const KEY_NAMES: Record<Rfc2136Algorithm, [string, string]> = {
  HMACMD5: ['certctl-md5', 'hmac-md5'],
  HMACSHA1: ['certctl-sha1', 'hmac-sha1'],
  HMACSHA256: ['certctl-test', 'hmac-sha256'],
  HMACSHA512: ['certctl-sha512', 'hmac-sha512'],
};

function zoneFile(z: BindZone): string {
  const apex = normalizeName(z.name);
  const ns = (z.nameservers ?? [`ns1.${apex}`]).map(normalizeName);
  const lines = [`$ORIGIN ${apex}`, '$TTL 60', `@ SOA ${ns[0]} hostmaster.${apex} 1 3600 600 86400 1`];
  for (const n of ns) lines.push(`@ NS ${n}`);
  for (const n of ns) if (isSubdomain(n, apex)) lines.push(`${n} A 127.0.0.1`);
  lines.push(...(z.records ?? []));
  return `${lines.join('\n')}\n`;
}

function namedConf(dir: string, port: number, zones: BindZone[], keys: Record<Rfc2136Algorithm, TsigCredentials>, recursion: boolean): string {
  const keyBlocks = (Object.keys(KEY_NAMES) as Rfc2136Algorithm[]).map((alg) => {
    const [name, bindAlg] = KEY_NAMES[alg];
    return `key "${name}" { algorithm ${bindAlg}; secret "${keys[alg].tsigSecret}"; };`;
  });
  const allow = Object.values(KEY_NAMES).map(([n]) => `key "${n}";`).join(' ');
  const zoneBlocks = zones.map((z) => {
    const name = normalizeName(z.name).slice(0, -1);
    return `zone "${name}" { type primary; file "${join(dir, `${name}.db`)}"; allow-update { ${allow} }; };`;
  });
  return [
    'options {',
    `  directory "${dir}";`,
    '  pid-file none;',
    `  listen-on port ${port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    // With recursion, a query for a CNAME into another local zone gets the whole chain, as from
    // the CA's resolver; there is no network, so nothing outside the zones resolves either way.
    recursion ? '  recursion yes; allow-recursion { 127.0.0.1; }; root-key-sentinel no;' : '  recursion no;',
    '  allow-query { any; };',
    '  notify no;',
    '  dnssec-validation no;',
    `  managed-keys-directory "${dir}";`,
    `  session-keyfile "${join(dir, 'session.key')}";`,
    '};',
    // No rndc control channel: the default one would try port 953 and an rndc key file.
    'controls { };',
    ...keyBlocks,
    ...zoneBlocks,
    '',
  ].join('\n');
}

async function answersSoa(resolver: Resolver, zone: string): Promise<boolean> {
  try {
    const r = await resolver.query(zone, 'SOA', { recursionDesired: false });
    return r.rcode === RCODE.NOERROR && r.answers.some((rr) => rr.type === 'SOA');
  } catch {
    return false;
  }
}

async function launch(named: string, dir: string, zones: BindZone[], keys: Record<Rfc2136Algorithm, TsigCredentials>, recursion: boolean): Promise<{ proc: ManagedProcess; port: number }> {
  const port = await freePort({ udp: true });
  const conf = join(dir, 'named.conf');
  await writeFile(conf, namedConf(dir, port, zones, keys, recursion));
  // -g: foreground, log to stderr; as root without -u named keeps running as root, which is fine here.
  const proc = startProcess(named, ['-g', '-4', '-n', '1', '-c', conf, '-p', String(port)], {});
  const resolver = new Resolver({ nameservers: [{ host: '127.0.0.1', port }], timeoutMs: 300 });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.hasExited()) return { proc, port };
    if (await answersSoa(resolver, normalizeName(zones[0].name))) return { proc, port };
    await sleep(50);
  }
  await proc.stop();
  throw new Error(`named did not answer on 127.0.0.1:${port} within 15 s:\n${proc.output().slice(-4000)}`);
}

/** Starts named with `zones` (default {@link DEFAULT_ZONES}) and waits until it answers SOA. */
export async function startBind(opts: { zones?: BindZone[]; recursion?: boolean } = {}): Promise<BindServer> {
  const named = requireBinary('named', 'bind9');
  const zones = opts.zones ?? DEFAULT_ZONES;
  const dir = await mkdtemp(join(tmpdir(), 'certctl-bind-'));
  const keys = {} as Record<Rfc2136Algorithm, TsigCredentials>;
  for (const alg of Object.keys(KEY_NAMES) as Rfc2136Algorithm[]) {
    keys[alg] = { tsigKeyName: KEY_NAMES[alg][0], tsigAlgorithm: alg, tsigSecret: randomBytes(32).toString('base64') };
  }
  for (const z of zones) await writeFile(join(dir, `${normalizeName(z.name).slice(0, -1)}.db`), zoneFile(z));

  let started: { proc: ManagedProcess; port: number } | undefined;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    const r = await launch(named, dir, zones, keys, opts.recursion ?? false);
    if (!r.proc.hasExited()) started = r;
    // A concurrent test may have taken the port between probe and bind: try another one.
    else if (!/address in use/i.test(r.proc.output())) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`named exited during startup:\n${r.proc.output().slice(-4000)}`);
    }
  }
  if (!started) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('named could not bind a free port after 3 attempts');
  }
  const { proc, port } = started;
  const host = '127.0.0.1';
  const endpoint = { host, port };
  const apexes = zones.map((z) => normalizeName(z.name));
  const resolver = (timeoutMs = 2000): Resolver => new Resolver({ nameservers: [endpoint], timeoutMs });
  const direct = resolver();

  return {
    host,
    port,
    endpoint,
    zones: apexes,
    tsig: keys.HMACSHA256,
    keys,
    resolver,
    mapNameserver: (nsName) => (apexes.some((z) => isSubdomain(nsName, z)) ? [endpoint] : undefined),
    async txt(name) {
      const r = await direct.query(name, 'TXT', { recursionDesired: false });
      return r.answers.flatMap((rr) => (rr.type === 'TXT' && isSubdomain(rr.name, name) && isSubdomain(name, rr.name) ? [txtValue(rr.strings)] : []));
    },
    nsupdate(commands) {
      const k = keys.HMACSHA256;
      const script = [`server ${host} ${port}`, ...commands, 'send', ''].join('\n');
      return new Promise((resolve, reject) => {
        const child = execFile(requireBinary('nsupdate', 'bind9-dnsutils'), ['-y', `hmac-sha256:${k.tsigKeyName}:${k.tsigSecret}`], (err, _out, stderr) =>
          err ? reject(new Error(`nsupdate failed: ${stderr || err.message}`)) : resolve(),
        );
        child.stdin?.end(script);
      });
    },
    logs: () => proc.output(),
    stop: () => proc.stop(3000).then(() => rm(dir, { recursive: true, force: true })),
  };
}
