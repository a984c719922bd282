/**
 * Real servers for the `check` tests, each on a free loopback port and stopped by the test:
 * `openssl s_server` (optionally stapling a response file), `openssl ocsp` as a responder, and a
 * small node:http server handing out CRL files.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/ports.js';
import { startProcess, type ManagedProcess } from '../helpers/process.js';

/** A running server. */
export interface Running {
  port: number;
  host: string;
  stop(): Promise<void>;
  output(): string;
}

/** Resolves once something accepts TCP connections on host:port, or throws after `ms`. */
export async function waitForPort(host: string, port: number, proc?: ManagedProcess, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc?.hasExited()) throw new Error(`server exited before listening:\n${proc.output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${ms} ms${proc ? `:\n${proc.output()}` : ''}`);
}

/** Resolves once the process has printed `line` (for servers that a probing connection would wedge). */
export async function waitForOutput(proc: ManagedProcess, line: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!proc.output().includes(line)) {
    if (proc.hasExited()) throw new Error(`server exited before it was ready:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`server not ready after ${ms} ms:\n${proc.output()}`);
    await sleep(50);
  }
}

/**
 * Starts a program that listens on a port it is told, retrying on another free port when a
 * concurrent test took it (unless `port` fixes the port, e.g. one already written into a certificate).
 */
export async function startListening(
  command: string,
  args: (port: number) => string[],
  host = '127.0.0.1',
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; port?: number; readyLine?: string } = {},
): Promise<Running> {
  let last: Error | undefined;
  for (let attempt = 0; attempt < (opts.port ? 1 : 5); attempt++) {
    const port = opts.port ?? (await freePort({ host }));
    const proc = startProcess(command, args(port), opts);
    try {
      if (opts.readyLine) await waitForOutput(proc, opts.readyLine);
      else await waitForPort(host, port, proc);
      return { port, host, stop: () => proc.stop(), output: () => proc.output() };
    } catch (err) {
      last = err as Error;
      await proc.stop();
    }
  }
  throw last ?? new Error(`${command} did not start`);
}

/** `openssl s_server` serving `cert` with `key`, the `chain` file as sent, and an optional OCSP staple. */
export function startSServer(o: { cert: string; key: string; chain?: string; status?: string; host?: string; extra?: string[] }): Promise<Running> {
  const host = o.host ?? '127.0.0.1';
  const addr = host.includes(':') ? `[${host}]` : host;
  return startListening(
    requireBinary('openssl', 'openssl'),
    (port) => [
      's_server', '-accept', `${addr}:${port}`, '-cert', o.cert, '-key', o.key,
      ...(o.chain ? ['-cert_chain', o.chain] : []),
      ...(o.status ? ['-status_file', o.status] : []),
      '-www', ...(o.extra ?? []),
    ],
    host,
  );
}

/**
 * `openssl ocsp` as a responder on `port`, answering from an index file, signed by `signer`.
 * Readiness comes from its output: it serves one connection at a time and an empty probing
 * connection wedges it.
 */
export function startOcspResponder(o: { index: string; ca: string; signer: string; signerKey: string; port: number }): Promise<Running> {
  return startListening(requireBinary('openssl', 'openssl'), (port) => ['ocsp', '-index', o.index, '-port', String(port), '-CA', o.ca, '-rsigner', o.signer, '-rkey', o.signerKey, '-ndays', '1'], '127.0.0.1', { port: o.port, readyLine: 'waiting for OCSP client connections' });
}

/** Serves files by URL path (`/int.crl` → that file, read afresh on each request); counts requests. */
export async function startFileServer(files: Record<string, string>, port = 0): Promise<Running & { requests: () => number }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const path = files[req.url ?? ''];
    if (!path) {
      res.writeHead(404).end();
      return;
    }
    readFile(path).then(
      (body) => res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    host: '127.0.0.1',
    requests: () => requests,
    output: () => '',
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
