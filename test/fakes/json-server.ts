/**
 * The plumbing the fake REST APIs share: an HTTP server on a free loopback port whose handler
 * gets the parsed request and returns status, headers and a JSON body.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fakes see it. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body; undefined when empty, null when it is not JSON. */
  json: unknown;
  remoteAddress: string;
}

/** A reply; `body` undefined sends no body (204). */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface JsonServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stop(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Starts a server; a handler that throws answers 500 with the message (a bug in the fake shows up in the test). */
export async function startJsonServer(handler: (req: FakeRequest) => Promise<FakeReply> | FakeReply): Promise<JsonServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const request: FakeRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake'), headers: req.headers, text, json: parse(text), remoteAddress: req.socket.remoteAddress ?? '' };
      let reply: FakeReply;
      try {
        reply = await handler(request);
      } catch (err) {
        reply = { status: 500, body: { fakeError: (err as Error).message } };
      }
      const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(body ? { 'content-type': 'application/json' } : {}), ...reply.headers });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The logical value of TXT content as a DNS server would serve it: quoted strings joined, or the text as is. */
export function logicalTxt(content: string): string {
  const s = content.trim();
  if (!s.startsWith('"')) return s;
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')).join('');
}
