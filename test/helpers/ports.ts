/**
 * Free loopback ports for test servers. A DNS server needs the same port free for UDP and TCP,
 * so both are probed. The port is released before the server binds it, so a concurrent test may
 * grab it first: start helpers retry on "address in use".
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function tcpPort(host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(got));
    });
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ address: host, port, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

/** A port free on `host` for TCP, and for UDP too when `udp` is set. */
export async function freePort(opts: { udp?: boolean; host?: string } = {}): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  for (let i = 0; i < 50; i++) {
    const port = await tcpPort(host);
    if (!opts.udp || (await udpFree(host, port))) return port;
  }
  throw new Error(`no free ${opts.udp ? 'UDP+TCP' : 'TCP'} port found on ${host}`);
}

/** `n` distinct free ports. */
export async function freePorts(n: number, opts: { udp?: boolean; host?: string } = {}): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort(opts));
  return [...ports];
}
