/**
 * HTTP-01 with certctl's own server (certbot --standalone, lego --http): answers
 * `GET /.well-known/acme-challenge/<token>` for the tokens it serves with the key authorization
 * (text/plain), and everything else with 404. It knows nothing else and keeps nothing open
 * after close().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatListenAddress, type ListenAddress } from '../../../shared/listen-address.js';

const PATH_PREFIX = '/.well-known/acme-challenge/';
/** certbot's standalone server gives a request 30 s; the CA sends one small GET. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A listen failure worded for the user: what happened to which address, and what to do. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** What the server tells `-v`: each request and its answer. */
export type ServerLog = (message: string) => void;

/** certctl's HTTP-01 server on one address; {@link ChallengeServer.listen} creates it bound. */
export class ChallengeServer {
  private constructor(
    private readonly server: Server,
    /** Token → key authorization; the request handler reads the same map. */
    private readonly tokens: Map<string, string>,
    /** The address as asked (`:80`), for messages. */
    readonly address: string,
    /** The port actually bound (differs from the asked one only for port 0, in tests). */
    readonly port: number,
  ) {}

  /** Binds `listen`; a port in use or reserved to root is a ListenError saying what to do. */
  static async listen(listen: ListenAddress, log: ServerLog = () => undefined): Promise<ChallengeServer> {
    const address = formatListenAddress(listen);
    const tokens = new Map<string, string>();
    const server = createServer((req, res) => answer(tokens, req, res, log));
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // exclusive: a cluster primary must not hand us a shared handle; the port is ours or the bind fails.
      server.listen({ host: listen.host, port: listen.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      server.close();
      throw listenError(address, listen, err);
    });
    return new ChallengeServer(server, tokens, address, (server.address() as AddressInfo).port);
  }

  /** Starts answering `token` with `keyAuthorization`. */
  serve(token: string, keyAuthorization: string): void {
    this.tokens.set(token, keyAuthorization);
  }

  /** Stops answering `token` (404 from now on). */
  withdraw(token: string): void {
    this.tokens.delete(token);
  }

  /** Stops listening and drops every connection, kept-alive ones included. */
  async close(): Promise<void> {
    this.tokens.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function answer(tokens: Map<string, string>, req: IncomingMessage, res: ServerResponse, log: ServerLog): void {
  const path = (req.url ?? '').split('?')[0]!;
  const token = path.startsWith(PATH_PREFIX) ? path.slice(PATH_PREFIX.length) : undefined;
  const value = token !== undefined ? tokens.get(token) : undefined;
  let status: number;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    status = 405;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
    res.end('method not allowed\n');
  } else if (value === undefined) {
    status = 404;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : 'not found\n');
  } else {
    status = 200;
    // RFC 8555 §8.3: the body is the key authorization; CAs accept text/plain.
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(value) });
    res.end(req.method === 'HEAD' ? undefined : value);
  }
  log(`http01: ${req.method} ${path.slice(0, 200)} (Host ${String(req.headers.host ?? '-').slice(0, 100)}) from ${req.socket.remoteAddress ?? '?'} -> ${status}`);
}

function listenError(address: string, listen: ListenAddress, err: NodeJS.ErrnoException): ListenError {
  const where = `cannot listen on ${address} for HTTP-01`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(
        `${where}: the address is already in use (a web server?): stop it for the run, answer through it with --http01-webroot, or listen on another port (--http01-listen :8080) that port 80 forwards to`,
        err.code,
      );
    case 'EACCES':
      return new ListenError(
        `${where}: permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE (sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")"), or listen on a high port (--http01-listen :${listen.port < 1024 ? 8080 : listen.port}) and redirect port ${listen.port < 1024 ? listen.port : 80} to it`,
        err.code,
      );
    case 'EADDRNOTAVAIL':
      return new ListenError(`${where}: ${listen.host ?? 'the address'} is not an address of this machine`, err.code);
    default:
      return new ListenError(`${where}: ${err.message}`, err.code);
  }
}
