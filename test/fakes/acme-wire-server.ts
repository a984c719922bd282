/**
 * A scriptable ACME server for the failures Pebble cannot produce: HTTPS on a free loopback port
 * with its own certificate, a directory, newNonce (HEAD 200 / GET 204) handing out fresh nonces, and a `reply`
 * function each test sets for every other request: an answer (status, headers, body), or a
 * misbehaviour (`close` the connection, `hang`, a huge body). Every request is recorded with its
 * headers and, for POSTs, the decoded JWS protected header.
 *
 *   const acme = await startAcmeWireServer();
 *   after(() => acme.stop());
 *   acme.reply = (r) => (r.path === '/order' ? { status: 503, headers: { 'Retry-After': '1' } } : undefined);
 *   // new AcmeHttp({ directoryUrl: acme.directoryUrl, caBundle: acme.caPem, ... })
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { buildCertificate } from '../../src/pki/certificate.js';
import { encodePrivateKey, generatePrivateKey } from '../../src/pki/keys.js';

/** One request as the server saw it. */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Decoded JWS protected header of a POST. */
  jws?: { alg?: string; nonce?: string; url?: string; kid?: string; jwk?: unknown };
  /** Decoded JWS payload of a POST ('' for POST-as-GET). */
  payload?: string;
  /** Arrival time (performance.now()). */
  at: number;
  /** Index of the TLS connection it came on (0, 1, …). */
  connection: number;
  /** Position of the request on its connection (0 = first). */
  onConnection: number;
}

/** What to answer. `close` drops the connection without an answer; `hang` never answers. */
export type WireReply =
  | { status: number; headers?: Record<string, string>; body?: unknown; bytes?: number }
  | 'close'
  | 'hang'
  | undefined;

export interface AcmeWireServer {
  url: string;
  directoryUrl: string;
  caPem: string;
  requests: WireRequest[];
  /** The nonces the server handed out, newest last. */
  nonces: string[];
  /** The directory served at /dir (replace to test bad directories). */
  directory: unknown;
  /** Answers requests other than GET /dir and newNonce; undefined → 200 {} with a nonce. */
  reply: (r: WireRequest) => WireReply;
  stop(): Promise<void>;
}

export async function startAcmeWireServer(): Promise<AcmeWireServer> {
  const key = await generatePrivateKey({ algorithm: 'ECDSA', size: 256 });
  const now = Date.now();
  const certPem = buildCertificate(
    {
      subject: { commonName: 'fake ACME server' }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
      notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), isCA: false, usages: ['digital signature', 'server auth'], publicKey: key,
    },
    { privateKey: key },
  );
  const sockets = new Map<Socket, { id: number; served: number }>();
  let base = '';
  const state: AcmeWireServer = {
    url: '',
    directoryUrl: '',
    caPem: certPem,
    requests: [],
    nonces: [],
    directory: undefined,
    reply: () => undefined,
    stop: async () => {},
  };
  const nonce = (): string => {
    const n = randomBytes(12).toString('base64url');
    state.nonces.push(n);
    return n;
  };

  const server: Server = createServer({ key: encodePrivateKey(key, 'PKCS8'), cert: certPem, keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sock = sockets.get(req.socket)!;
      const r: WireRequest = { method: req.method ?? '', path: new URL(req.url ?? '/', base).pathname, headers: req.headers, at: performance.now(), connection: sock.id, onConnection: sock.served++ };
      if (req.method === 'POST') {
        try {
          const jws = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { protected: string; payload: string };
          r.jws = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as WireRequest['jws'];
          r.payload = Buffer.from(jws.payload, 'base64url').toString('utf8');
        } catch {
          // recorded without a JWS
        }
      }
      state.requests.push(r);
      if (r.method === 'GET' && r.path === '/dir') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(state.directory));
      }
      if ((r.method === 'HEAD' || r.method === 'GET') && r.path === '/nonce') {
        res.writeHead(r.method === 'HEAD' ? 200 : 204, { 'Replay-Nonce': nonce(), 'Cache-Control': 'no-store' });
        return res.end();
      }
      const a = state.reply(r) ?? { status: 200, body: {} };
      if (a === 'close') return req.socket.destroy();
      if (a === 'hang') return;
      const headers: Record<string, string> = { 'Replay-Nonce': nonce(), ...(a.headers ?? {}) };
      if (a.bytes !== undefined) {
        res.writeHead(a.status, { ...headers, 'Content-Type': 'application/json' });
        // Streamed in 64 KiB pieces, as a misbehaving server would.
        const piece = Buffer.alloc(64 * 1024, 0x20);
        let left = a.bytes;
        const pump = (): void => {
          while (left > 0) {
            const n = Math.min(left, piece.length);
            left -= n;
            if (!res.write(piece.subarray(0, n))) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        return pump();
      }
      const body = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      if (!headers['Content-Type'] && a.body !== undefined) headers['Content-Type'] = typeof a.body === 'string' ? 'text/plain' : a.status >= 400 ? 'application/problem+json' : 'application/json';
      res.writeHead(a.status, headers);
      res.end(body);
    });
  });
  let connections = 0;
  server.on('secureConnection', (s) => {
    sockets.set(s, { id: connections++, served: 0 });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = base;
  state.directoryUrl = `${base}/dir`;
  state.directory = { newNonce: `${base}/nonce`, newAccount: `${base}/account`, newOrder: `${base}/order`, revokeCert: `${base}/revoke`, keyChange: `${base}/key-change` };
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      for (const s of sockets.keys()) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
