/**
 * In-process scriptable DNS server (UDP + TCP on one loopback port) for behaviour a real BIND
 * will not produce on demand: truncation, wrong ids, garbage, silence, SERVFAIL, lag.
 *
 *   const fake = await startFakeDns((req) => answer(req, { answers: [...] }));
 *   after(() => fake.stop());
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { decodeMessage, encodeMessage } from '../../src/dns/wire/message.js';
import type { Endpoint } from '../../src/dns/wire/transport.js';
import type { DecodedMessage, DnsMessage } from '../../src/dns/wire/types.js';
import { freePort } from './ports.js';

/** What a handler returns: a message, raw bytes, several datagrams (UDP), or nothing (no reply). */
export type FakeReply = DnsMessage | Buffer | Buffer[] | null | undefined;

/** Request handler. */
export type FakeHandler = (req: DecodedMessage, transport: 'udp' | 'tcp') => FakeReply | Promise<FakeReply>;

/** A running fake server. */
export interface FakeDnsServer {
  endpoint: Endpoint;
  /** Every request received, in order. */
  requests: { msg: DecodedMessage; transport: 'udp' | 'tcp' }[];
  stop(): Promise<void>;
}

/** A response to `req`: same id and question, QR and AA set, NOERROR unless overridden. */
export function answer(req: DnsMessage, patch: Partial<DnsMessage> = {}): DnsMessage {
  return {
    id: req.id,
    flags: { ...req.flags, qr: true, aa: true, ra: false, tc: false, ...patch.flags },
    rcode: patch.rcode ?? 0,
    questions: patch.questions ?? req.questions,
    answers: patch.answers ?? [],
    authority: patch.authority ?? [],
    additional: patch.additional ?? [],
  };
}

function toBuffers(r: FakeReply): Buffer[] {
  if (!r) return [];
  if (Buffer.isBuffer(r)) return [r];
  if (Array.isArray(r)) return r;
  return [encodeMessage(r)];
}

/** Starts a fake server on 127.0.0.1 at a free port. */
export async function startFakeDns(handler: FakeHandler): Promise<FakeDnsServer> {
  const port = await freePort({ udp: true });
  const requests: FakeDnsServer['requests'] = [];
  const udp = createSocket('udp4');
  udp.on('message', async (raw, rinfo) => {
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(raw);
    } catch {
      return;
    }
    requests.push({ msg, transport: 'udp' });
    for (const b of toBuffers(await handler(msg, 'udp'))) udp.send(b, rinfo.port, rinfo.address);
  });
  const sockets = new Set<Socket>();
  const tcp = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', async (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const raw = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + raw.length);
        const msg = decodeMessage(raw);
        requests.push({ msg, transport: 'tcp' });
        for (const b of toBuffers(await handler(msg, 'tcp'))) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length);
          sock.write(Buffer.concat([len, b]));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: { host: '127.0.0.1', port },
    requests,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}
